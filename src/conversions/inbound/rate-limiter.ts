// Per-key token bucket (key = source IP): `perMinute` requests, refilled continuously, so a
// sender that stays under the limit is never throttled and a burst is cut at the limit.
export interface RateLimiter {
  /** True when the request may proceed (and consumes one token). */
  take(key: string, now: number): boolean;
  /** Milliseconds until `key` may send again (0 when it may now). */
  waitMs(key: string, now: number): number;
}

const MAX_KEYS = 50_000;

export function createRateLimiter(perMinute: number): RateLimiter {
  if (perMinute <= 0) return { take: () => true, waitMs: () => 0 };
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  // Full buckets carry no information: drop them so a scan of many IPs cannot grow memory forever.
  function prune(now: number): void {
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= perMinute) buckets.delete(key);
    }
    if (buckets.size >= MAX_KEYS) buckets.clear();
  }

  return {
    take(key, now) {
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= MAX_KEYS) prune(now);
        bucket = { tokens: perMinute, at: now };
        buckets.set(key, bucket);
      } else {
        bucket.tokens = Math.min(perMinute, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
        bucket.at = now;
      }
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    waitMs(key, now) {
      const bucket = buckets.get(key);
      if (!bucket) return 0;
      const tokens = bucket.tokens + Math.max(0, now - bucket.at) * perMs;
      return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / perMs);
    },
  };
}
