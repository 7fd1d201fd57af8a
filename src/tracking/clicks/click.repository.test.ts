import { expect, it } from 'vitest';
import { countClicksOfLink as countLink, numberedClick } from '../../../test/support/rows.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { findClickById, insertClicks } from './click.repository.ts';

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
});
