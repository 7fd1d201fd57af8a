// Public ids: URL-safe, compact, unguessable and sortable by creation time.
// Layout: 48-bit millisecond timestamp + 96 random bits = 18 bytes = 24 characters in a 64-letter
// alphabet whose order matches ASCII order, so string order is time order (base64url is not).
// The encoding must not change: see docs/decisions/0008-id-format.md.
import { randomFillSync } from 'node:crypto';

const ALPHABET = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
/** Every pair of letters, by the 12 bits they encode. */
const PAIRS = Array.from({ length: 4096 }, (_, n) => ALPHABET[n >>> 6] + ALPHABET[n & 63]);
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

// Every click makes an id, so ids are written two letters (12 bits) at a time straight from the time
// and the random pool, with no buffer allocated or filled per id.

/** 24 bits as four letters. */
function letters24(n: number): string {
  return PAIRS[n >>> 12] + PAIRS[n & 4095];
}

/** The eight letters of the 48-bit millisecond time that opens every id. */
function timeLetters(now: number): string {
  const ms = Math.max(0, Math.min(Math.floor(now), 2 ** 48 - 1));
  return letters24(Math.floor(ms / 2 ** 24)) + letters24(ms % 2 ** 24);
}

/** Sixteen letters of fresh random bits (96). */
function randomLetters(): string {
  if (poolOffset + 12 > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let out = '';
  for (let end = poolOffset + 12; poolOffset < end; poolOffset += 3) {
    out += letters24((pool[poolOffset] << 16) | (pool[poolOffset + 1] << 8) | pool[poolOffset + 2]);
  }
  return out;
}

/** A new id; `prefix` (e.g. "cv_") makes ids of different kinds tell themselves apart. */
export function newId(now: number = Date.now(), prefix = ''): string {
  return prefix + timeLetters(now) + randomLetters();
}

export const ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;

/** The creation time encoded in an id made by `newId` (without its prefix). */
export function idTime(id: string): number {
  let n = 0;
  for (let i = 0; i < 8; i++) n = n * 64 + ALPHABET.indexOf(id[i]);
  return n;
}

/**
 * The smallest id `newId` can make at `time` (all random bits zero): every id made at `time` or later
 * sorts at or after it, every earlier one before it, so a time window is an id range.
 */
export function firstIdAt(time: number): string {
  return timeLetters(time) + ALPHABET[0].repeat(16);
}
