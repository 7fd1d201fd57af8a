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
