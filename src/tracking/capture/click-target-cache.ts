// Per-app cache of slug → click target. Short TTL so edits made on other nodes show up; full clear
// on 'catalog.changed' for edits made here; unknown slugs are cached too (briefly) so a flood of bad
// slugs does not reach the database; concurrent misses for one slug share one query.
import { performance } from 'node:perf_hooks';

export interface ClickTargetCacheOptions {
  ttlMs?: number;
  /** How long "no such slug" is remembered. */
  missTtlMs?: number;
  /** Oldest entries are evicted beyond this many, so random slugs cannot grow memory without bound. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry<T> {
  value: T | null;
  expiresAt: number;
}

export class ClickTargetCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly loading = new Map<string, Promise<T | null>>();
  private generation = 0;
  private readonly ttlMs: number;
  private readonly missTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly load: (slug: string) => Promise<T | null>,
    options: ClickTargetCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5_000;
    this.missTtlMs = options.missTtlMs ?? 1_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** The target for a slug, or null when no link has it. */
  get(slug: string): Promise<T | null> {
    const entry = this.entries.get(slug);
    if (entry && entry.expiresAt > this.now()) return Promise.resolve(entry.value);
    const pending = this.loading.get(slug);
    if (pending) return pending;
    return this.fetch(slug);
  }

  /** Forgets everything, including loads already in flight (their results are not stored). */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private async fetch(slug: string): Promise<T | null> {
    const generation = this.generation;
    const promise = this.load(slug);
    this.loading.set(slug, promise);
    try {
      const value = await promise;
      if (generation === this.generation) this.store(slug, value);
      return value;
    } finally {
      if (this.loading.get(slug) === promise) this.loading.delete(slug);
    }
  }

  private store(slug: string, value: T | null): void {
    this.entries.delete(slug);
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(slug, { value, expiresAt: this.now() + (value === null ? this.missTtlMs : this.ttlMs) });
  }
}
