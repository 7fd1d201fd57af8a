// Google OAuth 2.0: a refresh token is exchanged for an access token that expires (about an hour);
// tokens are cached per client + refresh token and refreshed shortly before they lapse.
import { createHash } from 'node:crypto';
import {
  type PlatformPost,
  parseJsonObject,
  type RowFailure,
  transportVerdict,
} from '../common/platform.types.ts';

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

const cache = new Map<string, CachedToken>();

const keyOf = (clientId: string, refreshToken: string) =>
  createHash('sha256').update(`${clientId}\u0000${refreshToken}`).digest('hex');

export interface OauthClient {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** Forgets a cached token (the API said it is no longer valid). */
export function forgetAccessToken(client: OauthClient): void {
  cache.delete(keyOf(client.clientId, client.refreshToken));
}

/** A valid access token, or why there is none (a refused refresh token is a token error). */
export async function googleAccessToken(
  client: OauthClient,
  oauthUrl: string,
  post: PlatformPost,
  now: number,
): Promise<{ token: string } | { failure: RowFailure }> {
  const key = keyOf(client.clientId, client.refreshToken);
  const cached = cache.get(key);
  if (cached && cached.expiresAt > now) return { token: cached.accessToken };
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    refresh_token: client.refreshToken,
  });
  const response = await post({
    url: oauthUrl,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const json = parseJsonObject(response.body);
  if (response.statusCode === 200 && typeof json?.access_token === 'string') {
    const lifetimeMs = Number(json.expires_in ?? 3600) * 1000;
    // Refreshed a minute early (or at half its life when it is shorter) so it never lapses mid-request.
    cache.set(key, {
      accessToken: json.access_token,
      expiresAt: now + lifetimeMs - Math.min(60_000, lifetimeMs / 2),
    });
    return { token: json.access_token };
  }
  const transient = transportVerdict(response, 'Google OAuth');
  if (transient) return { failure: transient };
  const message = `Google OAuth refused the refresh token: ${String(json?.error ?? response.statusCode)}${json?.error_description ? ` (${String(json.error_description)})` : ''}`;
  return { failure: { ok: false, kind: 'token', message } };
}
