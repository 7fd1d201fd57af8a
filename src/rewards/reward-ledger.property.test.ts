// Property: after any sequence of conversions, status postbacks (legal or not, repeated or not),
// adjustments and redemptions over HTTP, each user's ledger sums to the cached balance, and each
// conversion holds its credit exactly when its status says so.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { createRewardsWorld } from '../../test/support/rewards-world.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { sumUserEntries } from './reward.repository.ts';

const USERS = ['u0', 'u1', 'u2'];
const STATUSES = ['pending', 'approved', 'rejected', 'declined', 'reversed'];

const step = fc.oneof(
  fc.record({
    op: fc.constant('convert' as const),
    user: fc.constantFrom(...USERS),
    status: fc.constantFrom(...STATUSES),
  }),
  fc.record({ op: fc.constant('status' as const), which: fc.nat(), status: fc.constantFrom(...STATUSES) }),
  fc.record({
    op: fc.constant('adjust' as const),
    user: fc.constantFrom(...USERS),
    points: fc.integer({ min: -500, max: 500 }),
  }),
  fc.record({
    op: fc.constant('redeem' as const),
    user: fc.constantFrom(...USERS),
    points: fc.integer({ min: 1, max: 800 }),
  }),
);

describeEachStore('rewards ledger property', (current) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(current().store);
  });
  afterAll(() => t.close());

  it('ledger sum equals balance; a conversion holds a credit exactly while creditable', {
    timeout: 120_000,
  }, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 14 }),
        fc.constantFrom('approved', 'pending'),
        async (steps, creditOn) => {
          const w = await createRewardsWorld(t.url, { creditOn });
          const conversions: { clickId: string; txn: string }[] = [];
          let key = 0;
          for (const s of steps) {
            if (s.op === 'convert') {
              const txn = `r${run}-${conversions.length}`;
              const clickId = await w.click(s.user);
              conversions.push({ clickId, txn });
              await w.postback({ click_id: clickId, txn_id: txn, status: s.status });
            } else if (s.op === 'status' && conversions.length > 0) {
              const c = conversions[s.which % conversions.length];
              await w.postback({ click_id: c.clickId, txn_id: c.txn, status: s.status });
            } else if (s.op === 'adjust' || s.op === 'redeem') {
              await w.admin(
                'POST',
                `/publishers/${w.publisherId}/rewards/users/${s.user}/${s.op === 'adjust' ? 'adjustments' : 'redemptions'}`,
                {
                  points: s.points,
                  idempotencyKey: `k${key++}`,
                },
              );
            }
          }
          run++;
          const db = current().store.db;
          for (const user of USERS) {
            const ledger = await w.ledger(user);
            expect(await sumUserEntries(db, w.publisherId, user)).toBe(ledger.balance);
            if (ledger.entries.length > 0) expect(ledger.entries[0].balanceAfter).toBe(ledger.balance);
          }
          const rows = await db
            .selectFrom('conversions')
            .select(['id', 'status'])
            .where('publisher_id', '=', w.publisherId)
            .execute();
          for (const row of rows) {
            const entries = await db
              .selectFrom('reward_entries')
              .select(['kind', 'points', 'flagged'])
              .where('conversion_id', '=', row.id)
              .execute();
            const credited =
              row.status === 'approved' || (creditOn === 'pending' && row.status === 'pending');
            const credits = entries.filter((e) => e.kind === 'credit').length;
            const reversals = entries.filter((e) => e.kind === 'reversal').length;
            expect(credits - reversals).toBe(credited ? 1 : 0);
            // allowNegative is on by default: a reversal takes back the whole credit.
            expect(entries.reduce((sum, e) => sum + Number(e.points), 0)).toBe(credited ? 350 : 0);
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
