import type { Generated, Insertable, Selectable } from 'kysely';

export const DELIVERY_STATUSES = [
  'pending',
  'in_flight',
  'succeeded',
  'failed',
  'held',
  'cancelled',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** What a delivery id carries before its time-sortable part (shared/ids.ts). */
export const DELIVERY_ID_PREFIX = 'dlv_';

/** One postback owed for one conversion event (the outbox row). */
export interface DeliveryTable {
  /** Also the {postback_id} macro and the webhook-id header: stable across retries. */
  id: string;
  /** The conversion event it tells about; null for a delivery of a ledger entry written by hand. */
  conversion_event_id: number | null;
  postback_id: number;
  conversion_id: string | null;
  publisher_id: number;
  status: DeliveryStatus;
  attempts: number;
  next_run_at: number;
  /** Fencing token of the worker that holds it; every write by a worker checks it. */
  claim_id: string | null;
  lease_until: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  /** A rewards adjustment or redemption it tells about (no conversion behind it). */
  reward_entry_id: number | null;
}
export type DeliveryRow = Selectable<DeliveryTable>;
export type NewDeliveryRow = Insertable<DeliveryTable>;

export type AttemptTrigger = 'scheduled' | 'manual' | 'test';
export type AttemptErrorClass = 'timeout' | 'dns' | 'connect' | 'tls' | 'refused_address' | 'http' | null;

export interface DeliveryAttemptTable {
  id: Generated<number>;
  /** null for test fires, which belong to no delivery. */
  delivery_id: string | null;
  postback_id: number;
  attempt_no: number;
  trigger: AttemptTrigger;
  /** Final URL with secrets redacted. */
  url: string;
  method: string;
  request_headers: string;
  request_body: string | null;
  /** 0 when no HTTP answer came. */
  status_code: number;
  response_excerpt: string | null;
  response_truncated: number;
  duration_ms: number;
  error_class: AttemptErrorClass;
  error_message: string | null;
  created_at: number;
  /** Ad platforms: the platform's id of the request (fbtrace_id, request_id, requestId). */
  trace_id?: string | null;
}
export type DeliveryAttemptRow = Selectable<DeliveryAttemptTable>;
export type NewDeliveryAttemptRow = Insertable<DeliveryAttemptTable>;
