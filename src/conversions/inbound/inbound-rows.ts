// The rows an inbound postback writes, built the same way whether its batch writes them one hit at
// a time (inbound-write.ts) or all its new conversions together (inbound-new-conversions.ts).
import type { AppContext } from '../../server/app-context.ts';
import { newId } from '../../shared/ids.ts';
import {
  CONVERSION_ID_PREFIX,
  type ConversionRow,
  type NewConversionEventRow,
  type NewPostbackLogRow,
} from '../conversion.table.ts';
import type { PreparedConversion } from './inbound-check.ts';
import { INBOUND_CODES, type InboundCode, type InboundResult, RULE_REVIEW_PREFIX } from './inbound-codes.ts';
import type { InboundRequest } from './inbound-request.ts';
import { extractInboundFields } from './names/inbound-params.ts';

/** One checked hit, ready to be written: a conversion to record, or only its log row. */
export type InboundWork =
  | { request: InboundRequest; now: number; prepared: PreparedConversion }
  | { request: InboundRequest; now: number; rejected: InboundCode; advertiserId: number | null };

const MAX_LOGGED_ID = 255;
const logId = (value: string | undefined) => (value ? value.slice(0, MAX_LOGGED_ID) : null);

/** The postback log row for a hit with the given result. */
export function postbackLogRow(
  ctx: AppContext,
  request: InboundRequest,
  now: number,
  outcome: InboundResult,
  advertiserId: number | null,
): NewPostbackLogRow {
  const { result, http } = INBOUND_CODES[outcome.code];
  const fields = extractInboundFields(request.params, request.fieldNames);
  return {
    received_at: now,
    method: request.method,
    url: request.logUrl,
    ip: request.source.ip,
    scheme: request.source.scheme,
    headers: request.logHeaders,
    body: request.logBody,
    advertiser_id: advertiserId,
    result,
    code: outcome.code,
    http_status: http,
    conversion_id: outcome.conversionId ?? null,
    reason: outcome.reason ?? null,
    insecure: ctx.config.httpsOnly && request.source.scheme !== 'https' ? 1 : 0,
    click_id: logId(fields.clickId),
    txn_id: logId(fields.txnId),
  };
}

/** The conversion a first postback creates, with a new id. */
export function newConversionRow(p: PreparedConversion, now: number): ConversionRow {
  return {
    id: newId(now, CONVERSION_ID_PREFIX),
    click_id: p.click.id,
    offer_id: p.click.offerId,
    publisher_id: p.click.publisherId,
    advertiser_id: p.advertiserId,
    link_id: p.click.linkId,
    goal: p.goal,
    txn_id: p.txnId,
    dedupe_key: p.dedupeKey,
    // No status on a first postback means approved: Trackier and RevBoost send one postback per
    // confirmed conversion, and networks that hold conversions say so ("pending", "hold").
    status: p.status ?? 'approved',
    status_raw: p.statusRaw,
    payout: p.payout,
    revenue: p.revenue,
    sale_amount: p.saleAmount,
    currency: p.currency,
    needs_review: p.review ? 1 : 0,
    review_reason: p.review,
    ...p.advSubs,
    created_at: now,
    updated_at: now,
  };
}

/** The answer to the hit that created `conversion`. */
export function createdResult(conversion: ConversionRow): InboundResult {
  const reason = ruleReasonOf(conversion.review_reason);
  if (reason === undefined) {
    return { code: 'conversion_created', conversionId: conversion.id, status: conversion.status };
  }
  const code = conversion.status === 'rejected' ? 'conversion_rejected' : 'conversion_held';
  return { code, conversionId: conversion.id, status: conversion.status, reason };
}

function ruleReasonOf(review: string | null): string | undefined {
  return review?.startsWith(RULE_REVIEW_PREFIX) ? review.slice(RULE_REVIEW_PREFIX.length) : undefined;
}

/** The first history event of a conversion a postback created. */
export function createdEventRow(conversion: ConversionRow, postbackLogId: number): NewConversionEventRow {
  return {
    conversion_id: conversion.id,
    from_status: null,
    to_status: conversion.status,
    status_raw: conversion.status_raw,
    payout: conversion.payout,
    source: 'postback',
    reason: null,
    postback_log_id: postbackLogId,
    created_at: conversion.created_at,
  };
}
