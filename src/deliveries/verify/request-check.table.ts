import type { Selectable } from 'kysely';

/** A delivery an ad platform took for processing; its outcome is read from `request_id` later. */
export interface PlatformRequestCheckTable {
  delivery_id: string;
  request_id: string;
  postback_id: number;
  /** The delivery's attempt that sent it: a later attempt (a resend) makes this check stale. */
  attempt_no: number;
  /** How many times the platform has answered "still processing". */
  checks: number;
  next_check_at: number;
  created_at: number;
}
export type PlatformRequestCheckRow = Selectable<PlatformRequestCheckTable>;
