// How a macro's value is written into its surroundings (URL, form body, JSON string, raw), and the
// modifiers users bring from Keitaro and Voluum ({x:raw}, {x:hash}, {_x} …).
import { createHash } from 'node:crypto';

export type MacroEncoding = 'url' | 'form' | 'json' | 'raw';

/** Turns a value (already stringified; '' when missing) into its rendered text. */
export type ValueWriter = (value: string, encoding: MacroEncoding) => string;

const RFC3986_EXTRA = /[!'()*]/g;
const FORM_EXTRA = /[!'()~]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function percentByte(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase()}`;
}

// encodeURIComponent throws on a lone surrogate; a malformed value must not crash a redirect.
function encodeComponent(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
  }
}

/** RFC 3986's unreserved characters: a value made only of these is its own encoding. */
const UNRESERVED_ONLY = /^[\w.~-]*$/;

/** RFC 3986 percent-encoding: only unreserved characters stay as they are. */
export function encodeUrlValue(value: string): string {
  // Click ids, numeric ids and most sub ids need no encoding: tested once, not encoded and rescanned.
  if (UNRESERVED_ONLY.test(value)) return value;
  const encoded = encodeComponent(value);
  return encoded.replace(RFC3986_EXTRA, percentByte);
}

/** application/x-www-form-urlencoded, byte-for-byte what URLSearchParams writes (space → +). */
export function encodeFormValue(value: string): string {
  return encodeComponent(value).replace(FORM_EXTRA, percentByte).replace(/%20/g, '+');
}

/** Escaped for placement inside a JSON string literal; the quotes around it are the template's. */
export function encodeJsonValue(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

export function encodeValue(value: string, encoding: MacroEncoding): string {
  if (value === '') return '';
  switch (encoding) {
    case 'url':
      return encodeUrlValue(value);
    case 'form':
      return encodeFormValue(value);
    case 'json':
      return encodeJsonValue(value);
    case 'raw':
      return value;
  }
}

// Hex digests are safe in every encoding. A missing value hashes to '' rather than to the digest of
// the empty string, which a receiver would take for a real (and identical) identifier.
function digest(algorithm: string): ValueWriter {
  return (value) => (value === '' ? '' : createHash(algorithm).update(value, 'utf8').digest('hex'));
}

const writeRaw: ValueWriter = (value) => value;

/**
 * Whether the writer's output in a URL is visible ASCII whatever the value: true of every writer but
 * raw, since the others percent-encode, hex-encode, or both.
 */
export function writesVisibleAsciiInUrls(write: ValueWriter): boolean {
  return write !== writeRaw;
}

/** Modifier (lower-case) → writer. `{x:urlencode}` is encoded once, whatever the template's encoding. */
const MODIFIERS: ReadonlyMap<string, ValueWriter> = new Map<string, ValueWriter>([
  ['raw', writeRaw],
  ['hash', digest('sha256')],
  ['sha256', digest('sha256')],
  ['sha1', digest('sha1')],
  ['md5', digest('md5')],
  ['upper', (value, encoding) => encodeValue(value.toUpperCase(), encoding)],
  ['lower', (value, encoding) => encodeValue(value.toLowerCase(), encoding)],
  ['urlencode', (value) => encodeUrlValue(value)],
]);

export const MODIFIER_NAMES: readonly string[] = Object.freeze([...MODIFIERS.keys()]);

/** The writer for a modifier (undefined modifier = plain encoding); undefined when not supported. */
export function findValueWriter(modifier: string | undefined): ValueWriter | undefined {
  if (modifier === undefined) return encodeValue;
  return MODIFIERS.get(modifier.toLowerCase());
}
