// Helpers for admin API tests: a tiny JSON client over real HTTP and a seeded two-tenant world.
import { createApiKey } from '../../src/auth/api-key.service.js';
/** A client for `${baseUrl}/api/v1` authenticated with `key` (none when undefined). */
export function apiClient(baseUrl, key) {
  return async (method, path, body) => {
    const headers = {};
    if (key !== undefined) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
}
export async function makeKey(store, role, owner = {}) {
  return (await createApiKey(store.db, { role, ...owner }, Date.now())).key;
}
let counter = 0;
/** A unique suffix so suites sharing a store do not trip over each other's slugs and names. */
export const unique = (prefix) => `${prefix}-${process.pid}-${++counter}`;
//# sourceMappingURL=api-client.js.map
