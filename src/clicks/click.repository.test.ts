import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.ts';
import { newId } from '../shared/ids.ts';
import { findClickById, insertClicks } from './click.repository.ts';
import type { ClickRow } from './click.table.ts';
import { createClickInserter } from './click-inserter.ts';

function clickRow(i: number, linkId: number): ClickRow {
  const row: ClickRow = {
    id: newId(Date.UTC(2026, 0, 1) + i),
    link_id: linkId,
    offer_id: 2,
    publisher_id: 3,
    advertiser_id: 4,
    sub1: `s${i}`,
    sub2: null,
    sub3: null,
    sub4: null,
    sub5: null,
    sub6: null,
    sub7: null,
    sub8: null,
    sub9: null,
    sub10: 'ten',
    external_id: `ext-${i}`,
    fbclid: null,
    ttclid: null,
    gclid: 'g',
    gbraid: null,
    wbraid: null,
    msclkid: null,
    ip: '203.0.113.7',
    user_agent: 'ua',
    device: 'desktop',
    os: 'Linux',
    browser: 'Firefox',
    country: 'DE',
    referrer: null,
    is_bot: i % 2,
    created_at: Date.UTC(2026, 0, 1) + i,
  };
  return row;
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
    const rows = Array.from({ length: 2_000 }, (_, i) => clickRow(i, 101));
    await insertClicks(db, rows);
    expect(await countLink(db, 101)).toBe(2_000);
    expect(await findClickById(db, rows[1_234].id)).toEqual(rows[1_234]);
    expect(await findClickById(db, 'does-not-exist')).toBeUndefined();
  });

  it('writes a batch all or nothing', async () => {
    const { db } = current().store;
    const rows = Array.from({ length: 1_500 }, (_, i) => clickRow(i, 102));
    rows[1_400] = { ...rows[1_400], id: rows[3].id }; // duplicate primary key in a later chunk
    await expect(insertClicks(db, rows)).rejects.toThrow();
    expect(await countLink(db, 102)).toBe(0);
  });

  it('the click inserter stores rows exactly as the repository does', async () => {
    const { store } = current();
    const insert = createClickInserter(store);
    const rows = [clickRow(1, 103), clickRow(2, 103)];
    await insert(rows);
    expect(await findClickById(store.db, rows[1].id)).toEqual(rows[1]);
  });

  it('keeps clicks out of a transaction that is open when they are written, so its rollback spares them', async () => {
    const { store } = current();
    const insert = createClickInserter(store);
    const rows = [clickRow(1, 104), clickRow(2, 104)];
    let written: Promise<void> | undefined;
    await expect(
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto('clicks').values(clickRow(3, 105)).execute();
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
