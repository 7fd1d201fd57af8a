// Generated network exports for discrepancy-check tests: our conversions and the network's rows
// for them in each preset's format, with planted differences of every kind, streamed as CSV.
import { Readable } from 'node:stream';
import type { OurConversion } from '../../src/reconciliation/compare.ts';
import { PRESETS } from '../../src/reconciliation/presets.ts';

export const ROWS = 100_000;
const DAY0 = Date.UTC(2026, 2, 1);
const HOUR = 3_600_000;
const OFFERS = [11, 12, 13];

export type Format = keyof typeof PRESETS;

interface Theirs {
  clickId: string | null;
  txnId: string;
  at: number;
  status: string;
  amount: number;
}

/** How each network writes a time, a status and a row. */
const STYLE: Record<
  Format,
  { time: (ms: number) => string; approved: string; rejected: string; extra: string[] }
> = {
  everflow: {
    time: (ms) => String(Math.floor(ms / 1000)),
    approved: 'approved',
    rejected: 'rejected',
    extra: ['offer_id', 'sub2'],
  },
  tune: {
    time: (ms) => new Date(ms - 5 * HOUR).toISOString().slice(0, 19).replace('T', ' '),
    approved: 'approved',
    rejected: 'rejected',
    extra: ['Offer', 'Transaction ID'],
  },
  affise: {
    time: (ms) => new Date(ms).toISOString(),
    approved: 'confirmed',
    rejected: 'declined',
    extra: ['Offer', 'Click ID'],
  },
  keitaro: {
    time: (ms) => new Date(ms).toISOString().slice(0, 19).replace('T', ' '),
    approved: 'sale',
    rejected: 'rejected',
    extra: ['campaign'],
  },
};
/** TUNE's export is in New York time here (its times are written as wall clock, EST in March before the 8th). */
export const ZONE: Record<Format, string> = {
  everflow: 'UTC',
  tune: 'America/New_York',
  affise: 'UTC',
  keitaro: 'UTC',
};

function csvCell(v: string): string {
  return /[",;\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function exportStream(format: Format, rows: Theirs[]): Readable {
  const m = PRESETS[format];
  const style = STYLE[format];
  const header = [m.txnId, m.clickId, m.time, m.status, m.amount, ...style.extra];
  function* lines() {
    yield `${header.map(csvCell).join(',')}\n`;
    let chunk = '';
    for (const r of rows) {
      const cells = [r.txnId, r.clickId ?? '', style.time(r.at), r.status, r.amount.toFixed(2), 'x', 'y, z'];
      chunk += `${cells.slice(0, header.length).map(csvCell).join(',')}\n`;
      if (chunk.length > 64_000) {
        yield chunk;
        chunk = '';
      }
    }
    yield chunk;
  }
  return Readable.from(lines());
}

export function world(
  format: Format,
  idOf: (i: number, at: number) => string = (i) => `cv_${String(i).padStart(8, '0')}`,
) {
  const style = STYLE[format];
  const ours: OurConversion[] = [];
  const theirs: Theirs[] = [];
  for (let i = 0; i < ROWS; i++) {
    // Midday UTC in a 10-day range: no day is shifted unless planted.
    const at = DAY0 + (i % 10) * 24 * HOUR + 12 * HOUR + (i % 3600) * 1000;
    const c: OurConversion = {
      id: idOf(i, at),
      clickId: `click${i}`,
      txnId: `T${i}`,
      offerId: OFFERS[i % 3],
      status: 'approved',
      revenue: 2 + (i % 5),
      currency: 'USD',
      createdAt: at,
    };
    ours.push(c);
    theirs.push({ clickId: c.clickId, txnId: `T${i}`, at, status: style.approved, amount: c.revenue });
  }
  const planted = {
    missing_ours: [] as string[],
    missing_theirs: [] as string[],
    status_mismatch: [] as string[],
    payout_mismatch: [] as string[],
    day_shifted: [] as string[],
    byTxnOnly: [] as string[],
  };
  // Only they have 7 rows (their click ids we never saw).
  for (let k = 0; k < 7; k++) {
    theirs.push({
      clickId: `theirs${k}`,
      txnId: `X${k}`,
      at: DAY0 + 12 * HOUR,
      status: style.approved,
      amount: 3,
    });
    planted.missing_ours.push(`theirs${k}`);
  }
  // Only we have 5.
  for (const i of [10, 20_000, 40_001, 60_002, 99_999]) {
    theirs[i] = { ...theirs[i], txnId: 'DROP' };
    planted.missing_theirs.push(ours[i].clickId);
  }
  for (const i of [3, 33_333, 77_777]) {
    theirs[i].status = style.rejected;
    planted.status_mismatch.push(ours[i].clickId);
  }
  // Beyond the 0.01 tolerance on 4 rows; within it on 2 more.
  for (const i of [5, 50_005, 55_555, 88_888]) {
    theirs[i].amount = ours[i].revenue + 0.5;
    planted.payout_mismatch.push(ours[i].clickId);
  }
  for (const i of [6, 66_666]) theirs[i].amount = ours[i].revenue + 0.004;
  // 2 conversions at 02:00 UTC: the previous day in New York, the same day in UTC.
  for (const i of [1_000, 2_000]) {
    const at = DAY0 + 3 * 24 * HOUR + 2 * HOUR;
    ours[i].createdAt = at;
    theirs[i].at = at;
    if (format === 'tune') planted.day_shifted.push(ours[i].clickId);
  }
  // 3 rows carry no click id: they match on the transaction id.
  for (const i of [7, 70_007, 90_009]) {
    theirs[i].clickId = null;
    planted.byTxnOnly.push(ours[i].clickId);
  }
  return { ours, theirs: theirs.filter((r) => r.txnId !== 'DROP'), planted };
}
