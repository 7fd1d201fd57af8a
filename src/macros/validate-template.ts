// Save-time check of a template: a misspelled macro is the most common postback support ticket, so
// every unknown name is reported with the nearest name we do know.
import { AppError } from '../shared/errors.ts';
import { listKnownMacroNames, MACROS, resolveMacroName } from './macro-catalogue.ts';
import { MODIFIER_NAMES } from './macro-encoding.ts';
import { compileTemplate } from './template.ts';

export interface UnknownMacro {
  /** As written, e.g. "{payot}". */
  macro: string;
  /** The unknown name ("payot"), or "name:modifier" when only the modifier is unsupported. */
  name: string;
  /** Nearest known canonical name or alias, e.g. "payout". */
  suggestion?: string;
  /** Set when the name is ours but has no value where this template is rendered. */
  unavailable?: true;
}

// Names other tools use that are not ours and are too far from ours for edit distance to find.
const FOREIGN_NAMES: ReadonlyMap<string, string> = new Map([
  ...Array.from({ length: 10 }, (_, i): [string, string] => [`s${i + 1}`, `sub${i + 1}`]), // CAKE
  ['aff_sub', 'sub1'], // TUNE / HasOffers
  ...Array.from({ length: 9 }, (_, i): [string, string] => [`aff_sub${i + 2}`, `sub${i + 2}`]),
  ['price', 'payout'], // CAKE
  ['subid', 'click_id'], // Keitaro's own click id
]);

const CANONICAL = new Set(MACROS.map((macro) => macro.name));
const KNOWN_NAMES = listKnownMacroNames();

/** Optimal-string-alignment distance: Levenshtein plus transposition of adjacent characters. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2][j - 2] + 1);
      }
      d[i][j] = best;
    }
  }
  return d[rows - 1][cols - 1];
}

// Short names get little slack: "ip" is one edit from many things.
function maxDistanceFor(name: string): number {
  if (name.length <= 3) return 1;
  if (name.length <= 6) return 2;
  return 3;
}

function nearest(name: string, candidates: readonly string[], preferred: (c: string) => boolean) {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    // Ties go to canonical names, then to catalogue order.
    const score = editDistance(wanted, candidate.toLowerCase()) * 2 + (preferred(candidate) ? 0 : 1);
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best !== undefined && Math.floor(bestScore / 2) <= maxDistanceFor(wanted) ? best : undefined;
}

/**
 * The nearest known macro name (canonical or alias) for an unknown one, if any is close enough;
 * with `allowed` (canonical names), only names of those macros are suggested.
 */
export function suggestMacroName(name: string, allowed?: ReadonlySet<string>): string | undefined {
  const isAllowed = (n: string) => allowed === undefined || allowed.has(resolveMacroName(n) ?? '');
  const foreign = FOREIGN_NAMES.get(name.toLowerCase());
  if (foreign !== undefined && isAllowed(foreign)) return foreign;
  const candidates = allowed === undefined ? KNOWN_NAMES : KNOWN_NAMES.filter(isAllowed);
  return nearest(name, candidates, (c) => CANONICAL.has(c));
}

/**
 * Macros of `template` that will not render: names that are not ours, unsupported modifiers, and,
 * when `allowed` (canonical names) is given, our names that have no value where it is rendered.
 */
export function findUnknownMacros(template: string, allowed?: ReadonlySet<string>): UnknownMacro[] {
  const unknown: UnknownMacro[] = [];
  const seen = new Set<string>();
  for (const use of compileTemplate(template).macros) {
    if (seen.has(use.raw)) continue;
    let found: UnknownMacro | undefined;
    if (use.canonical === undefined || (allowed !== undefined && !allowed.has(use.canonical))) {
      found = { macro: use.raw, name: use.name };
      if (use.canonical !== undefined) found.unavailable = true;
      const suggestion = suggestMacroName(use.name, allowed);
      if (suggestion !== undefined && suggestion !== use.name) found.suggestion = suggestion;
    } else if (use.modifier !== undefined && !MODIFIER_NAMES.includes(use.modifier.toLowerCase())) {
      found = { macro: use.raw, name: `${use.name}:${use.modifier}` };
      const modifier = nearest(use.modifier, MODIFIER_NAMES, () => true);
      if (modifier !== undefined) found.suggestion = `${use.name}:${modifier}`;
    }
    if (found !== undefined) {
      seen.add(use.raw);
      unknown.push(found);
    }
  }
  return unknown;
}

/** Throws unknown_macro naming the first problem (with a "did you mean") and listing every one. */
export function assertKnownMacros(
  places: [field: string, template: string][],
  allowed?: ReadonlySet<string>,
) {
  const unknown = places.flatMap(([field, template]) =>
    findUnknownMacros(template, allowed).map((macro) => ({ field, ...macro })),
  );
  if (unknown.length === 0) return;
  const first = unknown[0];
  const what = first.unavailable ? `macro ${first.macro} has no value here` : `unknown macro ${first.macro}`;
  const hint = first.suggestion ? `; did you mean {${first.suggestion}}?` : '';
  const more = unknown.length > 1 ? ` (and ${unknown.length - 1} more)` : '';
  throw new AppError('unknown_macro', `${first.field}: ${what}${hint}${more}`, { unknown });
}

/** Throws macro_in_host when a macro would fill the scheme, user info, host or port of a URL. */
export function assertNoMacroInAuthority(field: string, template: string): void {
  const macros = compileTemplate(template).authorityMacros;
  if (macros.length === 0) return;
  throw new AppError(
    'macro_in_host',
    `${field}: macros may fill the path, query or fragment, not the host (${macros.join(', ')})`,
    { field, macros },
  );
}
