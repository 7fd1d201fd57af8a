// Each payload rule of the ad-platform destinations, on the builders alone.
import { describe, expect, it } from 'vitest';
import type { ConversionFacts } from './common/platform.types.ts';
import { sha256Hex } from './common/user-hashing.ts';
import { buildGoogleConversion, legacyDateTime, rfc3339 } from './google/google-ads.ts';
import { readPartialFailure } from './google/google-answers.ts';
import { buildMetaEvent, readMetaAnswer } from './meta/meta-capi.ts';
import { buildTiktokEvent, readTiktokAnswer } from './tiktok/tiktok-events.ts';

const NOW = Date.UTC(2026, 9, 1, 20, 32, 45);
const DAY = 24 * 3600 * 1000;

function facts(
  click: Partial<NonNullable<ConversionFacts['click']>> = {},
  more: Partial<ConversionFacts> = {},
): ConversionFacts {
  return {
    deliveryId: 'dlv_01J0000000000000000000',
    conversionId: 'cnv_01J0000000000000000000',
    eventName: 'Purchase',
    value: 49.99,
    currency: 'USD',
    occurredAt: NOW - 1000,
    landingUrl: 'https://lander.example.com/thanks',
    click: {
      createdAt: NOW - 3_600_000,
      ip: '2001:db8::7',
      userAgent: 'Mozilla/5.0',
      referrer: null,
      externalId: '  USER_123 ',
      fbclid: null,
      fbp: null,
      ttclid: null,
      gclid: null,
      gbraid: null,
      wbraid: null,
      ...click,
    },
    ...more,
  };
}

describe('Meta payload', () => {
  it('builds fbc from the fbclid exactly and the click time in milliseconds; ip and ua unhashed', () => {
    const built = buildMetaEvent(facts({ fbclid: 'AbC-d_E' }), {}, NOW);
    if (!('event' in built)) throw new Error(built.skip);
    const e = built.event;
    expect(e.user_data).toEqual({
      fbc: `fb.1.${NOW - 3_600_000}.AbC-d_E`,
      client_ip_address: '2001:db8::7',
      client_user_agent: 'Mozilla/5.0',
      external_id: [sha256Hex('user_123')],
    });
    expect(e.event_id).toBe('dlv_01J0000000000000000000');
    expect(e.event_time).toBe(Math.floor((NOW - 1000) / 1000));
    expect(e).toMatchObject({
      action_source: 'website',
      event_source_url: 'https://lander.example.com/thanks',
    });
    expect(e.custom_data).toEqual({ value: 49.99, currency: 'usd' });
  });

  it('sends the fbp captured on the click as it is, unhashed, and none when none was captured', () => {
    const fbp = 'fb.1.1596403881668.1116446470';
    const built = buildMetaEvent(facts({ fbclid: 'AbC', fbp }), {}, NOW);
    expect('event' in built && built.event.user_data.fbp).toBe(fbp);
    const without = buildMetaEvent(facts({ fbclid: 'AbC' }), {}, NOW);
    expect('event' in without && 'fbp' in without.event.user_data).toBe(false);
  });

  it('skips without an fbclid unless allowed, and after 7 days', () => {
    expect(buildMetaEvent(facts(), {}, NOW)).toEqual({ skip: expect.stringContaining('no fbclid') });
    const allowed = buildMetaEvent(facts(), { allowWithoutClickId: true }, NOW);
    expect('event' in allowed && allowed.event.user_data.fbc).toBe(undefined);
    const old = buildMetaEvent(facts({ fbclid: 'x' }, { occurredAt: NOW - 7 * DAY - 1 }), {}, NOW);
    expect(old).toEqual({ skip: expect.stringContaining('7 days') });
  });

  it('is verified only when events_received equals the events sent', () => {
    expect(readMetaAnswer(200, '{"events_received":2,"fbtrace_id":"T"}', 2).rows).toEqual([
      { ok: true },
      { ok: true },
    ]);
    const short = readMetaAnswer(200, '{"events_received":1,"fbtrace_id":"T"}', 2);
    expect(short.rows[0]).toMatchObject({ ok: false, kind: 'retry' });
    const token = readMetaAnswer(
      400,
      '{"error":{"code":190,"message":"Invalid OAuth 2.0 access token","fbtrace_id":"X"}}',
      1,
    );
    expect(token).toMatchObject({ traceId: 'X', rows: [{ ok: false, kind: 'token' }] });
    const transient = readMetaAnswer(500, '{"error":{"code":2,"is_transient":true,"message":"retry"}}', 1);
    expect(transient.rows[0]).toMatchObject({ kind: 'retry' });
  });
});

describe('TikTok payload', () => {
  it('puts ttclid under user and the conversion id as order_id', () => {
    const built = buildTiktokEvent(facts({ ttclid: 'E.C.P.abc' }), {});
    if (!('event' in built)) throw new Error(built.skip);
    expect(built.event.user).toMatchObject({
      ttclid: 'E.C.P.abc',
      ip: '2001:db8::7',
      external_id: [sha256Hex('user_123')],
    });
    expect(built.event).toMatchObject({
      event_id: 'dlv_01J0000000000000000000',
      properties: { order_id: 'cnv_01J0000000000000000000', currency: 'USD' },
    });
    expect(buildTiktokEvent(facts(), {})).toEqual({ skip: expect.stringContaining('no ttclid') });
  });

  it('reads HTTP 200 with a non-zero code as an error', () => {
    expect(
      readTiktokAnswer(200, '{"code":40002,"message":"Invalid value","request_id":"r1"}', 1),
    ).toMatchObject({
      traceId: 'r1',
      rows: [{ ok: false, kind: 'failed', message: 'TikTok error 40002: Invalid value' }],
    });
    expect(readTiktokAnswer(200, '{"code":0,"message":"OK","request_id":"r2"}', 1).rows).toEqual([
      { ok: true },
    ]);
  });
});

describe('Google payload', () => {
  it('keeps exactly one click id, exactly as captured, gclid first', () => {
    const both = buildGoogleConversion(facts({ gclid: 'CjCaSe', wbraid: 'w' }), {}, NOW);
    expect('event' in both && both.event.clickId).toEqual({ gclid: 'CjCaSe' });
    const braid = buildGoogleConversion(facts({ gbraid: 'g', wbraid: 'w' }), {}, NOW);
    expect('event' in braid && braid.event.clickId).toEqual({ gbraid: 'g' });
    expect(buildGoogleConversion(facts(), {}, NOW)).toEqual({ skip: expect.stringContaining('no gclid') });
  });

  it("writes each API's time format", () => {
    expect(rfc3339(NOW)).toBe('2026-10-01T20:32:45Z');
    expect(legacyDateTime(NOW)).toBe('2026-10-01 20:32:45+00:00');
  });

  it('maps a partial failure back to its row', () => {
    const answer = readPartialFailure(
      {
        results: [{ gclid: 'a' }, {}],
        partialFailureError: {
          details: [
            {
              errors: [
                {
                  errorCode: { conversionUploadError: 'UNPARSEABLE_GCLID' },
                  message: 'The imported gclid could not be decoded.',
                  location: { fieldPathElements: [{ fieldName: 'conversions', index: 1 }] },
                },
              ],
            },
          ],
        },
      },
      2,
      'job',
    );
    expect(answer.rows).toEqual([
      { ok: true },
      {
        ok: false,
        kind: 'failed',
        message: 'Google Ads UNPARSEABLE_GCLID: The imported gclid could not be decoded.',
      },
    ]);
  });
});
