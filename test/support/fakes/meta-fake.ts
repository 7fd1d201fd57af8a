// A faithful Meta Conversions API: validates what the reference (adplatform-specs.md §1) says Meta
// validates and answers in Graph API shapes. Accepted events are kept for the tests to read.
import { isIP } from 'node:net';
import {
  type EventDesk,
  type EventFake,
  type FailureMode,
  type FakeAnswer,
  type FakeRequest,
  HEX64,
  isObject,
  parseJson,
  startEventFake,
  stringsOf,
  traceId,
} from './fake-server.ts';

export type MetaFake = EventFake;

const ACTION_SOURCES = [
  'website',
  'app',
  'chat',
  'email',
  'other',
  'phone_call',
  'physical_store',
  'system_generated',
  'business_messaging',
];
const HASHED = ['em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country'];
const UNHASHED = ['client_ip_address', 'client_user_agent', 'fbc', 'fbp'];
const CUSTOMER_PARAMS = [...HASHED, ...UNHASHED, 'external_id', 'subscription_id', 'fb_login_id', 'lead_id'];
const FB_COOKIE = /^fb\.\d\.\d{13}\.[^.]+(\.[A-Za-z0-9]{2}|\.[A-Za-z0-9]{8})?$/;
const WEEK_S = 7 * 24 * 3600;

function graphError(
  status: number,
  code: number,
  message: string,
  extra: Record<string, unknown> = {},
): FakeAnswer {
  return {
    status,
    body: {
      error: {
        message,
        type: 'OAuthException',
        code,
        is_transient: false,
        fbtrace_id: traceId('A'),
        ...extra,
      },
    },
  };
}

const invalid = (message: string, extra: Record<string, unknown> = {}) =>
  graphError(400, 100, 'Invalid parameter', { error_user_msg: message, ...extra });

/** Why Meta refuses this event, or undefined. */
function checkEvent(e: unknown, nowS: number): FakeAnswer | undefined {
  if (!isObject(e)) return invalid('Each event must be an object');
  if (typeof e.event_name !== 'string' || e.event_name === '') return invalid('event_name is required');
  const t = e.event_time;
  if (!Number.isInteger(t)) return invalid('event_time must be an integer (Unix seconds)');
  if (String(t).length > 10 || (t as number) > nowS + 600)
    return invalid('event_time is in the future: send Unix seconds, not milliseconds');
  if ((t as number) < nowS - WEEK_S)
    return invalid(
      'The timestamp for this event is too far in the past. Events need to be sent from your server within 7 days of when they occurred.',
      { error_subcode: 2804003, error_user_title: 'Event Timestamp Too Old' },
    );
  if (e.event_id !== undefined && typeof e.event_id !== 'string') return invalid('event_id must be a string');
  if (typeof e.action_source !== 'string' || !ACTION_SOURCES.includes(e.action_source))
    return invalid('action_source is required and must be one of the documented values');
  const u = e.user_data;
  if (!isObject(u)) return invalid('user_data is required');
  if (!CUSTOMER_PARAMS.some((k) => u[k] !== undefined))
    return invalid('user_data must hold at least one customer information parameter');
  if (e.action_source === 'website') {
    if (typeof e.event_source_url !== 'string')
      return invalid('event_source_url is required for website events');
    if (typeof u.client_user_agent !== 'string')
      return invalid('client_user_agent is required for website events');
  }
  for (const k of HASHED) {
    if (u[k] === undefined) continue;
    const values = stringsOf(u[k]);
    if (!values?.every((v) => HEX64.test(v))) return invalid(`${k} must be SHA-256 hashed (lowercase hex)`);
  }
  for (const k of UNHASHED)
    if (typeof u[k] === 'string' && HEX64.test(u[k] as string)) return invalid(`${k} must not be hashed`);
  if (
    u.client_ip_address !== undefined &&
    (typeof u.client_ip_address !== 'string' || isIP(u.client_ip_address) === 0)
  )
    return invalid('client_ip_address must be an IPv4 or IPv6 address');
  for (const k of ['fbc', 'fbp']) {
    if (u[k] !== undefined && (typeof u[k] !== 'string' || !FB_COOKIE.test(u[k] as string)))
      return invalid(`${k} must look like fb.1.<13-digit ms timestamp>.<value>`, { error_subcode: 2804019 });
  }
  if (u.external_id !== undefined && !stringsOf(u.external_id))
    return invalid('external_id must be a string or a list');
  const c = e.custom_data;
  if (c !== undefined && !isObject(c)) return invalid('custom_data must be an object');
  if (e.event_name === 'Purchase') {
    if (
      !isObject(c) ||
      typeof c.value !== 'number' ||
      typeof c.currency !== 'string' ||
      !/^[a-zA-Z]{3}$/.test(c.currency)
    )
      return invalid('Purchase events need custom_data.value and an ISO 4217 custom_data.currency');
  }
  return undefined;
}

function messageOf(answer: FakeAnswer): string {
  const error = (answer.body as { error: Record<string, unknown> }).error;
  return String(error.error_user_msg ?? error.message);
}

export function startMetaFake(o: { pixelId: string; accessToken: string }): Promise<MetaFake> {
  function handle(
    req: FakeRequest,
    takeFailure: () => FailureMode | undefined,
    { refuse, take }: EventDesk,
  ): FakeAnswer {
    const m = /^\/v\d+\.0\/([^/]+)\/events$/.exec(req.path);
    if (req.method !== 'POST' || !m) return graphError(400, 100, 'Unknown path components');
    const failure = takeFailure();
    const token = req.query.get('access_token');
    if (failure === 'bad_token' || token !== o.accessToken)
      return refuse(graphError(400, 190, 'Invalid OAuth 2.0 access token'));
    if (failure === 'transient')
      return graphError(500, 2, 'An unexpected error has occurred. Please retry your request later.', {
        is_transient: true,
      });
    if (failure === 'invalid') return refuse(invalid('Invalid parameter value for custom_data.value'));
    if (failure === 'rate_limit')
      return graphError(400, 17, 'User request limit reached', { is_transient: true });
    if (m[1] !== o.pixelId)
      return refuse(
        graphError(
          400,
          100,
          `Unsupported post request. Object with ID '${m[1]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
          {
            error_subcode: 33,
            type: 'GraphMethodException',
          },
        ),
      );
    let body: Record<string, unknown> | undefined;
    if (String(req.headers['content-type']).startsWith('application/json')) {
      const parsed = parseJson(req.body);
      body = isObject(parsed) ? parsed : undefined;
    } else {
      const form = new URLSearchParams(req.body);
      body = {
        data: parseJson(form.get('data') ?? ''),
        test_event_code: form.get('test_event_code') ?? undefined,
      };
    }
    const nowS = Math.floor(Date.now() / 1000);
    const refused = take(body?.data, body?.test_event_code, {
      max: 1000,
      badList: (tooMany) =>
        invalid(tooMany ? 'You can send up to 1000 events in data' : 'data must be a non-empty array'),
      check: (e) => checkEvent(e, nowS),
    });
    if (refused) return refused;
    const received = (body?.data as unknown[] | undefined)?.length ?? 0;
    return { status: 200, body: { events_received: received, messages: [], fbtrace_id: traceId('A') } };
  }
  return startEventFake(messageOf, handle);
}
