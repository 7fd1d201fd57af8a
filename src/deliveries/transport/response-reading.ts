// Reading a receiver's answer: a capped body excerpt and the Retry-After hint.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export const DEFAULT_MAX_RESPONSE_BYTES = 20_480;

export interface BodyExcerpt {
  text: string;
  truncated: boolean;
}

/**
 * Reads at most maxBytes then stops (destroying the stream, which also frees us from a receiver
 * that streams forever). A body cut off by the deadline or a reset keeps what arrived and is
 * marked truncated: the status line already told us the receiver's answer.
 */
export async function readCappedBody(body: Readable, maxBytes: number): Promise<BodyExcerpt> {
  const chunks: Buffer[] = [];
  let total = 0;
  let truncated = false;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const remaining = maxBytes - total;
      if (chunk.length > remaining) {
        chunks.push(chunk.subarray(0, remaining));
        total += remaining;
        truncated = true;
        break;
      }
      chunks.push(chunk);
      total += chunk.length;
    }
  } catch {
    truncated = true;
  }
  if (truncated && !body.destroyed) body.destroy();
  // StringDecoder.write holds back a multi-byte character split by the cap instead of mangling it.
  return { text: new StringDecoder('utf8').write(Buffer.concat(chunks)), truncated };
}

/** Retry-After as delta-seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
