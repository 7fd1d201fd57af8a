// A batch of clicks summed into rows of the click rollup (report_clicks), so a batch writes one
// upsert per bucket and dimension set instead of touching the rollup per click.
import type { ReportClicksTable } from '../../reports/report-rollup.table.ts';
import type { NewClickRow } from '../../tracking/clicks/click.table.ts';
import { CLICK_COLUMNS, hasColumn, type PackedClick } from './click-columns.ts';

/** A row of the click rollup. */
export type ClickRollupRow = ReportClicksTable;

/** The rollup's columns, in the order the SQLite writer binds them. */
export const CLICK_ROLLUP_COLUMNS = [
  'bucket',
  'link_id',
  'offer_id',
  'publisher_id',
  'advertiser_id',
  'country',
  'device',
  'os',
  'browser',
  'clicks',
  'unique_clicks',
] as const satisfies readonly (keyof ReportClicksTable)[];

/** The rollup's key columns, in the order of its primary key. */
export const CLICK_ROLLUP_KEY = [
  'bucket',
  'link_id',
  'offer_id',
  'country',
  'device',
  'os',
  'browser',
] as const;

/** The rollups' time grain: every zone's offset from UTC is a whole number of quarter hours. */
export const BUCKET_MS = 15 * 60 * 1000;

type ClickFields = Pick<
  NewClickRow,
  | 'link_id'
  | 'offer_id'
  | 'publisher_id'
  | 'advertiser_id'
  | 'country'
  | 'device'
  | 'os'
  | 'browser'
  | 'created_at'
  | 'is_unique'
>;

export class ClickRollup {
  private readonly rows = new Map<string, ClickRollupRow>();

  add(c: ClickFields): void {
    const bucket = c.created_at - (c.created_at % BUCKET_MS);
    const country = c.country ?? '';
    const device = c.device ?? '';
    const os = c.os ?? '';
    const browser = c.browser ?? '';
    const key = `${bucket}\t${c.link_id}\t${c.offer_id}\t${country}\t${device}\t${os}\t${browser}`;
    const unique = (c.is_unique ?? 1) ? 1 : 0;
    const row = this.rows.get(key);
    if (row) {
      row.clicks += 1;
      row.unique_clicks += unique;
      return;
    }
    this.rows.set(key, {
      bucket,
      link_id: c.link_id,
      offer_id: c.offer_id,
      publisher_id: c.publisher_id,
      advertiser_id: c.advertiser_id,
      country,
      device,
      os,
      browser,
      clicks: 1,
      unique_clicks: unique,
    });
  }

  values(): ClickRollupRow[] {
    return [...this.rows.values()];
  }
}

const INDEX = Object.fromEntries(CLICK_COLUMNS.map((c, i) => [c, i])) as Record<
  (typeof CLICK_COLUMNS)[number],
  number
>;
const ROLLED = [
  'link_id',
  'offer_id',
  'publisher_id',
  'advertiser_id',
  'country',
  'device',
  'os',
  'browser',
  'created_at',
  'is_unique',
] as const;
/** Per column set: where each rolled-up column sits in a packed click (-1: absent). */
const positionsByMask = new Map<number, number[]>();

function positionsOf(mask: number): number[] {
  let positions = positionsByMask.get(mask);
  if (positions) return positions;
  positions = ROLLED.map((column) => {
    const index = INDEX[column];
    if (!hasColumn(mask, index)) return -1;
    let position = 1;
    for (let i = 0; i < index; i++) if (hasColumn(mask, i)) position++;
    return position;
  });
  positionsByMask.set(mask, positions);
  return positions;
}

/** The rollup of packed clicks (click-columns.ts). */
export function rollUpPackedClicks(clicks: readonly PackedClick[]): ClickRollupRow[] {
  const rollup = new ClickRollup();
  for (const click of clicks) {
    const p = positionsOf(click[0] as number);
    const at = (i: number) => (p[i] < 0 ? null : click[p[i]]) as never;
    rollup.add({
      link_id: at(0),
      offer_id: at(1),
      publisher_id: at(2),
      advertiser_id: at(3),
      country: at(4),
      device: at(5),
      os: at(6),
      browser: at(7),
      created_at: at(8),
      is_unique: at(9) ?? 1,
    });
  }
  return rollup.values();
}

/** The position of the click id in a packed click (always present). */
export const PACKED_ID = 1;
