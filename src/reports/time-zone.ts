// Time zones for reports: a zone's UTC offset over a range as a few constant stretches (it changes
// only at DST and law changes), and local calendar dates to UTC instants.

const MINUTE = 60_000;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether the runtime knows `zone` as an IANA time zone. */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return false;
  try {
    formatterOf(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `utc`, in ms (local = utc + offset). */
export function offsetAt(zone: string, utc: number): number {
  const name = formatterOf(zone)
    .formatToParts(utc)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?/.exec(name ?? '');
  if (!m) return 0; // "GMT": UTC itself
  const ms = (Number(m[2]) * 60 + Number(m[3])) * MINUTE + Number(m[4] ?? 0) * 1000;
  return m[1] === '-' ? -ms : ms;
}

/** From `start` on (UTC ms), the zone's offset is `offset`, until the next stretch. */
export interface OffsetStretch {
  start: number;
  offset: number;
}

/** The zone's offsets over [from, to), as stretches in time order; the first starts at `from`. */
export function offsetStretches(zone: string, from: number, to: number): OffsetStretch[] {
  const stretches: OffsetStretch[] = [{ start: from, offset: offsetAt(zone, from) }];
  // Offsets change at most a few times a year, never twice within a day: step by hours, then
  // find each change to the minute.
  const step = 6 * 3_600_000;
  let at = from;
  let current = stretches[0].offset;
  while (at < to) {
    const next = Math.min(at + step, to);
    const offset = offsetAt(zone, next);
    if (offset !== current) {
      let lo = at;
      let hi = next; // offsetAt(lo) = current, offsetAt(hi) = offset
      while (hi - lo > MINUTE) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
        if (offsetAt(zone, mid) === current) lo = mid;
        else hi = mid;
      }
      stretches.push({ start: hi, offset });
      current = offset;
    }
    at = next;
  }
  return stretches;
}

/** Days since 1970-01-01 of an ISO date (YYYY-MM-DD). */
export function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

/** The ISO date of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC instant at which local midnight starts day number `day` in the zone. */
export function startOfLocalDay(zone: string, day: number): number {
  const local = day * DAY_MS;
  // Two passes: the offset is taken at the instant it applies to (it may differ across a change).
  let utc = local - offsetAt(zone, local);
  utc = local - offsetAt(zone, utc);
  return utc;
}

/** Today's day number in the zone. */
export function localDayOf(zone: string, utc: number): number {
  return Math.floor((utc + offsetAt(zone, utc)) / DAY_MS);
}
