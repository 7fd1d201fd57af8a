import { expect, it } from 'vitest';
import { clickRow } from '../../test/support/rows.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { findClickById, insertClicks } from './click.repository.ts';
import type { ClickRow } from './click.table.ts';
import { createClickInserter } from './click-inserter.ts';

function numberedClick(i: number, linkId: number): ClickRow {
  return clickRow({
    link_id: linkId,
    offer_id: 2,
    publisher_id: 3,
    advertiser_id: 4,
    sub1: `s${i}`,
    sub10: 'ten',
    external_id: `ext-${i}`,
    gclid: 'g',
    ip: '203.0.113.7',
    user_agent: 'ua',
    device: 'desktop',
    os: 'Linux',
    browser: 'Firefox',
    country: 'DE',
    is_bot: i % 2,
    created_at: Date.UTC(2026, 0, 1) + i,
  });
}

async function countLink(db: Parameters<typeof insertClicks>[0], linkId: number): Promise<number> {
  const row = await db
    .selectFrom('clicks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('link_id', '=', linkId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describeEachStore('click repository', (current) => {
  it('inserts more rows than one statement may bind, and reads a click back by id', async () => {
    const { db } = current().store;
    const rows = Array.from({ length: 2_000 }, (_, i) => numberedClick(i, 101));
    await insertClicks(db, rows);
    expect(await countLink(db, 101)).toBe(2_000);
    expect(await findClickById(db, rows[1_234].id)).toEqual(rows[1_234]);
    expect(await findClickById(db, 'does-not-exist')).toBeUndefined();
  });

  it('writes a batch all or nothing', async () => {
    const { db } = current().store;
    const rows = Array.from({ length: 1_500 }, (_, i) => numberedClick(i, 102));
    rows[1_400] = { ...rows[1_400], id: rows[3].id }; // duplicate primary key in a later chunk
    await expect(insertClicks(db, rows)).rejects.toThrow();
    expect(await countLink(db, 102)).toBe(0);
  });

  it('the click inserter stores rows exactly as the repository does', async () => {
    const { store } = current();
    const insert = createClickInserter(store);
    const rows = [numberedClick(1, 103), numberedClick(2, 103)];
    await insert(rows);
    expect(await findClickById(store.db, rows[1].id)).toEqual(rows[1]);
  });

  it('keeps clicks out of a transaction that is open when they are written, so its rollback spares them', async () => {
    const { store } = current();
    const insert = createClickInserter(store);
    const rows = [numberedClick(1, 104), numberedClick(2, 104)];
    let written: Promise<void> | undefined;
    await expect(
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto('clicks').values(numberedClick(3, 105)).execute();
        written = insert(rows);
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await written;
    expect(await countLink(store.db, 104)).toBe(2);
    expect(await countLink(store.db, 105)).toBe(0);
  });
});
