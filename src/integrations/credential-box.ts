// Ad-platform credentials at rest: AES-256-GCM under a key derived from TRACKWIRE_SECRET_KEY, with a
// fresh 12-byte IV per value. The stored text is `v1.<iv>.<tag>.<ciphertext>` (base64url parts).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '../shared/errors.ts';

export type Credentials = Record<string, string>;

const VERSION = 'v1';

function keyOf(secretKey: string): Buffer {
  return createHash('sha256').update(secretKey, 'utf8').digest();
}

/** Refuses with `secret_key_missing` when the install has no key: a credential is never stored in clear. */
export function requireSecretKey(secretKey: string | undefined): string {
  if (!secretKey) {
    throw new AppError(
      'secret_key_missing',
      'TRACKWIRE_SECRET_KEY is not set: ad-platform credentials are stored encrypted and cannot be saved without it',
    );
  }
  return secretKey;
}

export function sealCredentials(secretKey: string, credentials: Credentials): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secretKey), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Throws `secret_key_missing` without a key, and a plain Error when the key is not the one that sealed it. */
export function openCredentials(secretKey: string | undefined, sealed: string): Credentials {
  const key = requireSecretKey(secretKey);
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined)
    throw new Error('credentials: unknown format');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(key), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  let text: string;
  try {
    text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new Error(
      'credentials could not be decrypted: TRACKWIRE_SECRET_KEY is not the key they were saved with',
    );
  }
  return JSON.parse(text) as Credentials;
}

/** What is shown of a secret: its last four characters (nothing for a value of eight or fewer). */
export function lastFour(value: string): string {
  return value.length > 8 ? value.slice(-4) : '';
}
