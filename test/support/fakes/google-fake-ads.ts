// The fake Google Ads API (legacy): UploadClickConversions and UploadConversionAdjustments, both
// with partialFailure required and per-row errors located at `conversions[i]` /
// `conversionAdjustments[i]`.
import { type FakeAnswer, type FakeRequest, isObject } from './fake-server.ts';
import {
  type GoogleFakeContext,
  LEGACY_TIME,
  legacyMs,
  partialAnswer,
  rowError,
  rpcError,
} from './google-fake-state.ts';

const ADJUSTMENT_TYPES = ['RETRACTION', 'RESTATEMENT', 'ENHANCEMENT'];

export function createAdsApi({ o, fake, refuse }: GoogleFakeContext) {
  /** Uploaded conversions by order id: their conversionDateTime, and whether they are retracted. */
  const orders = new Map<string, { at: number; retracted: boolean }>();
  const action = `customers/${o.customerId}/conversionActions/${o.conversionActionId}`;

  /** Headers, account and partialFailure, common to both services; undefined when they pass. */
  function refuseRequest(body: Record<string, unknown>, customerId: string, req: FakeRequest) {
    if (req.headers['developer-token'] !== o.developerToken)
      return refuse(
        rpcError(403, 'PERMISSION_DENIED', 'The developer token is not valid.', {
          authenticationError: 'DEVELOPER_TOKEN_INVALID',
        }),
      );
    if (customerId !== o.customerId)
      return refuse(
        rpcError(403, 'PERMISSION_DENIED', 'The caller does not have permission', {
          authorizationError: 'USER_PERMISSION_DENIED',
        }),
      );
    if (body.partialFailure !== true)
      return refuse(
        rpcError(400, 'INVALID_ARGUMENT', 'Partial failure mode is required.', {
          partialFailureError: 'PARTIAL_FAILURE_MODE_REQUIRED',
        }),
      );
    return undefined;
  }

  function upload(body: Record<string, unknown>, customerId: string, req: FakeRequest): FakeAnswer {
    const refused = refuseRequest(body, customerId, req);
    if (refused) return refused;
    const conversions = body.conversions;
    if (!Array.isArray(conversions) || conversions.length === 0)
      return refuse(rpcError(400, 'INVALID_ARGUMENT', 'conversions is required'));
    if (conversions.length > 2000)
      return refuse(
        rpcError(400, 'INVALID_ARGUMENT', 'Too many conversions in request.', {
          conversionUploadError: 'TOO_MANY_CONVERSIONS_IN_REQUEST',
        }),
      );
    const errors: unknown[] = [];
    const results: unknown[] = [];
    const seen = new Set<string>();
    const checkRow = (c: unknown, index: number): string | undefined => {
      const fail = (code: string, message: string) => {
        errors.push(rowError('conversions', index, { conversionUploadError: code }, message));
        results.push({});
        return code;
      };
      if (!isObject(c)) return fail('INVALID_ARGUMENT', 'not an object');
      const ids = ['gclid', 'gbraid', 'wbraid'].filter((k) => c[k] !== undefined);
      if (c.gbraid !== undefined && c.wbraid !== undefined)
        return fail('GBRAID_WBRAID_BOTH_SET', 'gbraid and wbraid are both set.');
      if (ids.length !== 1) return fail('EVENT_NOT_FOUND', 'Exactly one click identifier is required.');
      if (c.conversionAction !== action)
        return fail('NO_CONVERSION_ACTION_FOUND', 'The conversion action could not be found.');
      if (typeof c.conversionDateTime !== 'string' || !LEGACY_TIME.test(c.conversionDateTime))
        return fail(
          'INVALID_CONVERSION_DATE_TIME',
          'conversionDateTime must be yyyy-mm-dd hh:mm:ss+|-hh:mm.',
        );
      if (typeof c.gclid === 'string' && !/^[A-Za-z0-9_-]+$/.test(c.gclid))
        return fail('UNPARSEABLE_GCLID', 'The imported gclid could not be decoded.');
      if (typeof c.gclid === 'string' && fake.tooRecentOnce.delete(c.gclid))
        return fail('TOO_RECENT_EVENT', 'The click is too recent.');
      const order = String(c.orderId ?? '');
      if (order && seen.has(order)) return fail('DUPLICATE_ORDER_ID', 'Duplicate order id in the request.');
      if (order && orders.has(order))
        return fail('ORDER_ID_ALREADY_IN_USE', 'The order id is already in use.');
      seen.add(order);
      results.push({
        gclid: c.gclid,
        conversionAction: c.conversionAction,
        conversionDateTime: c.conversionDateTime,
      });
      return undefined;
    };
    for (const [index, c] of conversions.entries()) checkRow(c, index);
    if (body.validateOnly !== true) {
      conversions.forEach((c, i) => {
        if (!isObject(c) || Object.keys(results[i] as object).length === 0) return;
        fake.conversions.push(c);
        if (c.orderId)
          orders.set(String(c.orderId), { at: legacyMs(String(c.conversionDateTime)), retracted: false });
      });
    } else fake.validated += conversions.length;
    return partialAnswer(results, errors, body.validateOnly === true);
  }

  function adjust(body: Record<string, unknown>, customerId: string, req: FakeRequest): FakeAnswer {
    const refused = refuseRequest(body, customerId, req);
    if (refused) return refused;
    const adjustments = body.conversionAdjustments;
    if (!Array.isArray(adjustments) || adjustments.length === 0)
      return refuse(rpcError(400, 'INVALID_ARGUMENT', 'conversionAdjustments is required'));
    if (adjustments.length > 2000)
      return refuse(
        rpcError(400, 'INVALID_ARGUMENT', 'Too many adjustments in request.', {
          conversionAdjustmentUploadError: 'TOO_MANY_ADJUSTMENTS_IN_REQUEST',
        }),
      );
    const errors: unknown[] = [];
    const results: unknown[] = [];
    const taken: Array<{ a: Record<string, unknown>; order: string }> = [];
    const checkAdjustment = (a: unknown, index: number): string | undefined => {
      const fail = (code: string, message: string) => {
        errors.push(
          rowError('conversionAdjustments', index, { conversionAdjustmentUploadError: code }, message),
        );
        results.push({});
        return code;
      };
      if (!isObject(a)) return fail('INVALID_ARGUMENT', 'not an object');
      if (a.conversionAction !== action)
        return fail('INVALID_CONVERSION_ACTION', 'The conversion action could not be found.');
      if (!ADJUSTMENT_TYPES.includes(String(a.adjustmentType)))
        return fail(
          'INVALID_ADJUSTMENT_TYPE',
          'adjustmentType must be RETRACTION, RESTATEMENT or ENHANCEMENT.',
        );
      if (typeof a.adjustmentDateTime !== 'string' || !LEGACY_TIME.test(a.adjustmentDateTime))
        return fail(
          'INVALID_ADJUSTMENT_DATE_TIME',
          'adjustmentDateTime must be yyyy-mm-dd hh:mm:ss+|-hh:mm.',
        );
      if (a.adjustmentType === 'RETRACTION' && a.restatementValue !== undefined)
        return fail('RESTATEMENT_VALUE_NOT_ALLOWED', 'A retraction carries no restatementValue.');
      if (a.adjustmentType === 'RESTATEMENT' && !isObject(a.restatementValue))
        return fail('RESTATEMENT_VALUE_REQUIRED', 'A restatement needs restatementValue.adjustedValue.');
      // A conversion uploaded with an order id is found by that order id only.
      const order = typeof a.orderId === 'string' ? a.orderId : '';
      const found = order ? orders.get(order) : undefined;
      if (!found) return fail('CONVERSION_NOT_FOUND', 'The conversion could not be found.');
      if (legacyMs(a.adjustmentDateTime) < found.at)
        return fail('ADJUSTMENT_PRECEDES_CONVERSION', 'The adjustment precedes the conversion.');
      if (found.retracted)
        return fail('CONVERSION_ALREADY_RETRACTED', 'The conversion was already retracted.');
      if (fake.tooRecentAdjustmentOnce.delete(order))
        return fail('TOO_RECENT_CONVERSION', 'The conversion was uploaded too recently to adjust.');
      results.push({
        conversionAction: a.conversionAction,
        adjustmentType: a.adjustmentType,
        adjustmentDateTime: a.adjustmentDateTime,
        orderId: order,
      });
      taken.push({ a, order });
      return undefined;
    };
    for (const [index, a] of adjustments.entries()) checkAdjustment(a, index);
    if (body.validateOnly === true) fake.validated += adjustments.length;
    else
      for (const { a, order } of taken) {
        fake.adjustments.push(a);
        const found = orders.get(order);
        if (found && a.adjustmentType === 'RETRACTION') found.retracted = true;
      }
    return partialAnswer(results, errors, body.validateOnly === true);
  }

  return { upload, adjust };
}
