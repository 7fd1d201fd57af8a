// A faithful TikTok Events API 2.0 (adplatform-specs.md §2): errors are HTTP 200 with a non-zero
// `code`, every answer carries a request_id.
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

export type TiktokFake = EventFake;

const SOURCES = ['web', 'app', 'offline', 'crm'];
const answer = (code: number, message: string): FakeAnswer => ({
  status: 200,
  body: { code, message, request_id: traceId('2026'), data: {} },
});
const invalid = (message: string) => answer(40002, message);

function checkEvent(e: unknown, web: boolean): FakeAnswer | undefined {
  if (!isObject(e)) return invalid('Invalid value for data: not a valid object.');
  if (typeof e.event !== 'string' || e.event === '') return invalid('Invalid value for event: required.');
  if (!Number.isInteger(e.event_time) || String(e.event_time).length > 10)
    return invalid('Invalid value for event_time: must be a Unix timestamp in seconds.');
  if (web && typeof e.event_id !== 'string')
    return invalid('Invalid value for event_id: not a valid string.');
  const u = e.user;
  if (u !== undefined && !isObject(u)) return invalid('Invalid value for user: not a valid object.');
  if (isObject(u)) {
    for (const k of ['email', 'phone', 'external_id']) {
      if (u[k] === undefined) continue;
      if (!stringsOf(u[k])?.every((v) => HEX64.test(v)))
        return invalid(`Invalid value for ${k}: must be SHA-256 hashed.`);
    }
    for (const k of ['ttclid', 'ttp', 'ip', 'user_agent']) {
      if (u[k] === undefined) continue;
      if (typeof u[k] !== 'string' || HEX64.test(u[k] as string))
        return invalid(`Invalid value for ${k}: must be sent unhashed.`);
    }
    if (typeof u.ip === 'string' && isIP(u.ip) === 0)
      return invalid('Invalid value for ip: not a valid IP address.');
  }
  if (web && (!isObject(e.page) || typeof e.page.url !== 'string'))
    return invalid('Invalid value for page.url: required for web events.');
  const p = e.properties;
  if (p !== undefined) {
    if (!isObject(p)) return invalid('Invalid value for properties: not a valid object.');
    if (p.value !== undefined && typeof p.value !== 'number')
      return invalid('Invalid value for value: must be a number.');
    if (p.currency !== undefined && (typeof p.currency !== 'string' || !/^[A-Z]{3}$/.test(p.currency)))
      return invalid('Invalid value for currency: must be an ISO 4217 code.');
    if (p.content_type !== undefined && !['product', 'product_group'].includes(String(p.content_type)))
      return invalid('Invalid value for content_type.');
  }
  return undefined;
}

export function startTiktokFake(o: { pixelCode: string; accessToken: string }): Promise<TiktokFake> {
  function handle(
    req: FakeRequest,
    takeFailure: () => FailureMode | undefined,
    { refuse, take }: EventDesk,
  ): FakeAnswer {
    if (req.method !== 'POST' || req.path !== '/open_api/v1.3/event/track/')
      return { status: 404, body: { code: 40400, message: 'Not found' } };
    const failure = takeFailure();
    if (failure === 'bad_token' || req.headers['access-token'] !== o.accessToken)
      return refuse(answer(40105, 'Access token is incorrect or has been revoked.'));
    if (failure === 'invalid') return refuse(invalid('Invalid value for event_time: not a valid timestamp.'));
    if (failure === 'rate_limit') return answer(42900, 'Too many requests. Please retry in some time.');
    if (failure === 'transient')
      return {
        status: 503,
        body: { code: 50002, message: 'Service unavailable', request_id: traceId('2026') },
      };
    const body = parseJson(req.body);
    if (!isObject(body)) return refuse(invalid('Invalid JSON body.'));
    if (typeof body.event_source !== 'string' || !SOURCES.includes(body.event_source))
      return refuse(invalid('Invalid value for event_source: must be one of web, app, offline, crm.'));
    if (typeof body.event_source_id !== 'string')
      return refuse(invalid('Invalid value for event_source_id: not a valid string.'));
    if (body.event_source_id !== o.pixelCode)
      return refuse(answer(40001, `No permission to operate pixel ${body.event_source_id}.`));
    const web = body.event_source === 'web';
    const refused = take(body.data, body.test_event_code, {
      max: 1000,
      badList: (tooMany) =>
        invalid(`Invalid value for data: ${tooMany ? 'at most 1000 events' : 'required'}.`),
      check: (e) => checkEvent(e, web),
    });
    return refused ?? answer(0, 'OK');
  }
  return startEventFake((a) => String((a.body as { message: string }).message), handle);
}
