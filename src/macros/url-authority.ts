// Macros may fill a URL's path, query and fragment, never its scheme or authority (user info, host,
// port): a value there comes from whoever clicked the link, so it would choose where we send the
// request, and the publisher's token with it.
import type { TemplatePart } from './template-parser.ts';

const MARK = '\u0000';

/** The macros ("{sub1}", canonical form) that render into the scheme or authority of a URL template. */
export function findMacrosInAuthority(parts: readonly TemplatePart[]): string[] {
  const names: string[] = [];
  let shape = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      shape += part;
    } else {
      shape += MARK;
      names.push(part.canonical);
    }
  }
  const schemeEnd = shape.indexOf('://');
  const start = schemeEnd === -1 ? 0 : schemeEnd + 3;
  const rest = shape.slice(start).search(/[/?#]/);
  const authorityEnd = rest === -1 ? shape.length : start + rest;
  const found: string[] = [];
  let macro = 0;
  for (let i = 0; i < authorityEnd; i++) {
    if (shape[i] !== MARK) continue;
    found.push(`{${names[macro]}}`);
    macro++;
  }
  return [...new Set(found)];
}
