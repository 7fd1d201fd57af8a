// The dedupe-key insert against a concurrent twin on PostgreSQL: the second insert waits for the
// first transaction, then reports a duplicate and reads the twin's row, instead of failing.
import { expect, it } from 'vitest';
import { conversionRow } from '../../test/support/rows.ts';
import { describePostgres } from '../../test/support/stores.ts';
import { newId } from '../shared/ids.ts';
import { findConversionByDedupeKey, insertConversionUnlessDuplicate } from './conversion.repository.ts';

const NOW = 1_718_000_000_000;

const conversion = (dedupeKey: string) =>
  conversionRow({
    offer_id: 1,
    publisher_id: 1,
    advertiser_id: 1,
    link_id: 1,
    dedupe_key: dedupeKey,
    created_at: NOW,
  });

describePostgres('conversion insert against a concurrent twin', (current) => {
  it('waits for the twin, then reports a duplicate and finds the twin', async () => {
    const db = current().store.db;
    const key = `txn|1|default|${newId(NOW)}`;
    const first = conversion(key);
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let firstInserted = () => {};
    const firstInsertDone = new Promise<void>((resolve) => {
      firstInserted = resolve;
    });
    const firstTxn = db.transaction().execute(async (trx) => {
      expect(await insertConversionUnlessDuplicate(trx, first)).toMatchObject({ id: first.id });
      firstInserted();
      await firstHeld; // stays uncommitted while the twin tries
    });
    await firstInsertDone;

    let twinSettled = false;
    const twinTxn = db.transaction().execute(async (trx) => {
      const inserted = await insertConversionUnlessDuplicate(trx, conversion(key));
      twinSettled = true;
      return { inserted, found: await findConversionByDedupeKey(trx, key) };
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(twinSettled).toBe(false); // blocked on the first transaction's uncommitted key
    releaseFirst();
    await firstTxn;
    const twin = await twinTxn;
    expect(twin.inserted).toBeUndefined();
    expect(twin.found).toMatchObject({ id: first.id, dedupe_key: key });
  });
});
