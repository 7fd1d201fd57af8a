// What a reversal becomes on each Google path, and how a Data Manager request status reads.
import { describe, expect, it } from 'vitest';
import type { ConversionFacts } from '../common/platform.types.ts';
import { buildGoogleConversion } from './google-ads.ts';
import { verdictOfStatus } from './google-request-status.ts';

const NOW = Date.parse('2026-10-01T20:32:45Z');
const reversal: ConversionFacts = {
  deliveryId: 'dlv_1',
  conversionId: 'cv_1',
  eventName: 'purchase',
  value: 10,
  currency: 'USD',
  occurredAt: NOW - 1000,
  landingUrl: null,
  reversal: true,
  click: {
    createdAt: NOW - 3_600_000,
    ip: null,
    userAgent: null,
    referrer: null,
    externalId: null,
    fbclid: null,
    fbp: null,
    ttclid: null,
    gclid: 'CjCaSe',
    gbraid: null,
    wbraid: null,
  },
};

describe('Google reversal', () => {
  it('is recorded as not forwarded through the Data Manager API, with why', () => {
    expect(buildGoogleConversion(reversal, { api: 'data_manager' }, NOW)).toEqual({
      skip: expect.stringMatching(/^reversal not forwarded to Google: the Data Manager API/),
    });
  });

  it('becomes a retraction of the same order id on the legacy upload', () => {
    expect(buildGoogleConversion(reversal, { api: 'click_upload' }, NOW)).toEqual({
      event: expect.objectContaining({ orderId: 'cv_1', retract: true, at: NOW - 1000 }),
    });
  });
});

describe('Data Manager request status', () => {
  const status = (requestStatus: string, errors: Array<[string, number]> = [], total = 1) => ({
    requestStatus,
    eventsIngestionStatus: { recordCount: String(total) },
    errorInfo: { errorCounts: errors.map(([reason, n]) => ({ reason, recordCount: String(n) })) },
  });

  it('is not settled while Google is processing', () => {
    expect(verdictOfStatus(status('PROCESSING'))).toBeUndefined();
    expect(verdictOfStatus(status('REQUEST_STATUS_UNKNOWN'))).toBeUndefined();
  });

  it('succeeds on SUCCESS, and when Google only reports events it already had', () => {
    expect(verdictOfStatus(status('SUCCESS'))?.verdict).toEqual({ ok: true });
    const dup = status('FAILED', [['PROCESSING_ERROR_REASON_DUPLICATE_TRANSACTION_ID', 1]]);
    expect(verdictOfStatus(dup)?.verdict).toEqual({ ok: true });
  });

  it('fails with the reasons, retries an internal error, and says when Google does not say which', () => {
    const old = verdictOfStatus(status('FAILED', [['PROCESSING_ERROR_REASON_EVENT_TOO_OLD', 1]]));
    expect(old?.verdict).toMatchObject({ ok: false, kind: 'failed' });
    expect(old?.summary).toBe(
      'Google Data Manager FAILED: 1 of 1 event(s) refused: PROCESSING_ERROR_REASON_EVENT_TOO_OLD × 1',
    );
    const internal = verdictOfStatus(status('FAILED', [['PROCESSING_ERROR_REASON_INTERNAL_ERROR', 2]], 2));
    expect(internal?.verdict).toMatchObject({ ok: false, kind: 'retry' });
    const partial = verdictOfStatus(
      status('PARTIAL_SUCCESS', [['PROCESSING_ERROR_REASON_INVALID_GCLID', 1]], 3),
    );
    expect(partial?.verdict).toMatchObject({ ok: false, kind: 'failed' });
    expect(partial?.summary).toContain('1 of 3 event(s) refused');
    expect(partial?.summary).toContain('Google does not say which');
  });
});
