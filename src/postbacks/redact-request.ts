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

function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** Notes a masked value, as sent and as decoded, so an echo of it can be masked too. */
function note(found: string[] | undefined, raw: string): void {
  found?.push(raw);
  if (found && decoded(raw) !== raw) found.push(decoded(raw));
}

/** `a=1&token=x` → `a=1&token=REDACTED` for the secret names; the masked values go to `found`. */
export function redactUrlEncoded(text: string, names: ReadonlySet<string>, found?: string[]): string {
  return text
    .split('&')
    .map((piece) => {
      const eq = piece.indexOf('=');
      if (eq === -1 || !names.has(decoded(piece.slice(0, eq)).trim().toLowerCase())) return piece;
      note(found, piece.slice(eq + 1));
      return `${piece.slice(0, eq)}=${REDACTED}`;
    })
    .join('&');
}

function redactPath(path: string, positions: readonly number[], found?: string[]): string {
  if (positions.length === 0) return path;
  // path is "/a/b/c": segment n (1-based) is at index n of the split.
  const segments = path.split('/');
  for (const n of positions) {
    if (n >= segments.length || segments[n] === '') continue;
    note(found, segments[n]);
    segments[n] = REDACTED;
  }
  return segments.join('/');
}

export function redactUrl(url: string, parts: SecretParts, found?: string[]): string {
  const hashAt = url.indexOf('#');
  const fragment = hashAt === -1 ? '' : url.slice(hashAt);
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  const base = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const query = queryAt === -1 ? undefined : beforeHash.slice(queryAt + 1);
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(base)?.[0] ?? '';
  const path = redactPath(base.slice(origin.length), parts.pathSegments, found);
  const redactedQuery = query === undefined ? '' : `?${redactUrlEncoded(query, parts.params, found)}`;
  return `${origin}${path}${redactedQuery}${fragment}`;
}

function redactJsonValue(value: unknown, names: ReadonlySet<string>, found?: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => redactJsonValue(item, names, found));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const secret = names.has(key.toLowerCase()) && (typeof item === 'string' || typeof item === 'number');
    if (secret) found?.push(String(item));
    out[key] = secret ? REDACTED : redactJsonValue(item, names, found);
  }
  return out;
}

/** A JSON body with the secret keys' values replaced; a body that is not JSON is returned as is. */
export function redactJsonBody(body: string, names: ReadonlySet<string>, found?: string[]): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  const redacted = JSON.stringify(redactJsonValue(parsed, names, found));
  // Keep the body byte for byte when nothing was secret.
  return redacted === JSON.stringify(parsed) ? body : redacted;
}

/** Below this length a value is too likely to occur by chance to be masked in free text. */
const MIN_MASKED_LENGTH = 4;

/** `text` with every occurrence of the given values replaced by REDACTED. */
export function maskValues(text: string, values: readonly string[]): string {
  let out = text;
  for (const value of values) if (value.length >= MIN_MASKED_LENGTH) out = out.split(value).join(REDACTED);
  return out;
}

export function redactHeaders(headers: Record<string, string>, found?: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const secret = SECRET_HEADER.test(name);
    if (secret) found?.push(value);
    out[name] = secret ? REDACTED : value;
  }
  return out;
}
