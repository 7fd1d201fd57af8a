// The click journal: on SQLite every click is appended to a file beside the database, one line
// each and one write(2) for the clicks that arrive together, before their redirects are sent, and
// imported into the database in batches a little later (click-recorder.journal.ts). A write that has returned is in the operating system's
// page cache, so the click survives a crash of the process, which is what a SQLite commit under
// `synchronous=NORMAL` promised before; neither survives a power cut unsynced.
//
// The file begins with a header line naming the columns, then holds one JSON array of values per
// click in that order, so a journal left by another release replays by column name. Each process
// that records clicks writes its own file, named after its pid and start; a process starting up
// replays the files whose process is gone (or that bear its own pid, from before a restart) and
// removes them once their rows are in the database. Clicks are inserted ignoring ones already stored, so replaying a
// journal whose rows were partly imported before the crash stores each click once.
import {
  closeSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { NewClickRow } from './click.table.ts';
import { CLICK_COLUMNS, readClickValues } from './click-columns.ts';

const FORMAT = 'trackwire-click-journal';
const HEADER = `${JSON.stringify({ format: FORMAT, version: 1, columns: CLICK_COLUMNS })}\n`;
/** Columns a replayed row cannot be stored without. */
const REQUIRED = ['id', 'link_id', 'offer_id', 'publisher_id', 'advertiser_id', 'created_at'] as const;

/** Once a fully imported journal is larger than this, it starts over. */
const DEFAULT_RESTART_BYTES = 16 * 1024 * 1024;

/** `<database file>-clicks-<pid>-<start>.journal`: the start tells this process from an earlier one with its pid. */
function journalName(databasePath: string): string {
  const start = `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
  return `${basename(databasePath)}-clicks-${process.pid}-${start}.journal`;
}

/** Journals this process has open: never taken for a stopped process's, whatever their pid. */
const openHere = new Set<string>();

export class ClickJournal {
  private bytes: number;
  // Filled, not `new Array(n)`: JSON.stringify takes a slow path, about twice the cost, on an array
  // that was ever created with holes.
  private readonly values: unknown[] = Array.from(CLICK_COLUMNS, () => null);

  private constructor(
    readonly path: string,
    private readonly fd: number,
    private readonly restartBytes: number,
  ) {
    this.bytes = 0;
    this.writeAll(HEADER);
  }

  /** Creates this process's journal beside the database, empty but for its header. */
  static create(databasePath: string, restartBytes = DEFAULT_RESTART_BYTES): ClickJournal {
    const path = join(dirname(databasePath), journalName(databasePath));
    const fd = openSync(path, 'wx');
    openHere.add(path);
    return new ClickJournal(path, fd, restartBytes);
  }

  /** Appends clicks with one write; when this returns, they survive a crash of the process. */
  appendAll(clicks: readonly NewClickRow[]): void {
    let text = '';
    for (const click of clicks) {
      readClickValues(click, this.values);
      text += `${JSON.stringify(this.values)}\n`;
    }
    this.writeAll(text);
  }

  /** Told that every click appended so far is in the database: a large journal starts over. */
  imported(): void {
    if (this.bytes < this.restartBytes) return;
    ftruncateSync(this.fd, 0);
    this.bytes = 0;
    this.writeAll(HEADER);
  }

  /** Closes the file; removes it when everything in it is in the database. */
  close(remove: boolean): void {
    openHere.delete(this.path);
    closeSync(this.fd);
    if (remove) unlinkSync(this.path);
  }

  private writeAll(text: string): void {
    const buffer = Buffer.from(text);
    let written = 0;
    try {
      // Positioned writes: after the file starts over, writing resumes at its new end.
      while (written < buffer.length) {
        written += writeSync(this.fd, buffer, written, buffer.length - written, this.bytes + written);
      }
    } catch (error) {
      // A line cut short (a full disk) would run into the next one and spoil both: cut it off.
      if (written > 0) {
        try {
          ftruncateSync(this.fd, this.bytes);
        } catch {}
      }
      throw error;
    }
    this.bytes += buffer.length;
  }
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface LeftJournal {
  path: string;
  rows: NewClickRow[];
  /** Lines that could not be read back (a line cut short by a crash, a damaged file). */
  skipped: number;
}

/** The journals that processes now gone left beside the database, with their clicks. */
export function readLeftJournals(
  databasePath: string,
  isGone: (pid: number) => boolean = processIsGone,
): LeftJournal[] {
  const folder = dirname(databasePath);
  const pattern = new RegExp(`^${escapeRegExp(basename(databasePath))}-clicks-(\\d+)-[0-9a-z]+\\.journal$`);
  const left: LeftJournal[] = [];
  for (const name of readdirSync(folder).sort()) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || (pid !== process.pid && !isGone(pid))) continue;
    const path = join(folder, name);
    if (openHere.has(path)) continue;
    left.push({ path, ...parseJournal(readFileSync(path, 'utf8')) });
  }
  return left;
}

/** The clicks in a journal's text, skipping lines that are not whole, valid clicks. */
export function parseJournal(text: string): { rows: NewClickRow[]; skipped: number } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const columns = headerColumns(lines[0]);
  if (!columns) return { rows: [], skipped: lines.length };
  const rows: NewClickRow[] = [];
  let skipped = 0;
  for (let i = 1; i < lines.length; i++) {
    const row = rowOf(columns, lines[i]);
    if (row) rows.push(row);
    else skipped++;
  }
  return { rows, skipped };
}

function headerColumns(line: string | undefined): string[] | undefined {
  try {
    const header = JSON.parse(line ?? '');
    if (header?.format === FORMAT && Array.isArray(header.columns)) return header.columns;
  } catch {}
  return undefined;
}

const KNOWN = new Set<string>(CLICK_COLUMNS);

function rowOf(columns: string[], line: string): NewClickRow | undefined {
  let values: unknown;
  try {
    values = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(values) || values.length !== columns.length) return undefined;
  const row: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const value = values[i];
    if (value !== null && typeof value !== 'string' && typeof value !== 'number') return undefined;
    // A column this release does not know (a journal from a newer one) is left out.
    if (KNOWN.has(columns[i])) row[columns[i]] = value;
  }
  if (REQUIRED.some((column) => row[column] === null || row[column] === undefined)) return undefined;
  return row as unknown as NewClickRow;
}

/** Removes a replayed journal once its clicks are in the database. */
export function removeJournal(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
