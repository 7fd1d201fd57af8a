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

/** Where a query parameter goes: a sub id, the external id or an ad click id, and its precedence. */
type Slot =
  | { kind: 'sub'; key: (typeof SUB_KEYS)[number]; rank: number }
  | { kind: 'external'; rank: number }
  | { kind: 'ad'; name: (typeof AD_CLICK_ID_PARAMS)[number] };

// A click's query string has a handful of parameters and we know 40 names: walking the query once
// and looking each name up here costs less than probing the query for every name.
const SLOTS = new Map<string, Slot>([
  ...SUB_ALIASES.flatMap(([key, names]) =>
    names.map((name, rank) => [name, { kind: 'sub', key, rank }] as const),
  ),
  ...EXTERNAL_ID_PARAMS.map((name, rank) => [name, { kind: 'external', rank }] as const),
  ...AD_CLICK_ID_PARAMS.map((name) => [name, { kind: 'ad', name }] as const),
]);

/** A repeated parameter counts by its first value; an empty one counts as absent. */
function firstValue(raw: string | string[] | undefined): string | null {
  return cleanValue(Array.isArray(raw) ? raw[0] : raw);
}

export function parseClickParams(query: Query, defaultSubs: SubValues): ClickParams {
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
  for (const name in query) {
    const slot = SLOTS.get(name);
    if (slot === undefined) continue;
    const value = firstValue(query[name]);
    if (value === null) continue;
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
    } else {
      adClickIds[slot.name] = value;
    }
  }
  for (const key of SUB_KEYS) {
    if (subs[key] === undefined && defaultSubs[key] !== undefined) subs[key] = defaultSubs[key];
  }
  return { subs, externalId, adClickIds };
}
