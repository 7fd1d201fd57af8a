// Turns a raw HTTP hit into what the inbound service needs: one flat parameter map from the
// query and a form or JSON body, and a log-safe copy of the request with every secret redacted.
// Nothing here throws on bad input: a broken body is reported as `bodyError`.
import { exceedsJsonDepth } from '../../shared/json-depth.ts';
import { isSecretParam } from './names/inbound-params.ts';
import type { FieldNames } from './names/parameter-map.ts';
import type { RequestSource } from './request-source.ts';

export interface InboundRequest {
  method: string;
  /** Token from the advertiser's own URL (/postback/:token). */
  pathToken?: string;
  /** Lower-cased parameter name → first value; the query first, then the body. */
  params: Map<string, string>;
  bodyError?: 'invalid_body';
  source: RequestSource;
  /** Set once the sender is known and names fields its own way, so the log reads them as the check did. */
  fieldNames?: FieldNames;
  /** For the postback log: redacted path and query, headers of interest, redacted body. */
  logUrl: string;
  logHeaders: string;
  logBody: string | null;
}

export interface RawHit {
  method: string;
  url: string;
  pathToken?: string;
  headers: Record<string, string | string[] | undefined>;
  body: string | undefined;
  source: RequestSource;
}

const MAX_PARAMS = 200;
const MAX_LOG_URL = 8192;
const MAX_LOG_BODY = 8192;
const REDACTED = 'REDACTED';

// PostgreSQL text cannot hold NUL; nobody sends it on purpose.
const clean = (value: string) => value.replace(/\0/g, '\uFFFD');

function addParam(params: Map<string, string>, name: string, value: string): void {
  const key = clean(name.trim().toLowerCase());
  if (key === '' || params.has(key) || params.size >= MAX_PARAMS) return;
  params.set(key, clean(value));
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return scalar(value[0]);
  return undefined;
}

function header(headers: RawHit['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Body → parameters; undefined when the body cannot be read as a JSON object or a form. */
function parseBody(body: string, contentType: string): [string, string][] | undefined {
  const text = body.trim();
  if (text === '') return [];
  const looksJson = contentType.includes('json') || (!contentType.includes('form') && text.startsWith('{'));
  if (looksJson) {
    if (exceedsJsonDepth(text)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const out: [string, string][] = [];
    for (const [name, value] of Object.entries(parsed)) {
      const v = scalar(value);
      if (v !== undefined) out.push([name, v]);
    }
    return out;
  }
  if (contentType.includes('multipart/')) return undefined;
  // Forms, and the text/plain or header-less "a=b&c=d" bodies that sloppy senders post.
  return [...new URLSearchParams(text)];
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((piece) => {
      const eq = piece.indexOf('=');
      const rawName = eq === -1 ? piece : piece.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {}
      return isSecretParam(name.trim()) ? `${rawName}=${REDACTED}` : piece;
    })
    .join('&');
}

export function parseInboundRequest(hit: RawHit): InboundRequest {
  const params = new Map<string, string>();
  const q = hit.url.indexOf('?');
  const path = q === -1 ? hit.url : hit.url.slice(0, q);
  const query = q === -1 ? '' : hit.url.slice(q + 1);
  for (const [name, value] of new URLSearchParams(query)) addParam(params, name, value);

  let bodyError: InboundRequest['bodyError'];
  const contentType = (header(hit.headers, 'content-type') ?? '').toLowerCase();
  const bodyParams = hit.body === undefined ? [] : parseBody(hit.body, contentType);
  if (bodyParams === undefined) bodyError = 'invalid_body';
  else for (const [name, value] of bodyParams) addParam(params, name, value);

  const logPath = hit.pathToken !== undefined ? `/postback/${REDACTED}` : path;
  const logUrl = clean(query ? `${logPath}?${redactQuery(query)}` : logPath).slice(0, MAX_LOG_URL);
  const logHeaders = JSON.stringify({
    'user-agent': header(hit.headers, 'user-agent'),
    'content-type': header(hit.headers, 'content-type'),
    'x-forwarded-for': header(hit.headers, 'x-forwarded-for'),
    'x-forwarded-proto': header(hit.headers, 'x-forwarded-proto'),
  });
  return {
    method: hit.method,
    pathToken: hit.pathToken,
    params,
    bodyError,
    source: hit.source,
    logUrl,
    logHeaders: clean(logHeaders),
    logBody: logBodyFor(hit.body, bodyParams === undefined ? undefined : params),
  };
}

// The log body holds every parameter received (query and body, extra ones such as offer_id or
// user_id included, secrets redacted); an unreadable body is stored as received, minus anything
// that looks like a secret, so the sender can be shown what we got.
function logBodyFor(body: string | undefined, params: Map<string, string> | undefined): string | null {
  if (params === undefined) {
    const masked = (body ?? '').replace(
      /((?:token|security_token|secret|key|verification_token)["']?\s*[:=]\s*["']?)[^"'&,}\s]*/gi,
      `$1${REDACTED}`,
    );
    return clean(masked).slice(0, MAX_LOG_BODY);
  }
  if (params.size === 0) return null;
  const entries = [...params].map(([name, value]) => [name, isSecretParam(name) ? REDACTED : value]);
  return JSON.stringify(Object.fromEntries(entries)).slice(0, MAX_LOG_BODY);
}
