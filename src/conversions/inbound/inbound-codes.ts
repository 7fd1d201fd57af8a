// The closed set of answers to an inbound postback: code → result and HTTP status. Advertisers
// and their support teams read these codes in our answers and in the postback log.
export const INBOUND_CODES = {
  conversion_created: { result: 'accepted', http: 200 },
  status_changed: { result: 'accepted', http: 200 },
  duplicate: { result: 'duplicate', http: 200 },
  // Recorded, but an inbound rule decided: held for manual review, or rejected. 200 all the same,
  // so the network does not retry a decision.
  conversion_held: { result: 'accepted', http: 200 },
  conversion_rejected: { result: 'rejected', http: 200 },
  missing_click_id: { result: 'rejected', http: 400 },
  invalid_payout: { result: 'rejected', http: 400 },
  invalid_status: { result: 'rejected', http: 400 },
  invalid_currency: { result: 'rejected', http: 400 },
  invalid_txn_id: { result: 'rejected', http: 400 },
  invalid_body: { result: 'rejected', http: 400 },
  missing_token: { result: 'rejected', http: 403 },
  bad_token: { result: 'rejected', http: 403 },
  ip_not_allowed: { result: 'rejected', http: 403 },
  // network= names no advertiser; its signature is wrong; or it signs and no secret is configured.
  unknown_network: { result: 'rejected', http: 403 },
  bad_signature: { result: 'rejected', http: 403 },
  signature_not_configured: { result: 'rejected', http: 403 },
  unknown_click: { result: 'rejected', http: 404 },
  method_not_allowed: { result: 'rejected', http: 405 },
  illegal_transition: { result: 'rejected', http: 409 },
  payload_too_large: { result: 'rejected', http: 413 },
  click_expired: { result: 'rejected', http: 422 },
  unknown_goal: { result: 'rejected', http: 422 },
  rate_limited: { result: 'rejected', http: 429 },
  // Our fault, never the sender's: the advertiser should retry.
  internal: { result: 'rejected', http: 500 },
  store_unavailable: { result: 'rejected', http: 503 },
} as const satisfies Record<string, { result: InboundResultKind; http: number }>;

/** Review reasons written by an inbound rule read `rule:<reason code>`. */
export const RULE_REVIEW_PREFIX = 'rule:';

export type InboundResultKind = 'accepted' | 'duplicate' | 'rejected';
export type InboundCode = keyof typeof INBOUND_CODES;

export interface InboundResult {
  code: InboundCode;
  conversionId?: string;
  status?: string;
  /** conversion_held / conversion_rejected: the rule's reason code. */
  reason?: string;
  /** rate_limited: seconds until the sender's window lets one through (the Retry-After header). */
  retryAfterSeconds?: number;
}

export interface InboundAnswer {
  result: InboundResultKind;
  code: InboundCode;
  conversionId?: string;
  status?: string;
  reason?: string;
}

export function answerFor(outcome: InboundResult): { http: number; body: InboundAnswer } {
  const { result, http } = INBOUND_CODES[outcome.code];
  const body: InboundAnswer = { result, code: outcome.code };
  if (outcome.conversionId) body.conversionId = outcome.conversionId;
  if (outcome.status) body.status = outcome.status;
  if (outcome.reason) body.reason = outcome.reason;
  return { http, body };
}
