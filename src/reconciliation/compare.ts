// Compares the network's rows with ours: pure, so its rules are tested without a store.
// A row matches our conversion on our click id where the export carries it, else on the
// transaction id the advertiser's postback gave us. What the network reports as its payout is what
// it pays us: our conversion's revenue.
import type { TheirRow } from './export-reader.ts';
import type { FindingKind, NewReconciliationFindingRow } from './reconciliation.table.ts';
import { utcDay, type Zone } from './time-zone.ts';

export interface OurConversion {
  id: string;
  clickId: string;
  txnId: string | null;
  offerId: number;
  status: string;
  revenue: number;
  currency: string;
  createdAt: number;
}

/** Counts and sums of one day × offer on each side; diffPercent is theirs against ours. */
export interface DayOfferRow {
  day: string;
  offerId: number | null;
  ourCount: number;
  theirCount: number;
  ourAmount: number;
  theirAmount: number;
  countDiffPercent: number | null;
  amountDiffPercent: number | null;
}

export type Finding = Omit<NewReconciliationFindingRow, 'reconciliation_id'>;

export interface CompareInput {
  theirs: readonly TheirRow[];
  /** Ours from a day before the range to a day after it, so edge rows still match. */
  ours: readonly OurConversion[];
  fromDay: string;
  toDay: string;
  zone: Zone;
  currency: string;
  tolerance: number;
  /** Their status word → canonical status (undefined when unknown). */
  mapStatus: (raw: string) => string | undefined;
  /** The offer of a click we have, for rows only they have. */
  offerOfClick: (clickId: string) => number | undefined;
}

export interface CompareResult {
  findings: Finding[];
  days: DayOfferRow[];
  counts: Record<FindingKind, number> & { matched: number; outOfRange: number };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const percent = (theirs: number, ours: number) =>
  ours === 0 ? (theirs === 0 ? 0 : null) : round2(((theirs - ours) / ours) * 100);

export function compareExport(input: CompareInput): CompareResult {
  const { zone, fromDay, toDay } = input;
  const inRange = (day: string) => day >= fromDay && day <= toDay;
  const byClick = new Map<string, OurConversion[]>();
  const byTxn = new Map<string, OurConversion>();
  for (const c of input.ours) {
    const list = byClick.get(c.clickId);
    if (list) list.push(c);
    else byClick.set(c.clickId, [c]);
    if (c.txnId !== null && !byTxn.has(c.txnId)) byTxn.set(c.txnId, c);
  }
  const matched = new Set<string>();
  const take = (c: OurConversion | undefined) => (c && !matched.has(c.id) ? c : undefined);
  const findings: Finding[] = [];
  const counts = {
    missing_ours: 0,
    missing_theirs: 0,
    status_mismatch: 0,
    payout_mismatch: 0,
    day_shifted: 0,
    matched: 0,
    outOfRange: 0,
  };
  const days = new Map<string, DayOfferRow>();
  const bucket = (day: string, offerId: number | null) => {
    const key = `${day}|${offerId ?? ''}`;
    let row = days.get(key);
    if (!row) {
      row = {
        day,
        offerId,
        ourCount: 0,
        theirCount: 0,
        ourAmount: 0,
        theirAmount: 0,
        countDiffPercent: null,
        amountDiffPercent: null,
      };
      days.set(key, row);
    }
    return row;
  };
  const add = (kind: FindingKind, f: Omit<Finding, 'kind'>) => {
    counts[kind]++;
    findings.push({ kind, ...f });
  };

  for (const row of input.theirs) {
    if (!inRange(row.day)) {
      counts.outOfRange++;
      continue;
    }
    const ours =
      (row.clickId ? byClick.get(row.clickId)?.find((c) => !matched.has(c.id)) : undefined) ??
      take(row.txnId ? byTxn.get(row.txnId) : undefined);
    const base = {
      line: row.line,
      day: row.day,
      click_id: row.clickId,
      txn_id: row.txnId,
      their_status: row.status,
      their_amount: row.amount,
      their_day: row.day,
    };
    if (!ours) {
      const offerId = row.clickId ? (input.offerOfClick(row.clickId) ?? null) : null;
      const b = bucket(row.day, offerId);
      b.theirCount++;
      b.theirAmount += row.amount ?? 0;
      add('missing_ours', { ...base, offer_id: offerId });
      continue;
    }
    matched.add(ours.id);
    counts.matched++;
    const b = bucket(row.day, ours.offerId);
    b.theirCount++;
    b.theirAmount += row.amount ?? 0;
    const known = {
      ...base,
      click_id: ours.clickId,
      txn_id: row.txnId ?? ours.txnId,
      offer_id: ours.offerId,
      conversion_id: ours.id,
      our_status: ours.status,
      our_amount: ours.revenue,
      our_day: utcDay(ours.createdAt),
    };
    const theirStatus = row.status === null ? undefined : input.mapStatus(row.status);
    if (row.status !== null && theirStatus !== ours.status) add('status_mismatch', known);
    if (
      row.amount !== null &&
      input.currency === ours.currency &&
      Math.abs(row.amount - ours.revenue) > input.tolerance + 1e-9
    ) {
      add('payout_mismatch', known);
    }
    if (known.our_day !== row.day) add('day_shifted', known);
  }

  for (const c of input.ours) {
    const day = zone.dayOf(c.createdAt);
    if (!inRange(day)) continue;
    const b = bucket(day, c.offerId);
    b.ourCount++;
    b.ourAmount += c.revenue;
    if (matched.has(c.id)) continue;
    add('missing_theirs', {
      line: null,
      day,
      offer_id: c.offerId,
      click_id: c.clickId,
      txn_id: c.txnId,
      conversion_id: c.id,
      our_status: c.status,
      our_amount: c.revenue,
      our_day: utcDay(c.createdAt),
    });
  }

  const dayRows = [...days.values()]
    .map((r) => ({
      ...r,
      ourAmount: round2(r.ourAmount),
      theirAmount: round2(r.theirAmount),
      countDiffPercent: percent(r.theirCount, r.ourCount),
      amountDiffPercent: percent(r.theirAmount, r.ourAmount),
    }))
    .sort((a, b) => (a.day === b.day ? (a.offerId ?? -1) - (b.offerId ?? -1) : a.day < b.day ? -1 : 1));
  return { findings, days: dayRows, counts };
}
