import { describe, expect, it } from 'vitest';
import { lastFour, openCredentials, requireSecretKey, sealCredentials } from './credential-box.ts';

const KEY = 'a-test-key-of-at-least-thirty-two-characters';

describe('credential box', () => {
  it('round-trips, never stores the clear text, and uses a fresh IV each time', () => {
    const a = sealCredentials(KEY, { accessToken: 'EAAB-secret-1234' });
    const b = sealCredentials(KEY, { accessToken: 'EAAB-secret-1234' });
    expect(a).not.toContain('EAAB');
    expect(a).not.toBe(b);
    expect(openCredentials(KEY, a)).toEqual({ accessToken: 'EAAB-secret-1234' });
  });

  it('refuses without a key, and with the wrong key', () => {
    expect(() => requireSecretKey(undefined)).toThrow(
      expect.objectContaining({ code: 'secret_key_missing' }),
    );
    const sealed = sealCredentials(KEY, { x: 'y' });
    expect(() => openCredentials(`${KEY}-other`, sealed)).toThrow(/not the key/);
    expect(() =>
      openCredentials(
        KEY,
        sealed.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      ),
    ).toThrow();
  });

  it('shows only the last four characters, and nothing of a short value', () => {
    expect(lastFour('EAAB-secret-1234')).toBe('1234');
    expect(lastFour('short')).toBe('');
  });
});
