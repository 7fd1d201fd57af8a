// Normalise-then-SHA-256 of user identifiers, as the platforms require (lowercase hex).
import { createHash } from 'node:crypto';

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** external_id: trimmed and lowercased, then hashed (Meta and TikTok both accept the hash). */
export function hashExternalId(value: string): string {
  return sha256Hex(value.trim().toLowerCase());
}
