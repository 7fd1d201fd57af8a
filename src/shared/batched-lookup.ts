// Lookups by key that are asked for in the same turn of the event loop, answered by one query for
// all of them. Where every query is a round trip to a database server, a burst of requests that
// each look up one row costs one round trip instead of one each. Keys are gathered until the turn's
// I/O callbacks have run (setImmediate), so requests read from many sockets at once share a query.
export type LoadMany<K, V> = (keys: K[]) => Promise<Map<K, V>>;

interface Waiter<V> {
  resolve(value: V | undefined): void;
  reject(error: unknown): void;
}

/** More keys than this are looked up at once without waiting for the turn to end. */
const MAX_KEYS = 500;

export class BatchedLookup<K, V> {
  #waiting = new Map<K, Waiter<V>[]>();
  #scheduled: NodeJS.Immediate | undefined;

  constructor(private readonly loadMany: LoadMany<K, V>) {}

  /** The value for `key`, or undefined when the query found none. */
  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.#waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.#waiting.set(key, [{ resolve, reject }]);
      if (this.#waiting.size >= MAX_KEYS) this.#flush();
      else this.#scheduled ??= setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const waiting = this.#waiting;
    this.#waiting = new Map();
    this.loadMany([...waiting.keys()]).then(
      (found) => {
        for (const [key, waiters] of waiting) for (const w of waiters) w.resolve(found.get(key));
      },
      (error) => {
        for (const waiters of waiting.values()) for (const w of waiters) w.reject(error);
      },
    );
  }
}
