// Signatures receivers can check. POST bodies follow Standard Webhooks (verifiable with the
// `standardwebhooks` package); GET postbacks get an HMAC over the URL via the {signature} macro.
import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** `whsec_` + base64 of 24 random bytes, the format Standard Webhooks libraries accept. */
export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

export interface WebhookSignInput {
  /** Current secret first, then the previous one while its grace period lasts. */
  secrets: readonly string[];
  /** Stable across retries (the delivery id), so receivers can dedupe. */
  msgId: string;
  /** Unix seconds. */
  timestamp: number;
  body: string;
}

export function signWebhook(input: WebhookSignInput): Record<string, string> {
  const signed = `${input.msgId}.${input.timestamp}.${input.body}`;
  const signatures = input.secrets.map(
    (secret) => `v1,${createHmac('sha256', secretKey(secret)).update(signed).digest('base64')}`,
  );
  return {
    'webhook-id': input.msgId,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signatures.join(' '),
  };
}

export interface PublisherSecrets {
  signing_secret: string;
  previous_signing_secret: string | null;
  /** Milliseconds, like every stored timestamp. */
  previous_secret_expires_at: number | null;
}

/** During the 24 h after a rotation both secrets sign, so receivers can switch without a gap. */
export function activeSigningSecrets(publisher: PublisherSecrets, now: number): string[] {
  const secrets = [publisher.signing_secret];
  const previous = publisher.previous_signing_secret;
  const expires = publisher.previous_secret_expires_at;
  if (previous && expires !== null && now < expires) secrets.push(previous);
  return secrets;
}

/**
 * HMAC-SHA256 (lowercase hex) for the GET `{signature}` macro.
 *
 * Canonical URL: the fully rendered postback URL, byte for byte as it will be requested, with the
 * signature macro rendered as the empty string. The renderer calls signUrl on that string and then
 * puts the result where the macro stood. A receiver verifies by taking the URL it was called with,
 * emptying the signature parameter's value (leaving every other byte, order and encoding alone —
 * see canonicalizeSignedUrl) and computing HMAC-SHA256 with the secret string itself as the key
 * (its UTF-8 bytes, `whsec_` prefix included), e.g. PHP `hash_hmac('sha256', $canonical, $secret)`.
 */
export function signUrl(url: string, secret: string): string {
  return createHmac('sha256', secret).update(url).digest('hex');
}

/** Empties the value of query parameter `param` without re-encoding anything else (verifier side). */
export function canonicalizeSignedUrl(url: string, param: string): string {
  const escaped = param.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return url.replace(new RegExp(`([?&]${escaped}=)[^&#]*`), '$1');
}
