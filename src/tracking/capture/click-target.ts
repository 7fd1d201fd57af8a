// What a click on a slug needs, resolved once and cached: ids, default sub ids, compiled offer URL.
import { compileTemplate } from '../../macros/template.ts';
import type { CompiledSmartLink } from '../../smartlinks/smartlink-resolver.ts';
import type { ClickTargetRow } from '../clicks/click.repository.ts';
import { SUB_KEYS, type SubValues } from '../clicks/click.table.ts';

export interface ClickTarget {
  readonly linkId: number;
  readonly offerId: number;
  readonly publisherId: number;
  readonly advertiserId: number;
  /** The link's default sub ids; a value on the click wins. */
  readonly defaultSubs: SubValues;
  readonly destination: ReturnType<typeof compileTemplate>;
  /** The offer URL has a {random}: only then does a click pay for a fresh UUID. */
  readonly usesRandom: boolean;
  /** The offer's uniqueness window: a visitor's repeat click within it is not unique. */
  readonly uniqueWindowMs: number;
  /** When the link points at a SmartLink: it chooses each click's offer (offerId is its fallback's). */
  readonly smartlink: CompiledSmartLink | null;
}

/** Reads links.subs leniently: a malformed value must not take the link down, it just has no defaults. */
export function parseDefaultSubs(json: string): SubValues {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const subs: SubValues = {};
  for (const key of SUB_KEYS) {
    const value = (parsed as Record<string, unknown>)[key];
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') subs[key] = String(value);
  }
  return subs;
}

export function toClickTarget(row: ClickTargetRow, smartlink?: CompiledSmartLink | null): ClickTarget {
  const destination = compileTemplate(row.offer_url);
  return {
    linkId: Number(row.link_id),
    offerId: Number(row.offer_id),
    publisherId: Number(row.publisher_id),
    advertiserId: Number(row.advertiser_id),
    defaultSubs: parseDefaultSubs(row.subs),
    destination,
    usesRandom: destination.macros.some((use) => use.canonical === 'random'),
    uniqueWindowMs: Number(row.unique_window_hours ?? 24) * 3_600_000,
    // Always present, so every target has one shape and the click path's property reads stay monomorphic.
    smartlink: smartlink ?? null,
  };
}
