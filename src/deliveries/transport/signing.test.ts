import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  activeSigningSecrets,
  canonicalizeSignedUrl,
  newSigningSecret,
  signUrl,
  signWebhook,
} from './signing.ts';

const HOUR = 3_600_000;

describe('Standard Webhooks signing', () => {
  it('makes whsec_ secrets of 24 random bytes', () => {
    const a = newSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(24);
    expect(newSigningSecret()).not.toBe(a);
  });

  it('produces headers the reference verifier accepts', () => {
    const secret = newSigningSecret();
    const body = JSON.stringify({ event: 'conversion.approved', payout: 1.5 });
    const headers = signWebhook({
      secrets: [secret],
      msgId: 'dlv_01',
      timestamp: Math.floor(Date.now() / 1000),
      body,
    });
    expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(new Webhook(secret).verify(body, headers)).toEqual({ event: 'conversion.approved', payout: 1.5 });
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
    expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow();
  });

  it('signs with both secrets during the 24 h grace after a rotation, and only the new one after', () => {
    const oldSecret = newSigningSecret();
    const newSecret = newSigningSecret();
    const rotatedAt = Date.now();
    const publisher = {
      signing_secret: newSecret,
      previous_signing_secret: oldSecret,
      previous_secret_expires_at: rotatedAt + 24 * HOUR,
    };
    const body = '{"n":1}';
    const sign = (now: number) =>
      signWebhook({
        secrets: activeSigningSecrets(publisher, now),
        msgId: 'dlv_02',
        timestamp: Math.floor(Date.now() / 1000),
        body,
      });

    const duringGrace = sign(rotatedAt + 23 * HOUR);
    expect(duringGrace['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, duringGrace)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, duringGrace)).not.toThrow();

    const afterGrace = sign(rotatedAt + 24 * HOUR);
    expect(afterGrace['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => new Webhook(newSecret).verify(body, afterGrace)).not.toThrow();
    expect(() => new Webhook(oldSecret).verify(body, afterGrace)).toThrow();
  });

  it('uses only the current secret when none was rotated', () => {
    const publisher = {
      signing_secret: 'whsec_a',
      previous_signing_secret: null,
      previous_secret_expires_at: null,
    };
    expect(activeSigningSecrets(publisher, Date.now())).toEqual(['whsec_a']);
  });
});

describe('URL signing for GET postbacks', () => {
  const secret = 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0';

  it('is a hex HMAC-SHA256 that a receiver can recompute from the URL it received', () => {
    const canonical = 'https://tracker.example/pb?cid=abc%20d&sig=&payout=1.50';
    const signature = signUrl(canonical, secret);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    const received = canonical.replace('sig=', `sig=${signature}`);
    expect(canonicalizeSignedUrl(received, 'sig')).toBe(canonical);
    expect(signUrl(canonicalizeSignedUrl(received, 'sig'), secret)).toBe(signature);
  });

  it('changes when any byte of the URL or the secret changes', () => {
    const base = signUrl('https://tracker.example/pb?cid=1&sig=', secret);
    expect(signUrl('https://tracker.example/pb?cid=2&sig=', secret)).not.toBe(base);
    expect(signUrl('https://tracker.example/pb?cid=1&sig=', `${secret}x`)).not.toBe(base);
  });
});
