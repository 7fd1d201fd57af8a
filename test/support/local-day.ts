/** The date (YYYY-MM-DD) of UTC instant `ms` in zone `tz`, by the platform's own time-zone data. */
export const localDay = (tz: string, ms: number) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms);
