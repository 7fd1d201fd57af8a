// Row ⇄ API shape of a postback.
import { STATUSES } from '../conversions/conversion.table.ts';
import type { Postback } from './postback.schemas.ts';
import type { PostbackRow } from './postback.table.ts';

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

export function toPostbackView(row: PostbackRow): Postback {
  return {
    id: row.id,
    publisherId: row.publisher_id,
    scope: row.scope,
    offerId: row.offer_id,
    goal: row.goal,
    linkId: row.link_id ?? null,
    url: row.url,
    method: row.method,
    bodyFormat: row.body_format === 'none' ? null : row.body_format,
    bodyTemplate: row.body_template,
    headers: headersOf(row),
    statuses: parseJson<Postback['statuses']>(row.statuses, []),
    enabled: row.enabled === 1,
    fireWithSpecific: row.fire_with_specific === 1,
    timeoutMs: row.timeout_ms,
    retry4xx: row.retry_4xx === 1,
    state: row.state,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at,
    failureStreak: row.failure_streak,
    lastSuccessAt: row.last_success_at,
    lastFailureAt: row.last_failure_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
