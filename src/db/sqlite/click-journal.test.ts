import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { clickRow, OPTIONAL_CLICK_COLUMNS, unpackClick } from '../../../test/support/rows.ts';
import type { ClickRow } from '../../tracking/clicks/click.table.ts';
import { CLICK_COLUMNS, packClick } from '../common/click-columns.ts';
import { ClickJournal, parseJournal, readLeftJournals } from './click-journal.ts';

let dir: string;
let database: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tw-journal-'));
  database = join(dir, 'trackwire.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const AWKWARD = [
  '',
  'line\nbreak',
  'tab\tand "quotes" and \\',
  'Grüße 日本語 🎉',
  '\u0000\u2028',
  '{"not":"a row"}',
];

function awkwardClick(i: number): ClickRow {
  const row = clickRow({
    link_id: i,
    offer_id: 2 ** 31 - 1,
    publisher_id: 3,
    advertiser_id: 4,
    is_bot: i % 2,
  });
  OPTIONAL_CLICK_COLUMNS.forEach((column, c) => {
    row[column] = (i + c) % 3 === 0 ? null : AWKWARD[(i + c) % AWKWARD.length];
  });
  return row;
}

/** A pid no process can have (Linux pids stop at 2^22). */
const GONE_PID = 2 ** 22 + 17;

function append(journal: ClickJournal, clicks: ClickRow[]): void {
  journal.appendAll(clicks.map(packClick));
}

/** The rows a journal's text holds, and how many of its lines were skipped. */
function read(text: string): { rows: ClickRow[]; skipped: number } {
  const { clicks, skipped } = parseJournal(text);
  return { rows: clicks.map(unpackClick), skipped };
}

function journalsIn(folder: string): string[] {
  return readdirSync(folder).filter((name) => name.endsWith('.journal'));
}

it('reads back every click it wrote, every value exactly, whatever the text holds', () => {
  const journal = ClickJournal.create(database);
  const clicks = Array.from({ length: 40 }, (_, i) => awkwardClick(i));
  append(journal, clicks.slice(0, 1));
  append(journal, clicks.slice(1));
  const { rows, skipped } = read(readFileSync(journal.path, 'utf8'));
  expect(skipped).toBe(0);
  expect(rows).toEqual(clicks);
  journal.close(false);
});

it('names its file after the database and this process, beside the database', () => {
  const journal = ClickJournal.create(database);
  expect(journalsIn(dir)).toEqual([journal.path.slice(dir.length + 1)]);
  expect(journal.path).toMatch(new RegExp(`trackwire\\.sqlite-clicks-${process.pid}-[0-9a-z]+\\.journal$`));
  journal.close(true);
  expect(journalsIn(dir)).toEqual([]);
});

it('skips a line cut short by a crash and lines that are not whole clicks, keeping the rest', () => {
  const journal = ClickJournal.create(database);
  const clicks = [awkwardClick(1), awkwardClick(2)];
  append(journal, clicks);
  journal.close(false);
  const text = readFileSync(journal.path, 'utf8');
  const lastLine = text.trimEnd().split('\n').at(-1) ?? '';
  const [mask, ...values] = JSON.parse(lastLine) as [number, ...unknown[]];
  appendFileSync(
    journal.path,
    [
      JSON.stringify([mask - 1, ...values.slice(1)]), // no id
      JSON.stringify([mask, ...values, 'one too many']),
      JSON.stringify([mask, ...values.slice(1)]), // one too few
      JSON.stringify([mask, ...values.map(() => ({}))]), // values no column holds
      JSON.stringify([-1, ...values]),
      '[1,2]',
      '{"x":1}',
      lastLine.slice(0, 30), // cut short
    ].join('\n'),
  );
  const { rows, skipped } = read(readFileSync(journal.path, 'utf8'));
  expect(rows).toEqual(clicks);
  expect(skipped).toBe(8);
});

it('reads a journal by its header’s column names, in whatever order, leaving unknown columns out', () => {
  const click = awkwardClick(5);
  const columns = [...CLICK_COLUMNS].reverse();
  const header = { format: 'trackwire-click-journal', version: 1, columns: [...columns, 'added_later'] };
  const values: Record<string, unknown> = { ...click, added_later: 'whatever' };
  const line: unknown[] = [0];
  header.columns.forEach((column, i) => {
    if (values[column] === null) return;
    line[0] = (line[0] as number) + 2 ** i;
    line.push(values[column]);
  });
  expect(read(`${JSON.stringify(header)}\n${JSON.stringify(line)}\n`).rows).toEqual([click]);
  expect(read('not a journal\n[1]\n')).toEqual({ rows: [], skipped: 2 });
});

