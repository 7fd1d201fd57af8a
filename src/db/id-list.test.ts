import { beforeAll, expect, it } from 'vitest';
import { clickRow } from '../../test/support/rows.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { inIdList } from './id-list.ts';

const T0 = 1_800_000_000_000;

describeEachStore('an id list bound as one parameter', (current) => {
  const clicks = Array.from({ length: 30 }, (_, i) =>
    clickRow({ link_id: 1, offer_id: 1, publisher_id: 1, advertiser_id: 1, created_at: T0 + i }),
  );
  let attemptIds: number[] = [];

  beforeAll(async () => {
    const db = current().store.db;
    await db.insertInto('clicks').values(clicks).execute();
    const attempts = await db
      .insertInto('delivery_attempts')
      .values(
        Array.from({ length: 5 }, (_, i) => ({
          delivery_id: null,
          postback_id: 1,
          attempt_no: 1,
          trigger: 'test' as const,
          url: `https://example.com/${i}`,
          method: 'GET',
          request_headers: '{}',
          request_body: null,
          status_code: 200,
          response_excerpt: null,
          response_truncated: 0,
          duration_ms: 1,
          error_class: null,
          error_message: null,
          created_at: T0,
        })),
      )
      .returning('id')
      .execute();
    attemptIds = attempts.map((a) => Number(a.id));
  });

  it('finds exactly the text ids listed, however many', async () => {
    const db = current().store.db;
    const wanted = clicks.filter((_, i) => i % 3 === 0).map((c) => c.id);
    const rows = await db
      .selectFrom('clicks')
      .select('id')
      .where((eb) => inIdList(db, eb.ref('id'), [...wanted, 'clk_not_there']))
      .execute();
    expect(rows.map((r) => r.id).sort()).toEqual([...wanted].sort());
  });

  it('finds integer ids', async () => {
    const db = current().store.db;
    const rows = await db
      .selectFrom('delivery_attempts')
      .select('id')
      .where((eb) => inIdList(db, eb.ref('id'), [attemptIds[1], attemptIds[3]]))
      .execute();
    expect(rows.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual([attemptIds[1], attemptIds[3]]);
  });

  it('matches nothing for an empty list', async () => {
    const db = current().store.db;
    const rows = await db
      .selectFrom('clicks')
      .select('id')
      .where((eb) => inIdList(db, eb.ref('id'), []))
      .execute();
    expect(rows).toEqual([]);
  });
});
