// Durations as operators write them: "500ms", "5s", "5m", "2h", "1d"; a bare number is milliseconds.
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration (examples: 500ms, 5s, 5m, 2h, 1d)`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']);
}

export function parseDurationList(text: string): number[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new Error('the list is empty');
  return items.map(parseDuration);
}
