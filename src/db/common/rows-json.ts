// Rows as one JSON text, for statements that take many rows as a single parameter.
//
// JSON.stringify writes a lone UTF-16 surrogate as a \udXXX escape, which PostgreSQL's JSON parser
// rejects; sent as a plain string parameter it would have become U+FFFD. Well-formed surrogate pairs
// are written as themselves, so an escape in the output is a lone surrogate or, harmlessly, the text
// "\udXXX" itself (written "\\udXXX").
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (_key: string, value: unknown) =>
  typeof value === 'string' ? value.replace(LONE_SURROGATE, '\uFFFD') : value;

/** The rows as one JSON array, lone surrogates replaced by U+FFFD as a string parameter would have them. */
export function rowsJson(rows: readonly object[]): string {
  const json = JSON.stringify(rows);
  return SURROGATE_ESCAPE.test(json) ? JSON.stringify(rows, wellFormed) : json;
}
