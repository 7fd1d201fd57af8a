// Row ⇄ API shape of a postback.
import { STATUSES } from '../conversions/conversion.table.ts';
import { parseEventMap } from '../integrations/common/destination-settings.ts';
import type { Postback } from './postback.schemas.ts';
import type { PostbackRow } from './postback.table.ts';
import { destinationView } from './postback-destination.ts';
import type { PostbackDraft } from './postback-validation.ts';

export const ALL_STATUSES: readonly string[] = STATUSES;

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function headersOf(row: Pick<PostbackRow, 'headers'>): Record<string, string> {
  const parsed = parseJson<unknown>(row.headers, {});
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') out[name] = value;
  return out;
}

export function secretParamsOf(row: Pick<PostbackRow, 'secret_params'>): string[] {
  const parsed = parseJson<unknown>(row.secret_params, []);
  return Array.isArray(parsed) ? parsed.filter((name): name is string => typeof name === 'string') : [];
}

export function secretPathSegmentsOf(row: Pick<PostbackRow, 'secret_path_segments'>): number[] {
  const parsed = parseJson<unknown>(row.secret_path_segments, []);
  return Array.isArray(parsed) ? parsed.filter((n): n is number => Number.isInteger(n)) : [];
}

export type PostbackState = 'active' | 'held' | 'off';

/**
 * The one state a postback is shown in, from its switch and its endpoint's health: `off` owes
 * nothing, `held` owes deliveries but holds them (its endpoint is disabled), `active` sends.
 */
export function postbackStateOf(row: Pick<PostbackRow, 'enabled' | 'state'>): PostbackState {
  if (row.enabled !== 1) return 'off';
  return row.state === 'disabled' ? 'held' : 'active';
}

/** The settings of a stored postback, as a save would give them. */
export function draftOf(row: PostbackRow): PostbackDraft {
  return {
    publisherId: row.publisher_id,
    audience: row.audience,
    scope: row.scope,
    offerId: row.offer_id,
    goal: row.goal,
    linkId: row.link_id ?? null,
    url: row.url,
    method: row.method,
    bodyFormat: row.body_format === 'none' ? null : row.body_format,
    bodyTemplate: row.body_template,
    headers: headersOf(row),
    secretParams: secretParamsOf(row),
    secretPathSegments: secretPathSegmentsOf(row),
    fireWithSpecific: row.fire_with_specific === 1,
  };
}

export function toPostbackView(row: PostbackRow): Postback {
  const state = postbackStateOf(row);
  return {
    id: row.id,
    ...draftOf(row),
    statuses: parseJson<Postback['statuses']>(row.statuses, []),
    kind: row.kind,
    destination: destinationView(row),
    eventMap: parseEventMap(row.event_map) as Postback['eventMap'],
    value: row.value_source,
    enabled: state === 'active',
    timeoutMs: row.timeout_ms,
    retry4xx: row.retry_4xx === 1,
    state,
    disabledReason: state === 'held' ? row.disabled_reason : null,
    disabledAt: state === 'held' ? row.disabled_at : null,
    failureStreak: row.failure_streak,
    lastSuccessAt: row.last_success_at,
    lastFailureAt: row.last_failure_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
