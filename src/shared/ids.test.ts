import { describe, expect, it } from 'vitest';
import { firstIdAt, ID_PATTERN, idTime, newId } from './ids.ts';

describe('ids', () => {
  it('are 24 URL-safe characters that carry their creation time', () => {
    const id = newId(1_700_000_000_123);
    expect(id).toMatch(ID_PATTERN);
    expect(idTime(id)).toBe(1_700_000_000_123);
  });

  it('keep the encoding every stored id was made with', () => {
    expect(firstIdAt(1_700_000_000_123)).toBe('-NjEtLWv----------------');
    expect(firstIdAt(2 ** 47 + 12_345)).toBe('V----2-t----------------');
    expect(newId(2 ** 48 - 1).slice(0, 8)).toBe('zzzzzzzz');
  });

  it('sort in byte order as their times do, whatever the random part', () => {
    const times = [0, 1, 999, 1_000, 1_700_000_000_000, 1_700_000_000_001, 2 ** 47, 2 ** 48 - 1];
    const ids = times.flatMap((t) => [newId(t), newId(t), newId(t)]);
    const byBytes = [...ids].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
    expect(byBytes.map(idTime)).toEqual(times.flatMap((t) => [t, t, t]));
  });

  it('firstIdAt(t) bounds the ids of time t from below and those before t from above', () => {
    for (const t of [1, 1_700_000_000_000, 2 ** 40 + 7]) {
      const floor = firstIdAt(t);
      expect(idTime(floor)).toBe(t);
      for (let i = 0; i < 200; i++) {
        expect(newId(t) >= floor).toBe(true);
        expect(newId(t - 1) < floor).toBe(true);
      }
    }
  });
});
