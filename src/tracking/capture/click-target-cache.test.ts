import { describe, expect, it } from 'vitest';
import { ClickTargetCache } from './click-target-cache.ts';

function setup(options: { maxEntries?: number } = {}) {
  let now = 0;
  const catalog = new Map<string, string>([['a', 'target-a']]);
  const loads: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  const cache = new ClickTargetCache<string>(
    async (slug) => {
      loads.push(slug);
      const value = catalog.get(slug) ?? null;
      await gate;
      return value;
    },
    { ttlMs: 5_000, missTtlMs: 1_000, now: () => now, ...options },
  );
  return {
    cache,
    catalog,
    loads,
    advance: (ms: number) => {
      now += ms;
    },
    hold: () => {
      let release!: () => void;
      gate = new Promise((r) => {
        release = r;
      });
      return release;
    },
  };
}

describe('ClickTargetCache', () => {
  it('serves hits from memory until the TTL runs out', async () => {
    const s = setup();
    expect(await s.cache.get('a')).toBe('target-a');
    s.catalog.set('a', 'edited');
    s.advance(4_999);
    expect(await s.cache.get('a')).toBe('target-a');
    s.advance(2);
    expect(await s.cache.get('a')).toBe('edited');
    expect(s.loads).toEqual(['a', 'a']);
  });

  it('remembers unknown slugs for the shorter miss TTL', async () => {
    const s = setup();
    expect(await s.cache.get('nope')).toBeNull();
    expect(await s.cache.get('nope')).toBeNull();
    expect(s.loads).toEqual(['nope']);
    s.advance(1_001);
    s.catalog.set('nope', 'now-exists');
    expect(await s.cache.get('nope')).toBe('now-exists');
  });

  it('shares one load between concurrent misses for the same slug', async () => {
    const s = setup();
    const release = s.hold();
    const both = Promise.all([s.cache.get('a'), s.cache.get('a')]);
    release();
    expect(await both).toEqual(['target-a', 'target-a']);
    expect(s.loads).toEqual(['a']);
  });

  it('clear() drops entries and does not keep a load that was in flight', async () => {
    const s = setup();
    await s.cache.get('a');
    const release = s.hold();
    s.cache.clear();
    const inFlight = s.cache.get('a');
    s.cache.clear();
    release();
    await inFlight;
    expect(s.cache.size).toBe(0);
    s.catalog.set('a', 'edited');
    expect(await s.cache.get('a')).toBe('edited');
  });

  it('evicts the oldest entries beyond maxEntries', async () => {
    const s = setup({ maxEntries: 3 });
    for (const slug of ['x1', 'x2', 'x3', 'x4']) await s.cache.get(slug);
    expect(s.cache.size).toBe(3);
    await s.cache.get('x1');
    expect(s.loads.filter((l) => l === 'x1')).toHaveLength(2);
  });
});
