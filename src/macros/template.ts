// Templates users paste (offer destination URLs, postback URLs and bodies), compiled once into
// literal and macro parts so the click redirect and the delivery worker render without parsing.
import { type MacroEncoding, writesVisibleAsciiInUrls } from './macro-encoding.ts';
import { type MacroUse, parseTemplate, type TemplatePart } from './template-parser.ts';
import { findMacrosInAuthority } from './url-authority.ts';

export type { MacroEncoding } from './macro-encoding.ts';
export type { MacroSyntax, MacroUse } from './template-parser.ts';

/** Values keyed by CANONICAL macro name; null/undefined render as an empty string. */
export type MacroValues = Record<string, string | number | null | undefined>;

export interface CompiledTemplate {
  readonly macros: readonly MacroUse[];
  /**
   * True when rendering in 'url' encoding can only yield visible ASCII (no space, control or non-ASCII
   * character), whatever the values: its literal text is visible ASCII and no macro is written raw.
   * Such a URL can go into a Location header as it is.
   */
  readonly urlIsVisibleAscii: boolean;
  /** Read as a URL: the macros ("{sub1}") that would fill its scheme, user info, host or port. */
  readonly authorityMacros: readonly string[];
  render(values: MacroValues, encoding?: MacroEncoding): string;
}

const CACHE_LIMIT = 1_000;
const VISIBLE_ASCII = /^[\x21-\x7e]*$/;
const cache = new Map<string, CompiledTemplate>();

function buildTemplate(template: string): CompiledTemplate {
  const { parts, macros } = parseTemplate(template);
  const frozenParts: readonly TemplatePart[] = Object.freeze(parts);
  const frozenMacros = Object.freeze(macros.map((use) => Object.freeze(use)));
  const urlIsVisibleAscii = parts.every((part) =>
    typeof part === 'string' ? VISIBLE_ASCII.test(part) : writesVisibleAsciiInUrls(part.write),
  );
  return Object.freeze({
    macros: frozenMacros,
    urlIsVisibleAscii,
    authorityMacros: Object.freeze(findMacrosInAuthority(parts)),
    render(values: MacroValues, encoding: MacroEncoding = 'url'): string {
      let out = '';
      for (let i = 0; i < frozenParts.length; i++) {
        const part = frozenParts[i];
        if (typeof part === 'string') {
          out += part;
          continue;
        }
        const value = values[part.canonical];
        out += part.write(value == null ? '' : typeof value === 'string' ? value : String(value), encoding);
      }
      return out;
    },
  });
}

/** Parses a template once; repeated calls with the same text return the cached compilation. */
export function compileTemplate(template: string): CompiledTemplate {
  const cached = cache.get(template);
  if (cached !== undefined) {
    // Re-inserting keeps hot templates at the young end, so eviction drops the least recently used.
    cache.delete(template);
    cache.set(template, cached);
    return cached;
  }
  const compiled = buildTemplate(template);
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(template, compiled);
  return compiled;
}

export function renderTemplate(
  template: string,
  values: MacroValues,
  encoding: MacroEncoding = 'url',
): string {
  return compileTemplate(template).render(values, encoding);
}

/** Number of compiled templates held (the cache is bounded; exposed for tests and metrics). */
export function compiledTemplateCacheSize(): number {
  return cache.size;
}