it('starts over once everything in it is imported and it has grown past its limit', () => {
  const journal = ClickJournal.create(database, 2_000);
  const click = awkwardClick(3);
  append(journal, [click]);
  journal.imported();
  const small = statSync(journal.path).size;
  expect(read(readFileSync(journal.path, 'utf8')).rows).toHaveLength(1); // below the limit: kept
  append(
    journal,
    Array.from({ length: 20 }, () => click),
  );
  expect(statSync(journal.path).size).toBeGreaterThan(2_000);
  journal.imported();
  expect(read(readFileSync(journal.path, 'utf8'))).toEqual({ rows: [], skipped: 0 });
  // Writing goes on at the new end: no hole where the old lines were.
  append(journal, [click]);
  expect(read(readFileSync(journal.path, 'utf8')).rows).toEqual([click]);
  expect(statSync(journal.path).size).toBeLessThan(small + 1);
  journal.close(true);
});

it('finds the journals of stopped processes, not those of running ones, nor its own, nor another database’s', () => {
  const mine = ClickJournal.create(database);
  const click = awkwardClick(1);
  append(mine, [click]);
  const header = readFileSync(mine.path, 'utf8');
  const gone = join(dir, `trackwire.sqlite-clicks-${GONE_PID}-abc.journal`);
  const running = join(dir, `trackwire.sqlite-clicks-${process.ppid}-abc.journal`);
  const earlierMe = join(dir, `trackwire.sqlite-clicks-${process.pid}-old.journal`);
  const otherDatabase = join(dir, `other.sqlite-clicks-${GONE_PID}-abc.journal`);
  for (const path of [gone, running, earlierMe, otherDatabase]) writeFileSync(path, header);
  const left = readLeftJournals(database);
  expect(left.map((j) => j.path).sort()).toEqual([gone, earlierMe].sort());
  for (const journal of left) expect(journal.clicks.map(unpackClick)).toEqual([click]);
  mine.close(true);
  expect(existsSync(gone)).toBe(true); // reading takes nothing away: files go once imported
});

it('reads any damage to a journal as skipped lines, never as an error or a malformed click', () => {
  const journal = ClickJournal.create(database);
  append(
    journal,
    Array.from({ length: 5 }, (_, i) => awkwardClick(i)),
  );
  journal.close(false);
  const whole = readFileSync(journal.path, 'utf8');
  const lines = whole.trimEnd().split('\n');
  const damaged = fc.oneof(
    // Lines cut, joined, repeated or left out, and random text put in.
    fc
      .array(
        fc.oneof(
          fc.constantFrom(...lines.slice(1)),
          fc
            .constantFrom(...lines.slice(1))
            .chain((line) => fc.nat(line.length).map((n) => line.slice(0, n))),
          fc.json(),
          fc.string(),
        ),
        { maxLength: 12 },
      )
      .map((body) => [lines[0], ...body].join('\n')),
    // Bytes of the whole file overwritten at random.
    fc.array(fc.tuple(fc.nat(whole.length - 1), fc.char()), { maxLength: 8 }).map((edits) => {
      const chars = [...whole];
      for (const [at, char] of edits) chars[at] = char;
      return chars.join('');
    }),
  );
  fc.assert(
    fc.property(damaged, (text) => {
      const { clicks } = parseJournal(text);
      for (const click of clicks) {
        const row = unpackClick(click);
        // Whole clicks only: every required column holds a value, every value a string or number.
        for (const column of [
          'id',
          'link_id',
          'offer_id',
          'publisher_id',
          'advertiser_id',
          'created_at',
        ] as const) {
          expect(row[column]).not.toBeNull();
        }
        for (const value of click.slice(1)) expect(['string', 'number']).toContain(typeof value);
        expect(click.length - 1).toBe(
          CLICK_COLUMNS.filter((_, i) => Math.floor((click[0] as number) / 2 ** i) % 2).length,
        );
      }
    }),
    { numRuns: 300 },
  );
});
