// An advertiser's own parameter names on top of the alias table. A mapped field reads only its
// mapped name (the mapping wins over the aliases), a field mapped to null is not read at all, and
// a name claimed by a mapping is dropped from every other field's aliases, so Everflow's
// transaction_id (its click) is never also read as our txn id. Compiled once per advertiser.
// The token is not mappable: its names are redacted from the log before anyone knows the sender.
import type { Status } from '../../conversion.table.ts';
import { INBOUND_ALIASES, type InboundField } from './inbound-params.ts';
import { INBOUND_PRESETS, type PresetSignature } from './inbound-presets.ts';

export const MAPPABLE_FIELDS = [
  'clickId',
  'txnId',
  'amount',
  'saleAmount',
  'currency',
  'status',
  'goal',
] as const satisfies readonly InboundField[];
export type MappableField = (typeof MAPPABLE_FIELDS)[number];

export type ParameterMap = Partial<Record<MappableField, string | null>>;

/** Field → the names read for it, in order. */
export type FieldNames = Readonly<Record<InboundField, readonly string[]>>;

/** Lower case, as request parameter names are stored; letters, digits and _ . - [ ] only. */
export const PARAM_NAME = /^[a-z0-9_.\-[\]]{1,64}$/;

export function isMappableField(name: string): name is MappableField {
  return (MAPPABLE_FIELDS as readonly string[]).includes(name);
}

/** The preset's map with the advertiser's overrides laid over it. */
export function effectiveParameterMap(preset: string | null, overrides: ParameterMap): ParameterMap {
  const base = preset ? INBOUND_PRESETS.get(preset)?.parameterMap : undefined;
  return { ...base, ...overrides };
}

/** The preset's own status codes (the advertiser's status_map is laid over them). */
export function presetStatusMap(preset: string | null): Readonly<Record<string, Status>> | undefined {
  return preset ? INBOUND_PRESETS.get(preset)?.statusMap : undefined;
}

export function presetSignature(preset: string | null): PresetSignature | undefined {
  return preset ? INBOUND_PRESETS.get(preset)?.signature : undefined;
}

/** Names per field for this map; undefined when nothing is mapped (the alias table applies as is). */
export function compileFieldNames(map: ParameterMap): FieldNames | undefined {
  const entries = Object.entries(map).filter(([field]) => isMappableField(field)) as [
    MappableField,
    string | null,
  ][];
  if (entries.length === 0) return undefined;
  const claimed = new Set(entries.flatMap(([, name]) => (name ? [name] : [])));
  const mapped = new Map(entries);
  const out = {} as Record<InboundField, readonly string[]>;
  for (const field of Object.keys(INBOUND_ALIASES) as InboundField[]) {
    if (mapped.has(field as MappableField)) {
      const name = mapped.get(field as MappableField);
      out[field] = name ? [name] : [];
    } else {
      out[field] = INBOUND_ALIASES[field].filter((alias) => !claimed.has(alias));
    }
  }
  return out;
}

/** Parses a stored parameter_map; a broken one reads as empty so conversions keep flowing on aliases. */
export function parseParameterMap(json: string | null | undefined): ParameterMap {
  if (!json) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const out: ParameterMap = {};
    for (const [field, name] of Object.entries(parsed)) {
      if (isMappableField(field) && (name === null || (typeof name === 'string' && PARAM_NAME.test(name))))
        out[field] = name;
    }
    return out;
  } catch {
    return {};
  }
}
