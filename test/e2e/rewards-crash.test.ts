// The real server as a child process: kill -9 it while postbacks are being accepted and answered,
// start it again, and the network's retries (every postback sent again) leave exactly one credit
// per conversion: none missing for a conversion committed before the crash, none doubled after.
import { expect, it } from 'vitest';
import { sumUserEntries } from '../../src/rewards/reward.repository.ts';
import { killHard, startServer, stopGracefully, useSharedStore } from '../support/processes.ts';
import { createRewardsWorld } from '../support/rewards-world.ts';
import { describeEachStore } from '../support/stores.ts';

const CONVERSIONS = 60;
const USERS = 6;

describeEachStore('rewards crash recovery', (current) => {
  const sharedStore = useSharedStore(current, 'trackwire-rewards-crash-');

  const start = () => startServer(sharedStore(), { TRACKWIRE_ROLE: 'api' });

  /** Conversions of the publisher and how many credit entries each has. */
  async function creditsPerConversion(publisherId: number) {
    const db = sharedStore().store.store.db;
    const conversions = await db
      .selectFrom('conversions')
      .select('id')
      .where('publisher_id', '=', publisherId)
      .execute();
    const credits = await db
      .selectFrom('reward_entries')
      .select('conversion_id')
      .where('publisher_id', '=', publisherId)
      .where('kind', '=', 'credit')
      .execute();
    const count = new Map(conversions.map((c) => [c.id, 0]));
    for (const c of credits)
      count.set(String(c.conversion_id), (count.get(String(c.conversion_id)) ?? 0) + 1);
    return count;
  }

  it('never leaves a conversion without its credit nor credits twice across a kill -9', {
    timeout: 90_000,
  }, async () => {
    const first = await start();
    const world = await createRewardsWorld(first.url);
    const users = Array.from({ length: USERS }, (_, i) => `crash-user-${i}`);
    const clicks: { clickId: string; user: string }[] = [];
    for (let i = 0; i < CONVERSIONS; i++) {
      const user = users[i % USERS];
      clicks.push({ clickId: await world.click(user), user });
    }
    const params = (i: number) => ({ click_id: clicks[i].clickId, txn_id: `crash-${i}` });

    // All at once; the server dies as soon as the first answer is back, with the rest in flight:
    // some committed and never answered, some never committed.
    let answered = 0;
    let killing: Promise<void> | undefined;
    const inFlight = clicks.map((_, i) =>
      world.postback(params(i)).then(
        (a) => {
          answered++;
          killing ??= killHard(first.child);
          return a.status;
        },
        () => 0,
      ),
    );
    await Promise.all(inFlight);
    await killing;
    expect(answered).toBeGreaterThan(0);

    // Before any retry: whatever committed has its credit, and only one.
    const afterCrash = await creditsPerConversion(world.publisherId);
    expect([...afterCrash.values()].every((n) => n === 1)).toBe(true);
    // Nothing is answered before its commit.
    expect(afterCrash.size).toBeGreaterThanOrEqual(answered);

    const second = await start();
    world.moveTo(second.url);
    const answers = await Promise.all(clicks.map((_, i) => world.postback(params(i))));
    for (const a of answers) expect(['conversion_created', 'duplicate']).toContain(a.body.code);

    const final = await creditsPerConversion(world.publisherId);
    expect(final.size).toBe(CONVERSIONS);
    expect([...final.values()].every((n) => n === 1)).toBe(true);
    const db = sharedStore().store.store.db;
    for (const user of users) {
      const ledger = await world.ledger(user);
      expect(ledger.balance).toBe((CONVERSIONS / USERS) * 350);
      expect(await sumUserEntries(db, world.publisherId, user)).toBe(ledger.balance);
    }
    await stopGracefully(second.child);
  });
});
