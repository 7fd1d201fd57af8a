// Days and midnights in an export's time zone, with Intl (no time zone data of our own).
const DAY_MS = 86_400_000;
const QUARTER_HOUR_MS = 900_000;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && utcDay(Date.parse(`${value}T00:00:00Z`) || 0) === value;
}

/** The next day of a YYYY-MM-DD. */
export const nextDay = (day: string) => utcDay(Date.parse(`${day}T00:00:00Z`) + DAY_MS);

export interface Zone {
  /** The YYYY-MM-DD of an instant in this zone. */
  dayOf(ms: number): string;
  /** The instant a day begins in this zone. */
  startOf(day: string): number;
  /** An instant from a wall-clock time in this zone. */
  fromWallClock(y: number, m: number, d: number, h: number, min: number, s: number): number;
}

/** Offsets change only on quarter-hour boundaries, so each quarter hour is formatted once. */
export function zone(timeZone: string): Zone {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const offsets = new Map<number, number>();
  const offsetAt = (ms: number): number => {
    const key = Math.floor(ms / QUARTER_HOUR_MS);
    let offset = offsets.get(key);
    if (offset === undefined) {
      const at = key * QUARTER_HOUR_MS;
      const p = Object.fromEntries(format.formatToParts(at).map((x) => [x.type, x.value]));
      const wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute);
      offset = wall - at;
      if (offsets.size > 100_000) offsets.clear();
      offsets.set(key, offset);
    }
    return offset;
  };
  const fromWallClock = (y: number, m: number, d: number, h: number, min: number, s: number) => {
    const wall = Date.UTC(y, m - 1, d, h, min, s);
    const guess = wall - offsetAt(wall);
    return wall - offsetAt(guess);
  };
  return {
    dayOf: (ms) => utcDay(ms + offsetAt(ms)),
    startOf(day) {
      const [y, m, d] = day.split('-').map(Number);
      return fromWallClock(y, m, d, 0, 0, 0);
    },
    fromWallClock,
  };
}
