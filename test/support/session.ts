// A browser-like client for session tests: keeps the session cookie and sends the CSRF header.

import { SESSION_COOKIE } from '../../src/users/limits.ts';
import type { Reply } from './api-client.ts';

export interface BrowserClient {
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  cookie: string | undefined;
  csrfToken: string | undefined;
  lastSetCookie: string | undefined;
}

export function browserClient(baseUrl: string): BrowserClient {
  const client: BrowserClient = {
    cookie: undefined,
    csrfToken: undefined,
    lastSetCookie: undefined,
    async call(method, path, body, extra = {}) {
      const headers: Record<string, string> = { origin: baseUrl, 'sec-fetch-site': 'same-origin' };
      if (client.cookie) headers.cookie = `${SESSION_COOKIE}=${client.cookie}`;
      if (client.csrfToken && method !== 'GET') headers['x-csrf-token'] = client.csrfToken;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${baseUrl}/api/v1${path}`, {
        method,
        headers: { ...headers, ...extra },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const setCookie = response.headers.get('set-cookie') ?? undefined;
      if (setCookie) {
        client.lastSetCookie = setCookie;
        const value = new RegExp(`^${SESSION_COOKIE}=([^;]*)`).exec(setCookie)?.[1];
        client.cookie = value || undefined;
      }
      const text = await response.text();
      const parsed = text ? JSON.parse(text) : null;
      if (parsed?.csrfToken) client.csrfToken = parsed.csrfToken;
      return { status: response.status, body: parsed };
    },
  };
  return client;
}
