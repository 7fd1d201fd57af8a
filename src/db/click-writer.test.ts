import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pino from 'pino';
import { expect, it } from 'vitest';
import { countClicksOfLink as countLink, numberedClick } from '../../test/support/rows.ts';
import { describeEachStore, openTestStore } from '../../test/support/stores.ts';
import { findClickForConversion } from '../conversions/conversion.repository.ts';
import { findClickRowById } from '../reports/activity.repository.ts';
import { findClickById } from '../tracking/clicks/click.repository.ts';
import { packClick } from './common/click-columns.ts';
import { sqliteHandleOf } from './driver-handles.ts';
import { ClickJournal } from './sqlite/click-journal.ts';
import { ClicksNotImportedError } from './sqlite/click-writer.ts';

const log = pino({ level: 'silent' });

describeEachStore('click writer', (current) => {
  it('makes a click readable, column for column, as soon as it is recorded', async () => {
    const { store } = current();
    const recorder = store.clicks.openWriter(log);
    const rows = [numberedClick(1, 103), numberedClick(2, 103)];
    await Promise.all(rows.map((row) => recorder.record(row)));
    // No waiting for an import: the next query in this process sees them.
    expect(await findClickById(store.db, rows[1].id)).toEqual(rows[1]);
    expect(await countLink(store.db, 103)).toBe(2);
    await recorder.close();
  });

  it('lets every kind of reader see a click as soon as it is answered: prepared, listed, in a later transaction', async () => {
    const { store } = current();
    const recorder = store.clicks.openWriter(log);
    const rows = [numberedClick(1, 107), numberedClick(2, 107), numberedClick(3, 107)];
    await Promise.all(rows.map((row) => recorder.record(row)));
    // The inbound click lookup runs on a prepared statement directly, bypassing Kysely's driver.
    expect(await findClickForConversion(store.db, rows[0].id)).toMatchObject({
      id: rows[0].id,
      link_id: 107,
    });
    expect(await findClickRowById(store.db, rows[1].id)).toEqual(rows[1]);
    const inTransaction = await store.db.transaction().execute((trx) => findClickById(trx, rows[2].id));
    expect(inTransaction).toEqual(rows[2]);
    await recorder.close();
  });

  it('keeps clicks out of a transaction that is open when they are recorded, so its rollback spares them', async () => {
    const { store } = current();
    const recorder = store.clicks.openWriter(log);
    const rows = [numberedClick(1, 104), numberedClick(2, 104)];
    let recorded: Promise<unknown> | undefined;
    await expect(
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto('clicks').values(numberedClick(3, 105)).execute();
        recorded = Promise.all(rows.map((row) => recorder.record(row)));
        await new Promise((r) => setTimeout(r, 40)); // past the importer's usual wait
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await recorded;
    expect(await countLink(store.db, 104)).toBe(2);
    expect(await countLink(store.db, 105)).toBe(0);
    await recorder.close();
  });

  it('stores every click recorded before it closes, and takes none after', async () => {
    const { store } = current();
    const recorder = store.clicks.openWriter(log);
    const rows = Array.from({ length: 300 }, (_, i) => numberedClick(i, 106));
    const recorded = rows.map((row) => recorder.record(row));
    await recorder.close();
    await Promise.all(recorded);
    // Counted on the raw handle on SQLite: a query through the store would import them itself.
    const stored =
      current().dialect === 'sqlite'
        ? (
            sqliteHandleOf(store).prepare('select count(*) as n from clicks where link_id = 106').get() as {
              n: number;
            }
          ).n
        : await countLink(store.db, 106);
    expect(stored).toBe(300);
    await expect(recorder.record(numberedClick(1, 106))).rejects.toThrow();
  });
});

it('on SQLite, removes at start the empty journals a killed process left, and replays the others', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-empty-journal-'));
  const sqlitePath = join(dir, 'trackwire.sqlite');
  try {
    // What a process killed before its first click leaves: its journal with the header alone, or
    // with nothing at all when it died between creating the file and writing the header.
    const headerOnly = ClickJournal.create(sqlitePath);
    headerOnly.close(false);
    const zeroBytes = join(dir, `trackwire.sqlite-clicks-${2 ** 22 + 17}-x0.journal`);
    writeFileSync(zeroBytes, '');
    const withClick = ClickJournal.create(sqlitePath);
    withClick.appendAll([packClick(numberedClick(1, 108))]);
    withClick.close(false);
    const before = readdirSync(dir).filter((name) => name.endsWith('.journal'));
    expect(before).toHaveLength(3);

    const { store, close } = await openTestStore('sqlite', { sqlitePath });
    const recorder = store.clicks.openWriter(log);
    const afterStart = readdirSync(dir).filter((name) => name.endsWith('.journal'));
    expect(afterStart).not.toContain(basename(headerOnly.path));
    expect(afterStart).not.toContain(basename(zeroBytes));
    expect(afterStart).toContain(basename(withClick.path));
    // The replayed journal goes once its click is in the database; only this process's own stays.
    expect(await countLink(store.db, 108)).toBe(1);
    expect(readdirSync(dir).filter((name) => name.endsWith('.journal'))).toHaveLength(1);
    await recorder.close();
    await close();
    expect(readdirSync(dir).filter((name) => name.endsWith('.journal'))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('on SQLite, refuses clicks once too many wait to be imported, and imports the waiting ones later', async () => {
  const { store, close } = await openTestStore('sqlite');
  const recorder = store.clicks.openWriter(log, { maxWaiting: 3 });
  const rows = Array.from({ length: 4 }, (_, i) => numberedClick(i, 107));
  // An open transaction on the connection holds the importer off.
  let release = () => {};
  const held = store.db.transaction().execute(
    () =>
      new Promise<void>((resolve) => {
        release = resolve;
      }),
  );
  await new Promise((r) => setTimeout(r, 5));
  await Promise.all(rows.slice(0, 3).map((row) => recorder.record(row)));
  await new Promise((r) => setTimeout(r, 40));
  await expect(recorder.record(rows[3])).rejects.toThrow(ClicksNotImportedError);
  release();
  await held;
  expect(await countLink(store.db, 107)).toBe(3);
  await recorder.record(rows[3]);
  expect(await countLink(store.db, 107)).toBe(4);
  await recorder.close();
  await close();
});
