// A report's include and exclude conditions as its URL keeps them, in the API's own words:
// `filter.offer=1,2` keeps rows with those values, `exclude.country=US` drops them. One key per
// dimension and kind, so a bookmarked report and the API request read the same.
export type ConditionKind = 'filter' | 'exclude';
export type ConditionKey = `${ConditionKind}.${string}`;
/** A lone id stays a number, so the URL reads `filter.offer=7` (the router quotes numeric text). */
export type ConditionSearch = { [key: ConditionKey]: string | number | undefined };

export interface Condition {
  kind: ConditionKind;
  dimension: string;
  values: string[];
}

const KEY = /^(filter|exclude)\.([a-z0-9]+)$/;

export const conditionKey = (kind: ConditionKind, dimension: string): ConditionKey => `${kind}.${dimension}`;

/** A comma list as its distinct, trimmed, non-empty values. */
export const splitValues = (text: string): string[] => [
  ...new Set(
    text
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ),
];

const urlValue = (values: string[]): string | number => {
  const text = values.join(',');
  return /^\d{1,15}$/.test(text) && String(Number(text)) === text ? Number(text) : text;
};

/** The condition keys of a URL's search, as text (the router reads `1` as a number). */
export function conditionSearch(search: Record<string, unknown>): ConditionSearch {
  const out: ConditionSearch = {};
  for (const [key, value] of Object.entries(search)) {
    if (!KEY.test(key) || (typeof value !== 'string' && typeof value !== 'number')) continue;
    const values = splitValues(String(value));
    if (values.length > 0) out[key as ConditionKey] = urlValue(values);
  }
  return out;
}

/** The conditions in a search: the inclusions first, then the exclusions, each in URL order. */
export function conditionsOf(search: Record<string, unknown>): Condition[] {
  const all = Object.entries(conditionSearch(search)).map(([key, value]) => {
    const [, kind, dimension] = KEY.exec(key) as RegExpExecArray;
    return { kind: kind as ConditionKind, dimension, values: splitValues(String(value ?? '')) };
  });
  return [...all.filter((c) => c.kind === 'filter'), ...all.filter((c) => c.kind === 'exclude')];
}

/** The search patch that sets one condition's values (none removes it). */
export const conditionPatch = (
  kind: ConditionKind,
  dimension: string,
  values: string[],
): ConditionSearch => ({
  [conditionKey(kind, dimension)]: values.length > 0 ? urlValue(values) : undefined,
});

/** The API's filter parameters for the conditions. */
export const conditionFilters = (conditions: Condition[]): Record<string, string> =>
  Object.fromEntries(conditions.map((c) => [conditionKey(c.kind, c.dimension), c.values.join(',')]));
