// Which day or month a moment falls in, in the operator's time zone.
import type { CapPeriod } from './cap.table.ts';

const formats = new Map<string, Intl.DateTimeFormat>();

export function periodKey(period: CapPeriod, now: number, timeZone: string): string {
  if (period === 'total') return 'total';
  let format = formats.get(timeZone);
  if (!format) {
    // en-CA writes dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formats.set(timeZone, format);
  }
  const day = format.format(new Date(now));
  return period === 'day' ? day : day.slice(0, 7);
}

const HOUR_MS = 3_600_000;

/** The first moment after `now` that falls on another day in the time zone (its midnight, or DST's). */
export function nextDayStart(now: number, timeZone: string): number {
  const today = periodKey('day', now, timeZone);
  let after = now + HOUR_MS;
  while (periodKey('day', after, timeZone) === today) after += HOUR_MS;
  // The day changes within (after - 1 h, after]: halve down to the millisecond.
  let before = after - HOUR_MS;
  while (after - before > 1) {
    const mid = Math.floor((before + after) / 2);
    if (periodKey('day', mid, timeZone) === today) before = mid;
    else after = mid;
  }
  return after;
}

/** The day and month the moment falls in, in the time zone. */
export function currentPeriodKeys(now: number, timeZone: string): { day: string; month: string } {
  const day = periodKey('day', now, timeZone);
  return { day, month: day.slice(0, 7) };
}

/** A cap whose period has used its limit: clicks stop going to its offer as the cap says. */
export function isCapReached(cap: { used: number | null; cap_limit: number }): boolean {
  return Number(cap.used ?? 0) >= Number(cap.cap_limit);
}
