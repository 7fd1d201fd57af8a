// The click journal: on SQLite every click is appended to a file beside the database, one line
// each and one write(2) for the clicks that arrive together, before their redirects are sent, and
// imported into the database in batches a little later (click-writer.ts). A write that
// has returned is in the operating system's page cache, so the click survives a crash of the
// process, which is what a SQLite commit under `synchronous=NORMAL` promised before; neither
// survives a power cut unsynced.
//
// The file begins with a header line naming the columns, then holds one packed click per line (a
// JSON array: the click's column set as a number, then its non-null values; click-columns.ts), so
// a journal left by another release replays by column name. Each process that records clicks
// writes its own file, named after its pid and start; a process starting up replays the files
// whose process is gone (or that bear its own pid, from before a restart) and removes them once
// their clicks are in the database. Clicks are inserted ignoring ones already stored, so replaying
// a journal whose clicks were partly imported before the crash stores each click once.
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
import { CLICK_COLUMNS, hasColumn, type PackedClick } from '../common/click-columns.ts';

const FORMAT = 'trackwire-click-journal';
const HEADER = `${JSON.stringify({ format: FORMAT, version: 1, columns: CLICK_COLUMNS })}\n`;
/** Columns a replayed click cannot be stored without. */
const REQUIRED = ['id', 'link_id', 'offer_id', 'publisher_id', 'advertiser_id', 'created_at'];

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
  appendAll(clicks: readonly PackedClick[]): void {
    let text = '';
    for (const click of clicks) text += `${JSON.stringify(click)}\n`;
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
  clicks: PackedClick[];
  /** Lines that could not be read back (a line cut short by a crash, a damaged file). */
  skipped: number;
}

/** The journals that processes now gone left beside the database, with their clicks. */
export function readLeftJournals(databasePath: string): LeftJournal[] {
  const folder = dirname(databasePath);
  const pattern = new RegExp(`^${escapeRegExp(basename(databasePath))}-clicks-(\\d+)-[0-9a-z]+\\.journal$`);
  const left: LeftJournal[] = [];
  for (const name of readdirSync(folder).sort()) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || (pid !== process.pid && !processIsGone(pid))) continue;
    const path = join(folder, name);
    if (openHere.has(path)) continue;
    left.push({ path, ...parseJournal(readFileSync(path, 'utf8')) });
  }
  return left;
}

/** The clicks in a journal's text, skipping lines that are not whole, valid clicks. */
export function parseJournal(text: string): { clicks: PackedClick[]; skipped: number } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const columns = headerColumns(lines[0]);
  if (!columns) return { clicks: [], skipped: lines.length };
  // Where each of the journal's columns is now (-1: a column this release does not know).
  const positions = columns.map((column) => CLICK_COLUMNS.indexOf(column as (typeof CLICK_COLUMNS)[number]));
  const required = REQUIRED.map((column) => columns.indexOf(column));
  const clicks: PackedClick[] = [];
  let skipped = 0;
  for (let i = 1; i < lines.length; i++) {
    const click = clickOf(lines[i], positions, required);
    if (click) clicks.push(click);
    else skipped++;
  }
  return { clicks, skipped };
}

function headerColumns(line: string | undefined): string[] | undefined {
  try {
    const header = JSON.parse(line ?? '');
    if (header?.format === FORMAT && Array.isArray(header.columns)) return header.columns;
  } catch {}
  return undefined;
}

/** A journal line as a packed click of this release's columns, or undefined when it is not one. */
function clickOf(line: string, positions: number[], required: number[]): PackedClick | undefined {
  let packed: unknown;
  try {
    packed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(packed)) return undefined;
  const mask = packed[0];
  if (!Number.isSafeInteger(mask) || mask < 0 || mask >= 2 ** positions.length) return undefined;
  if (required.some((index) => index < 0 || !hasColumn(mask, index))) return undefined;
  // The values by their column's position now, checked for what a column can hold.
  const byPosition = new Map<number, unknown>();
  let next = 1;
  for (let i = 0; i < positions.length; i++) {
    if (!hasColumn(mask, i)) continue;
    const value = packed[next++];
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    if (positions[i] >= 0) byPosition.set(positions[i], value);
  }
  if (next !== packed.length) return undefined;
  const click: unknown[] = [0];
  let newMask = 0;
  for (let p = 0; p < CLICK_COLUMNS.length; p++) {
    if (!byPosition.has(p)) continue;
    newMask += 2 ** p;
    click.push(byPosition.get(p));
  }
  click[0] = newMask;
  return click;
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
