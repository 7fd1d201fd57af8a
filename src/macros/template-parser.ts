// Splits a template into literal text and macro uses, once; rendering then only walks the parts.
import { resolveMacroName } from './macro-catalogue.ts';
import { findValueWriter, type ValueWriter } from './macro-encoding.ts';

export type MacroSyntax = '{}' | '{{}}' | '##' | '[[]]';

export interface MacroUse {
  /** The macro exactly as written, delimiters included, e.g. "{{click_id}}" or "{_sub1}". */
  raw: string;
  /** The name as written, without delimiters, modifier or Keitaro's raw underscore. */
  name: string;
  canonical: string | undefined;
  modifier?: string;
  syntax: MacroSyntax;
}

/** A macro that renders: the canonical name to look up and how to write its value. */
export interface MacroPart {
  readonly canonical: string;
  readonly write: ValueWriter;
}

export type TemplatePart = string | MacroPart;

export interface ParsedTemplate {
  parts: TemplatePart[];
  macros: MacroUse[];
}

// Names must be identifiers so URL fragments (#top), JSON braces ({"a":1}) and Keitaro's richer
// functions ({date:Y-m-d}) stay literal. [NAME], %NAME% and ${NAME} are deliberately not macros:
// they collide with ordinary URL and JSON text.
const IDENT = '([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z0-9_]+))?';
const PATTERNS: ReadonlyArray<{ lead: string; syntax: MacroSyntax; re: RegExp }> = [
  // Double braces first so "{{x}}" is not read as "{" + "{x}" + "}". Mustache users write spaces.
  { lead: '{', syntax: '{{}}', re: new RegExp(`\\{\\{ *${IDENT} *\\}\\}`, 'y') },
  { lead: '{', syntax: '{}', re: new RegExp(`\\{${IDENT}\\}`, 'y') },
  { lead: '#', syntax: '##', re: new RegExp(`#${IDENT}#`, 'y') },
  { lead: '[', syntax: '[[]]', re: new RegExp(`\\[\\[${IDENT}\\]\\]`, 'y') },
];

function matchAt(template: string, index: number): { use: MacroUse; end: number } | undefined {
  const lead = template[index];
  for (const { lead: patternLead, syntax, re } of PATTERNS) {
    if (patternLead !== lead) continue;
    re.lastIndex = index;
    const match = re.exec(template);
    if (match === null) continue;
    return { use: toMacroUse(match[0], match[1], match[2], syntax), end: re.lastIndex };
  }
  return undefined;
}

function toMacroUse(
  raw: string,
  written: string,
  modifier: string | undefined,
  syntax: MacroSyntax,
): MacroUse {
  let name = written;
  let mod = modifier;
  // Keitaro: {_x} is x without encoding.
  if (mod === undefined && name.length > 1 && name.startsWith('_')) {
    name = name.slice(1);
    mod = 'raw';
  }
  const use: MacroUse = { raw, name, canonical: resolveMacroName(name), syntax };
  if (mod !== undefined) use.modifier = mod;
  return use;
}

export function parseTemplate(template: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const macros: MacroUse[] = [];
  let literal = '';
  let index = 0;
  while (index < template.length) {
    const char = template[index];
    const found = char === '{' || char === '#' || char === '[' ? matchAt(template, index) : undefined;
    if (found === undefined) {
      literal += char;
      index += 1;
      continue;
    }
    const { use, end } = found;
    macros.push(use);
    const write = use.canonical === undefined ? undefined : findValueWriter(use.modifier);
    if (use.canonical !== undefined && write !== undefined) {
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push({ canonical: use.canonical, write });
      index = end;
    } else if (use.syntax === '##') {
      // An unknown #x# keeps its closing '#' available: it may open the next macro ("#a#sub1#").
      literal += use.raw.slice(0, -1);
      index = end - 1;
    } else {
      // Unknown names and modifiers stay exactly as written; saving the template reports them.
      literal += use.raw;
      index = end;
    }
  }
  if (literal !== '') parts.push(literal);
  return { parts, macros };
}
