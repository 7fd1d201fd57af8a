// Whether a click is unique: the same visitor (IP + user agent) has not clicked the same link within
// the offer's window. Decided in memory on the click path, so it costs a hash and a Map lookup, never
// a query (docs/decisions/0017-report-rollups.md says what that gives up: one node's memory, reset
// by a restart).

/** Visitors remembered at most; the least recently seen are forgotten first. */
export const MAX_REMEMBERED_VISITORS = 500_000;

/** 53-bit string hash (cyrb53): the key is a number, so a long user agent costs no memory. */
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export class UniqueVisitors {
  /** Visitor key → time of its last click; Map order is least recently seen first. */
  private readonly lastSeen = new Map<number, number>();

  constructor(private readonly capacity = MAX_REMEMBERED_VISITORS) {}

  /** Records the click and says whether it is unique. A click without IP and user agent is unique. */
  record(
    linkId: number,
    ip: string | null,
    userAgent: string | null,
    now: number,
    windowMs: number,
  ): boolean {
    if (ip === null && userAgent === null) return true;
    const key = hash53(`${ip ?? ''}\n${userAgent ?? ''}`, linkId);
    const last = this.lastSeen.get(key);
    if (last !== undefined) this.lastSeen.delete(key);
    else if (this.lastSeen.size >= this.capacity) {
      const oldest = this.lastSeen.keys().next().value as number;
      this.lastSeen.delete(oldest);
    }
    this.lastSeen.set(key, now);
    return last === undefined || now - last >= windowMs;
  }
}
