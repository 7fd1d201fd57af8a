// The advertiser's network slug, preset and own parameter names: their validation, and the
// ready-to-copy /postback?network=… URL that uses the names its network will send.
import type { Config } from '../../config/config.ts';
import { INBOUND_ALIASES } from '../../conversions/inbound/names/inbound-params.ts';
import { INBOUND_PRESETS } from '../../conversions/inbound/names/inbound-presets.ts';
import {
  effectiveParameterMap,
  MAPPABLE_FIELDS,
  type MappableField,
  type ParameterMap,
  parseParameterMap,
} from '../../conversions/inbound/names/parameter-map.ts';
import { AppError } from '../../shared/errors.ts';
import type { AdvertiserRow } from './advertiser.table.ts';

/** Names a mapping may not take: they route or authenticate the hit before any mapping applies. */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['network', ...INBOUND_ALIASES.token]);

/** Our own names, shown in the URL for the fields a mapping leaves alone. */
const DEFAULT_NAMES: Partial<Record<MappableField, string>> = {
  clickId: 'click_id',
  amount: 'payout',
  txnId: 'txn_id',
  status: 'status',
};

export const networkTaken = (network: string) =>
  new AppError('conflict', `network: "${network}" is already used by another advertiser`, {
    field: 'network',
  });

const invalidName = (field: MappableField, message: string) =>
  new AppError('validation_failed', `parameterMap.${field}: ${message}`, { field: `parameterMap.${field}` });

/**
 * Lower-cases the names (parameters are matched in lower case) and refuses the ones that cannot
 * work: a reserved name, or one name for two fields once laid over the preset. The schema has
 * already refused unknown fields and malformed names.
 */
export function normalizeParameterMap(map: ParameterMap, preset: string | null): ParameterMap {
  const out: ParameterMap = {};
  for (const field of MAPPABLE_FIELDS) {
    const raw = map[field];
    if (raw === undefined) continue;
    const name = raw === null ? null : raw.toLowerCase();
    if (name !== null && RESERVED_NAMES.has(name)) throw invalidName(field, `"${name}" is reserved`);
    out[field] = name;
  }
  const seen = new Map<string, MappableField>();
  const effective = effectiveParameterMap(preset, out);
  for (const field of MAPPABLE_FIELDS) {
    const name = effective[field];
    if (!name) continue;
    const other = seen.get(name);
    if (other) throw invalidName(field, `"${name}" already carries ${other}`);
    seen.set(name, field);
  }
  return out;
}

export function advertiserParameterMaps(row: AdvertiserRow) {
  const own = parseParameterMap(row.parameter_map);
  return { own, effective: effectiveParameterMap(row.parameter_preset, own) };
}

/** /postback?network=…&token=… with each field under the name its network sends it. */
export function networkPostbackUrlOf(config: Config, row: AdvertiserRow): string | null {
  if (!row.network) return null;
  const preset = row.parameter_preset ? INBOUND_PRESETS.get(row.parameter_preset) : undefined;
  const query = [`network=${row.network}`, `token=${row.postback_token}`];
  if (!preset?.appendsOwnParameters) {
    const { effective } = advertiserParameterMaps(row);
    for (const field of MAPPABLE_FIELDS) {
      const name = field in effective ? effective[field] : DEFAULT_NAMES[field];
      if (!name) continue;
      query.push(`${name}=${preset?.macros?.[name] ?? `{${name}}`}`);
    }
  }
  return `${config.publicUrl}/postback?${query.join('&')}`;
}
