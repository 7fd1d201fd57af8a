// Where a cap's day ends in the operator's time zone: the moment clicks see a daily cap open again.
import { describe, expect, it } from 'vitest';
import { currentPeriodKeys, nextDayStart, periodKey } from './cap-period.ts';

describe('nextDayStart', () => {
  it('is midnight in the zone, not in UTC', () => {
    // 23:30 in Berlin on 1 March is 22:30 UTC; the next day starts at 23:00 UTC.
    expect(nextDayStart(Date.UTC(2026, 2, 1, 22, 30), 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 1, 23, 0));
    expect(nextDayStart(Date.UTC(2026, 2, 1, 22, 30), 'UTC')).toBe(Date.UTC(2026, 2, 2, 0, 0));
  });

  it('follows a daylight-saving change and a day that starts at 01:00', () => {
    // Berlin springs forward on 29 March 2026: the day is 23 hours long, midnight is 22:00 UTC after.
    expect(nextDayStart(Date.UTC(2026, 2, 29, 12), 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 22, 0));
    // Santiago moves its clocks at midnight in September: 6 September 2026 starts at 01:00 (04:00 UTC).
    const start = nextDayStart(Date.UTC(2026, 8, 5, 12), 'America/Santiago');
    expect(periodKey('day', start, 'America/Santiago')).toBe('2026-09-06');
    expect(periodKey('day', start - 1, 'America/Santiago')).toBe('2026-09-05');
  });

  it('gives the day and month keys of a moment', () => {
    expect(currentPeriodKeys(Date.UTC(2026, 2, 31, 23, 30), 'Europe/Berlin')).toEqual({
      day: '2026-04-01',
      month: '2026-04',
    });
  });
});
