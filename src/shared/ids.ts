// Public ids: URL-safe, compact, unguessable and sortable by creation time.
// Layout: 48-bit millisecond timestamp + 96 random bits = 18 bytes = 24 characters in a 64-letter
// alphabet whose order matches ASCII order, so string order is time order (base64url is not).
import { randomFillSync } from 'node:crypto';

const ALPHABET = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
/** Every pair of letters, by the 12 bits they encode. */
const PAIRS = Array.from({ length: 4096 }, (_, n) => ALPHABET[n >>> 6] + ALPHABET[n & 63]);
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

// Every click makes an id: it is built in one reused buffer and encoded two letters at a time, rather
// than allocated and concatenated letter by letter (about a third of the cost).
const idBytes = Buffer.alloc(18);

function randomBytes12(target: Buffer, at: number): void {
  if (poolOffset + 12 > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  pool.copy(target, at, poolOffset, poolOffset + 12);
  poolOffset += 12;
}

function encode(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += PAIRS[n >>> 12] + PAIRS[n & 4095];
  }
  return out;
}

/** Writes the 6-byte millisecond time that opens every id, and zeroes the rest. */
function writeTime(bytes: Buffer, now: number): Buffer {
  bytes.fill(0);
  bytes.writeUIntBE(Math.max(0, Math.min(Math.floor(now), 2 ** 48 - 1)), 0, 6);
  return bytes;
}

/** A new id; `prefix` (e.g. "cv_") makes ids of different kinds tell themselves apart. */
export function newId(now: number = Date.now(), prefix = ''): string {
  randomBytes12(writeTime(idBytes, now), 6);
  return prefix + encode(idBytes);
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
  return encode(writeTime(idBytes, time));
}
