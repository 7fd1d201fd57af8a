// Reads a network's CSV export as a stream, one record at a time, into the few fields a check
// compares. Any malformed record stops the read with an error naming its line: a check is made
// of the whole file or not at all.
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { AppError } from '../shared/errors.ts';
import { READ_LIMITS } from './limits.ts';
import { type ColumnMapping, MAPPING_FIELDS, type MappingField, mappingProblems } from './presets.ts';
import type { Zone } from './time-zone.ts';

/** One conversion as the network reports it. */
export interface TheirRow {
  /** 1 is the header. */
  line: number;
  clickId: string | null;
  txnId: string | null;
  /** The day in the export's time zone. */
  day: string;
  status: string | null;
  amount: number | null;
}

export interface ReadExport {
  header: string[];
  rows: TheirRow[];
}

const lineError = (line: number, message: string) =>
  new AppError('validation_failed', `line ${line}: ${message}`, { line });

/** A money amount as exports write it: "12.5", "12,50", "$1,234.50"; null when empty. */
export function parseExportAmount(text: string): number | null | undefined {
  let t = text
    .replace(/[\s$€£¥₽]/g, '')
    .replace(/^[A-Z]{3}/, '')
    .replace(/[A-Z]{3}$/, '');
  if (t === '') return null;
  if (t.includes(',') && !t.includes('.'))
    t = /,\d{3}$/.test(t) && t.length > 4 ? t.replace(/,/g, '') : t.replace(',', '.');
  else t = t.replace(/,/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(t)) return undefined;
  return Number(t);
}

const WALL =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** The export-zone day of a time cell: unix seconds or ms, ISO with or without offset, M/D/Y; undefined if unreadable. */
export function dayOfExportTime(text: string, zone: Zone): string | undefined {
  const t = text.trim();
  if (/^\d{9,10}$/.test(t)) return zone.dayOf(Number(t) * 1000);
  if (/^\d{12,13}$/.test(t)) return zone.dayOf(Number(t));
  const m = WALL.exec(t);
  if (m) {
    if (!m[7]) return `${m[1]}-${m[2]}-${m[3]}`;
    const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7]}`);
    return Number.isNaN(ms) ? undefined : zone.dayOf(ms);
  }
  const us = US.exec(t);
  if (us) return `${us[3]}-${us[1].padStart(2, '0')}-${us[2].padStart(2, '0')}`;
  return undefined;
}

function cellOf(record: string[], index: number | undefined): string | null {
  if (index === undefined) return null;
  const value = (record[index] ?? '').trim();
  return value === '' ? null : value;
}

/** Reads the whole export; throws AppError('validation_failed') naming the line of the first bad record. */
export async function readExport(
  input: Readable,
  mapping: ColumnMapping,
  exportZone: Zone,
  onProgress?: (rows: number) => void,
): Promise<ReadExport> {
  const parser = parse({
    bom: true,
    delimiter: [',', ';', '\t'],
    skip_empty_lines: true,
    info: true,
    relax_column_count: true,
    max_record_size: READ_LIMITS.maxRecordBytes,
  });
  let bytes = 0;
  input.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > READ_LIMITS.maxBytes) {
      input.unpipe(parser);
      parser.destroy(
        new AppError('payload_too_large', `exports are limited to ${READ_LIMITS.maxBytes} bytes`),
      );
    }
  });
  input.pipe(parser);
  let header: string[] | null = null;
  const index: Partial<Record<MappingField, number>> = {};
  const rows: TheirRow[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const line = info.lines;
      if (!header) {
        header = record.map((h) => h.trim());
        const problems = mappingProblems(mapping, header);
        if (problems.length > 0) throw lineError(line, problems.join('; '));
        const lower = header.map((h) => h.toLowerCase());
        for (const field of MAPPING_FIELDS) {
          const column = mapping[field];
          if (column) index[field] = lower.indexOf(column.trim().toLowerCase());
        }
        continue;
      }
      if (record.length !== header.length)
        throw lineError(line, `${record.length} columns where the header has ${header.length}`);
      const clickId = cellOf(record, index.clickId);
      const txnId = cellOf(record, index.txnId);
      if (!clickId && !txnId) throw lineError(line, 'neither a click id nor a transaction id');
      const time = cellOf(record, index.time);
      const day = time === null ? undefined : dayOfExportTime(time, exportZone);
      if (!day) throw lineError(line, `unreadable time "${time ?? ''}"`);
      const amountText = cellOf(record, index.amount);
      const amount = amountText === null ? null : parseExportAmount(amountText);
      if (amount === undefined) throw lineError(line, `unreadable amount "${amountText}"`);
      rows.push({ line, clickId, txnId, day, status: cellOf(record, index.status), amount });
      if (rows.length > READ_LIMITS.maxRows)
        throw lineError(line, `exports are limited to ${READ_LIMITS.maxRows} rows`);
      if (onProgress && rows.length % 10_000 === 0) onProgress(rows.length);
    }
  } catch (error) {
    input.unpipe(parser);
    input.resume();
    if (error instanceof CsvError) {
      const line = Number((error as CsvError & { lines?: number }).lines ?? 0);
      throw lineError(line, error.message.replace(/^Invalid [^:]*: /, ''));
    }
    throw error;
  }
  if (!header) throw new AppError('validation_failed', 'the export is empty', { line: 0 });
  return { header, rows };
}

/** The header and first records of an export, for the column-mapping step; reads no further. */
export async function previewExport(
  input: Readable,
  sampleRows = 5,
): Promise<{ header: string[]; sample: string[][] }> {
  const parser = parse({
    bom: true,
    delimiter: [',', ';', '\t'],
    skip_empty_lines: true,
    relax_column_count: true,
    to_line: sampleRows + 1,
  });
  input.pipe(parser);
  const records: string[][] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>) records.push(record.map((c) => c.trim()));
  } catch (error) {
    if (error instanceof CsvError) {
      const line = Number((error as CsvError & { lines?: number }).lines ?? 0);
      throw lineError(line, error.message.replace(/^Invalid [^:]*: /, ''));
    }
    throw error;
  } finally {
    input.unpipe(parser);
    input.resume();
  }
  if (records.length === 0) throw new AppError('validation_failed', 'the export is empty', { line: 0 });
  return { header: records[0], sample: records.slice(1) };
}
