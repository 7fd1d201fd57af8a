// What of a rendered postback request may be stored and shown: query parameters, form fields and
// JSON keys with a secret's name, path segments the operator marked secret, and credential-looking
// headers lose their values. The request actually sent is never touched.

export const REDACTED = 'REDACTED';

/** Parameter names redacted on every postback, whatever the operator marked (compared lower-case). */
export const DEFAULT_SECRET_PARAMS: readonly string[] = [
  'token',
  'security_token',
  'secret',
  'client_secret',
  'api_key',
  'apikey',
  'key',
  'access_token',
  'auth_token',
  'password',
  'signature',
  'sig',
];

const SECRET_HEADER = /authorization|cookie|token|secret|key|password/i;

export interface SecretParts {
  /** Lower-cased names of query parameters, form fields and JSON keys whose values are secret. */
  params: ReadonlySet<string>;
  /** 1-based positions of URL path segments whose text is secret. */
  pathSegments: readonly number[];
}

/** The operator's marks plus the default names. */
export function secretPartsOf(params: readonly string[], pathSegments: readonly number[]): SecretParts {
  const names = new Set(DEFAULT_SECRET_PARAMS);
  for (const name of params) names.add(name.toLowerCase());
  return { params: names, pathSegments };
}

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).trim().toLowerCase();
  } catch {
    return raw.trim().toLowerCase();
  }
}

/** `a=1&token=x` → `a=1&token=REDACTED` for the secret names. */
export function redactUrlEncoded(text: string, names: ReadonlySet<string>): string {
  return text
    .split('&')
    .map((piece) => {
      const eq = piece.indexOf('=');
      if (eq === -1) return piece;
      return names.has(decodedName(piece.slice(0, eq))) ? `${piece.slice(0, eq)}=${REDACTED}` : piece;
    })
    .join('&');
}

function redactPath(path: string, positions: readonly number[]): string {
  if (positions.length === 0) return path;
  // path is "/a/b/c": segment n (1-based) is at index n of the split.
  const segments = path.split('/');
  for (const n of positions) if (n < segments.length && segments[n] !== '') segments[n] = REDACTED;
  return segments.join('/');
}

export function redactUrl(url: string, parts: SecretParts): string {
  const hashAt = url.indexOf('#');
  const fragment = hashAt === -1 ? '' : url.slice(hashAt);
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  const base = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const query = queryAt === -1 ? undefined : beforeHash.slice(queryAt + 1);
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(base)?.[0] ?? '';
  const path = redactPath(base.slice(origin.length), parts.pathSegments);
  const redactedQuery = query === undefined ? '' : `?${redactUrlEncoded(query, parts.params)}`;
  return `${origin}${path}${redactedQuery}${fragment}`;
}

function redactJsonValue(value: unknown, names: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => redactJsonValue(item, names));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const secret = names.has(key.toLowerCase()) && (typeof item === 'string' || typeof item === 'number');
    out[key] = secret ? REDACTED : redactJsonValue(item, names);
  }
  return out;
}

/** A JSON body with the secret keys' values replaced; a body that is not JSON is returned as is. */
export function redactJsonBody(body: string, names: ReadonlySet<string>): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  const redacted = JSON.stringify(redactJsonValue(parsed, names));
  // Keep the body byte for byte when nothing was secret.
  return redacted === JSON.stringify(parsed) ? body : redacted;
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    out[name] = SECRET_HEADER.test(name) ? REDACTED : value;
  return out;
}
