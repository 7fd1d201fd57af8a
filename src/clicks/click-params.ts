// What a click carries on its query string: sub ids (and their other spellings), the publisher's
// own click id, and ad-platform click ids. Values are cleaned so nothing a visitor types can make
// the insert fail: over-long values are cut, NUL bytes dropped, broken UTF-16 repaired.
import { SUB_KEYS, type SubValues } from './click-target.ts';

export type Query = Record<string, string | string[] | undefined>;

export const MAX_VALUE_LENGTH = 512;

/** Aliases per sub id, in the order they are looked at. */
const SUB_ALIASES: ReadonlyArray<readonly [(typeof SUB_KEYS)[number], readonly string[]]> = SUB_KEYS.map(
  (key, i) => [key, [key, `subid_${i + 1}`, `sub_id_${i + 1}`]] as const,
);
/** The publisher's click id: the first of these that is present wins. */
export const EXTERNAL_ID_PARAMS = ['cid', 'clickid', 'click_id', 'external_id'] as const;
export const AD_CLICK_ID_PARAMS = ['fbclid', 'ttclid', 'gclid', 'gbraid', 'wbraid', 'msclkid'] as const;
export type AdClickIds = Record<(typeof AD_CLICK_ID_PARAMS)[number], string | null>;

export interface ClickParams {
  subs: SubValues;
  externalId: string | null;
  adClickIds: AdClickIds;
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

function first(query: Query, name: string): string | null {
  const raw = query[name];
  return cleanValue(Array.isArray(raw) ? raw[0] : raw);
}

function firstOf(query: Query, names: readonly string[]): string | null {
  for (const name of names) {
    const value = first(query, name);
    if (value !== null) return value;
  }
  return null;
}

export function parseClickParams(query: Query, defaultSubs: SubValues): ClickParams {
  const subs: SubValues = {};
  for (const [key, names] of SUB_ALIASES) {
    const value = firstOf(query, names) ?? defaultSubs[key];
    if (value !== undefined) subs[key] = value;
  }
  const adClickIds = {} as AdClickIds;
  for (const name of AD_CLICK_ID_PARAMS) adClickIds[name] = first(query, name);
  return { subs, externalId: firstOf(query, EXTERNAL_ID_PARAMS), adClickIds };
}
