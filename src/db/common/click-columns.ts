// The columns a click is stored with, in the order the click writers write them.
import type { ClickTable, NewClickRow } from '../../tracking/clicks/click.table.ts';

export const CLICK_COLUMNS = [
  'id',
  'link_id',
  'offer_id',
  'publisher_id',
  'advertiser_id',
  'sub1',
  'sub2',
  'sub3',
  'sub4',
  'sub5',
  'sub6',
  'sub7',
  'sub8',
  'sub9',
  'sub10',
  'external_id',
  'fbclid',
  'ttclid',
  'gclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'ip',
  'user_agent',
  'device',
  'os',
  'browser',
  'country',
  'referrer',
  'is_bot',
  'created_at',
  'is_unique',
  'smartlink_id',
  'smartlink_rule',
  'fbp',
] as const satisfies ReadonlyArray<keyof ClickTable>;

// Fails to compile when the clicks table gains a column this list does not name.
const everyColumnListed: Exclude<keyof ClickTable, (typeof CLICK_COLUMNS)[number]> extends never
  ? true
  : never = true;
void everyColumnListed;

/**
 * Writes the row's values into `out` in CLICK_COLUMNS order (absent ones as null). Spelled out name by
 * name because the click insert runs for every click: a loop reading row[CLICK_COLUMNS[i]] makes a
 * generic property lookup of every column, where a named read is a direct field load. The test
 * beside this file holds the order to CLICK_COLUMNS.
 */
export function readClickValues(row: NewClickRow, out: unknown[]): void {
  out[0] = row.id;
  out[1] = row.link_id;
  out[2] = row.offer_id;
  out[3] = row.publisher_id;
  out[4] = row.advertiser_id;
  out[5] = row.sub1 ?? null;
  out[6] = row.sub2 ?? null;
  out[7] = row.sub3 ?? null;
  out[8] = row.sub4 ?? null;
  out[9] = row.sub5 ?? null;
  out[10] = row.sub6 ?? null;
  out[11] = row.sub7 ?? null;
  out[12] = row.sub8 ?? null;
  out[13] = row.sub9 ?? null;
  out[14] = row.sub10 ?? null;
  out[15] = row.external_id ?? null;
  out[16] = row.fbclid ?? null;
  out[17] = row.ttclid ?? null;
  out[18] = row.gclid ?? null;
  out[19] = row.gbraid ?? null;
  out[20] = row.wbraid ?? null;
  out[21] = row.msclkid ?? null;
  out[22] = row.ip ?? null;
  out[23] = row.user_agent ?? null;
  out[24] = row.device ?? null;
  out[25] = row.os ?? null;
  out[26] = row.browser ?? null;
  out[27] = row.country ?? null;
  out[28] = row.referrer ?? null;
  out[29] = row.is_bot ?? null;
  out[30] = row.created_at;
  out[31] = row.is_unique ?? null;
  out[32] = row.smartlink_id ?? null;
  out[33] = row.smartlink_rule ?? null;
  out[34] = row.fbp ?? null;
}

/**
 * A click as the journal and the SQLite writer carry it: first the set of its non-null columns as a
 * number (bit i set when CLICK_COLUMNS[i] has a value; exact in a double to 53 columns), then those
 * columns' values in CLICK_COLUMNS order. Most of a click's 33 columns are empty, so this is about
 * a third of the row: JSON.stringify has a third of the values to write, and the writer groups rows
 * by the number without looking at the values again.
 */
export type PackedClick = unknown[];

const scratch: unknown[] = Array.from(CLICK_COLUMNS, () => null);

export function packClick(row: NewClickRow): PackedClick {
  readClickValues(row, scratch);
  // Built by push, so V8 keeps it a packed array (JSON.stringify takes a slow path on holes).
  const packed: unknown[] = [0];
  let mask = 0;
  for (let i = 0, bit = 1; i < scratch.length; i++, bit *= 2) {
    if (scratch[i] !== null) {
      mask += bit;
      packed.push(scratch[i]);
    }
  }
  packed[0] = mask;
  return packed;
}

/** Whether column `index` has a value in the click with this column set. */
export function hasColumn(mask: number, index: number): boolean {
  return Math.floor(mask / 2 ** index) % 2 === 1;
}
