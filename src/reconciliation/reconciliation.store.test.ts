// The whole check on each store: 100 000 of our conversions in the store, the network's export of
// them in each preset's format with planted differences, streamed through runCheck; the findings
// written are exactly the planted ones.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { createCatalog } from '../../test/support/fixtures.ts';
import { exportStream, type Format, ROWS, world, ZONE } from '../../test/support/network-exports.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { NO_ADV_SUBS } from '../conversions/conversion.table.ts';
import { newId } from '../shared/ids.ts';
import { PRESETS } from './presets.ts';
import { runCheck } from './reconciliation.service.ts';

const CHUNK = 500;

describeEachStore('discrepancy check of a 100 000-row export against the store', (current) => {
  let t: TestApp;
  let advertiserId: number;
  let ids: string[];
  beforeAll(async () => {
    t = await startTestApp(current().store);
    const db = current().store.db;
    const catalog = await createCatalog(db);
    advertiserId = catalog.advertiser.id;
    const { ours } = world('everflow', (_i, at) => newId(at, 'cv_'));
    ids = ours.map((c) => c.id);
    for (let i = 0; i < ours.length; i += CHUNK) {
      const rows = ours.slice(i, i + CHUNK).map((c) => ({
        id: c.id,
        click_id: c.clickId,
        offer_id: c.offerId,
        publisher_id: catalog.publisher.id,
        advertiser_id: advertiserId,
        link_id: catalog.link.id,
        goal: 'default',
        txn_id: c.txnId,
        dedupe_key: `dk-${c.id}`,
        status: 'approved' as const,
        status_raw: null,
        payout: 1,
        revenue: c.revenue,
        sale_amount: null,
        currency: 'USD',
        needs_review: 0,
        review_reason: null,
        ...NO_ADV_SUBS,
        created_at: c.createdAt,
        updated_at: c.createdAt,
      }));
      await db.insertInto('conversions').values(rows).execute();
    }
  }, 120_000);
  afterAll(() => t.close());

  for (const format of Object.keys(PRESETS) as Format[]) {
    it(`finds exactly the planted differences in a ${format} export`, async () => {
      const { theirs, planted } = world(format, (i) => ids[i]);
      const check = await runCheck(
        t.ctx,
        {
          advertiserId,
          format,
          timeZone: ZONE[format],
          currency: 'USD',
          fromDay: '2026-02-28',
          toDay: '2026-03-10',
        },
        exportStream(format, theirs),
        null,
      );
      expect(check.rows_read).toBe(theirs.length);
      const findings = await current()
        .store.db.selectFrom('reconciliation_findings')
        .select(['kind', 'click_id'])
        .where('reconciliation_id', '=', check.id)
        .execute();
      const clicksOf = (kind: string) =>
        findings
          .filter((f) => f.kind === kind)
          .map((f) => f.click_id)
          .sort();
      expect(clicksOf('missing_ours')).toEqual([...planted.missing_ours].sort());
      expect(clicksOf('missing_theirs')).toEqual([...planted.missing_theirs].sort());
      expect(clicksOf('status_mismatch')).toEqual([...planted.status_mismatch].sort());
      expect(clicksOf('payout_mismatch')).toEqual([...planted.payout_mismatch].sort());
      expect(clicksOf('day_shifted')).toEqual([...planted.day_shifted].sort());
      expect(findings).toHaveLength(7 + 5 + 3 + 4 + planted.day_shifted.length);
      expect(JSON.parse(check.counts)).toMatchObject({ matched: ROWS - 5 });
      const days = JSON.parse(check.days) as { ourCount: number; theirCount: number }[];
      expect(days.reduce((n, d) => n + d.ourCount, 0)).toBe(ROWS);
    });
  }
});
