import { describe, expect, it } from 'vitest';
import { BatchedLookup } from './batched-lookup.ts';

describe('BatchedLookup', () => {
  /** A lookup over `rows` that records the keys of every query it runs. */
  const recording = (rows: Record<string, number>) => {
    const queries: string[][] = [];
    const lookup = new BatchedLookup<string, number>(async (keys) => {
      queries.push(keys);
      return new Map(keys.filter((k) => k in rows).map((k) => [k, rows[k]]));
    });
    return { lookup, queries };
  };

  it('answers the keys asked for in one turn with one query, each key once', async () => {
    const { lookup, queries } = recording({ a: 1, b: 2 });
    const answers = await Promise.all([lookup.get('a'), lookup.get('b'), lookup.get('a'), lookup.get('zz')]);
    expect(answers).toEqual([1, 2, 1, undefined]);
    expect(queries).toEqual([['a', 'b', 'zz']]);
  });

  it('asks again in a later turn, so a row written since is found', async () => {
    const rows: Record<string, number> = {};
    const { lookup, queries } = recording(rows);
    expect(await lookup.get('a')).toBeUndefined();
    rows.a = 7;
    expect(await lookup.get('a')).toBe(7);
    expect(queries).toEqual([['a'], ['a']]);
  });

  it('fails every lookup of a query that fails, and the next turn queries afresh', async () => {
    let fail = true;
    const lookup = new BatchedLookup<string, number>(async (keys) => {
      if (fail) throw new Error('connection lost');
      return new Map(keys.map((k) => [k, 1]));
    });
    const settled = await Promise.allSettled([lookup.get('a'), lookup.get('b')]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await lookup.get('a')).toBe(1);
  });

  it('does not wait for the turn to end once 500 keys are waiting', async () => {
    const { lookup, queries } = recording({});
    const keys = Array.from({ length: 501 }, (_, i) => `k${i}`);
    await Promise.all(keys.map((k) => lookup.get(k)));
    expect(queries.map((q) => q.length)).toEqual([500, 1]);
  });
});
