// What a click carries on its query string: sub ids (and their other spellings), the publisher's
// own click id, and ad-platform click ids. Values are cleaned so nothing a visitor types can make
// the insert fail: over-long values are cut, NUL bytes dropped, broken UTF-16 repaired.
import { unescape as percentDecode } from 'node:querystring';
import { AD_CLICK_ID_PARAMS, SUB_KEYS, type SubValues } from '../clicks/click.table.ts';

export { AD_CLICK_ID_PARAMS };

export const MAX_VALUE_LENGTH = 512;

/** Aliases per sub id, in the order they are looked at. */
const SUB_ALIASES: ReadonlyArray<readonly [(typeof SUB_KEYS)[number], readonly string[]]> = SUB_KEYS.map(
  (key, i) => [key, [key, `subid_${i + 1}`, `sub_id_${i + 1}`]] as const,
);
/** The publisher's click id: the first of these that is present wins. */
export const EXTERNAL_ID_PARAMS = ['cid', 'clickid', 'click_id', 'external_id'] as const;
export type AdClickIds = Record<(typeof AD_CLICK_ID_PARAMS)[number], string | null>;

export interface ClickParams {
  subs: SubValues;
  externalId: string | null;
  adClickIds: AdClickIds;
  /** Meta's browser id from the `fbp` parameter, when it has Meta's format. */
  fbp: string | null;
}

/**
 * Meta's `_fbp` browser id: `fb.<subdomain index>.<creation time, 13-digit ms>.<random>`, with the
 * optional appendix Meta's newer builders add. Anything else is not kept (and never made up).
 */
export const FBP_FORMAT = /^fb\.\d\.\d{13}\.[^.\s]+(\.[A-Za-z0-9]{2}|\.[A-Za-z0-9]{8})?$/;

const fbpOrNull = (value: string | null) => (value !== null && FBP_FORMAT.test(value) ? value : null);

/** The `_fbp` cookie's value when the Cookie header carries a well-formed one. */
export function fbpOfCookie(header: string | undefined): string | null {
  // Cheap test first: most clicks carry no cookie of ours.
  if (header === undefined || !header.includes('_fbp=')) return null;
  for (const part of header.split(';')) {
    const equals = part.indexOf('=');
    if (equals !== -1 && part.slice(0, equals).trim() === '_fbp')
      return fbpOrNull(cleanValue(part.slice(equals + 1).trim()));
  }
  return null;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what PostgreSQL text refuses.
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/** Cuts to `max` UTF-16 units, drops NUL, replaces lone surrogates; empty becomes null. */
export function cleanValue(value: string | null | undefined, max = MAX_VALUE_LENGTH): string | null {
  if (value === undefined || value === null || value === '') return null;
  let text = value.length > max ? value.slice(0, max) : value;
  // Cheap test first: almost every value is plain ASCII.
  if (UNSAFE.test(text)) text = text.replace(UNSAFE_ALL, (m) => (m === '\u0000' ? '' : '\uFFFD'));
  return text === '' ? null : text;
}

/** Where a query parameter goes: a sub id, the external id or an ad click id, and its precedence. */
type Slot = { index: number } & (
  | { kind: 'sub'; key: (typeof SUB_KEYS)[number]; rank: number }
  | { kind: 'external'; rank: number }
  | { kind: 'ad'; name: (typeof AD_CLICK_ID_PARAMS)[number] }
  | { kind: 'fbp' }
);

// A click's query string has a handful of parameters and we know 40 names: walking the query once
// and looking each name up here costs less than probing the query for every name.
const SLOTS = new Map<string, Slot>(
  [
    ...SUB_ALIASES.flatMap(([key, names]) =>
      names.map((name, rank) => [name, { kind: 'sub', key, rank }] as const),
    ),
    ...EXTERNAL_ID_PARAMS.map((name, rank) => [name, { kind: 'external', rank }] as const),
    ...AD_CLICK_ID_PARAMS.map((name) => [name, { kind: 'ad', name }] as const),
    ['fbp', { kind: 'fbp' }] as const,
  ].map(([name, slot], index) => [name, { ...slot, index }]),
);
/** Which known names the current walk has met (reset per call; the walk is synchronous). */
const met = new Uint8Array(SLOTS.size);

/** What follows the '?' of a request URL ('' without one). Both click routes read the query this way. */
export function queryStringOf(url: string): string {
  const mark = url.indexOf('?');
  return mark === -1 ? '' : url.slice(mark + 1);
}

/** As querystring.parse: pairs after the first 1 000 are not read. */
const MAX_PAIRS = 1_000;

/** A name or value decoded as querystring.parse does: '+' is a space, then lenient %-decoding. */
function decodePart(text: string): string {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text;
  return spaced.includes('%') ? percentDecode(spaced) : spaced;
}

/**
 * Reads the click's parameters straight from its query string (the part after '?'), with
 * querystring.parse's decoding and rules: a repeated parameter counts by its first value, and an
 * empty one counts as absent. Only the known names are decoded and kept: parsing the whole query into
 * an object first cost more than the rest of this.
 */
export function parseClickParams(queryString: string, defaultSubs: SubValues): ClickParams {
  const subs: SubValues = {};
  const subRanks: Partial<Record<(typeof SUB_KEYS)[number], number>> = {};
  let externalId: string | null = null;
  let externalRank = Number.POSITIVE_INFINITY;
  const adClickIds: AdClickIds = {
    fbclid: null,
    ttclid: null,
    gclid: null,
    gbraid: null,
    wbraid: null,
    msclkid: null,
  };
  let fbp: string | null = null;
  met.fill(0);
  const length = queryString.length;
  // Where the next '=' is, found once and reused while the walk has not passed it.
  let equals = queryString.indexOf('=');
  for (let start = 0, pairs = 0; start < length && pairs < MAX_PAIRS; pairs++) {
    let end = queryString.indexOf('&', start);
    if (end === -1) end = length;
    if (equals !== -1 && equals < start) equals = queryString.indexOf('=', start);
    const hasValue = equals !== -1 && equals < end;
    const slot = SLOTS.get(decodePart(queryString.slice(start, hasValue ? equals : end)));
    if (slot !== undefined && met[slot.index] === 0) {
      met[slot.index] = 1;
      const value = hasValue ? cleanValue(decodePart(queryString.slice(equals + 1, end))) : null;
      if (value !== null) {
        // Of several spellings present, the earliest in its alias list wins, whatever the URL's order.
        if (slot.kind === 'sub') {
          if (slot.rank < (subRanks[slot.key] ?? Number.POSITIVE_INFINITY)) {
            subs[slot.key] = value;
            subRanks[slot.key] = slot.rank;
          }
        } else if (slot.kind === 'external') {
          if (slot.rank < externalRank) {
            externalId = value;
            externalRank = slot.rank;
          }
        } else if (slot.kind === 'ad') {
          adClickIds[slot.name] = value;
        } else {
          fbp = fbpOrNull(value);
        }
      }
    }
    start = end + 1;
  }
  for (const key of SUB_KEYS) {
    if (subs[key] === undefined && defaultSubs[key] !== undefined) subs[key] = defaultSubs[key];
  }
  return { subs, externalId, adClickIds, fbp };
}
