// The closed set of error codes and the one table that maps them to HTTP statuses.
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  illegal_transition: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unsafe_target: 422,
  unknown_macro: 422,
  macro_in_host: 422,
  macro_not_allowed: 422,
  invalid_date: 400,
  invalid_time_zone: 400,
  invalid_group_by: 400,
  invalid_filter: 400,
  invalid_sort: 400,
  range_too_long: 400,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  store_unavailable: 503,
  secret_key_missing: 422,
  insufficient_balance: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export function errorBody(code: string, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: details ? { code, message, details } : { code, message } };
}
