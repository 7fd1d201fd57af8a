// A faithful Google: the OAuth token endpoint (expiring access tokens), the Data Manager API
// (events:ingest) and the legacy UploadClickConversions with per-row partial failures
// (adplatform-specs.md §3). One server serves all three paths.
import {
  type FailureMode,
  type FakeAnswer,
  type FakeControls,
  type FakeRequest,
  isObject,
  parseJson,
  startFakeServer,
  traceId,
} from './fake-server.ts';

export interface GoogleFake extends FakeControls {
  /** Data Manager events and legacy conversions accepted (not validateOnly). */
  events: Array<Record<string, unknown>>;
  conversions: Array<Record<string, unknown>>;
  validated: number;
  tokensIssued: number;
  /** Access tokens live this long (ms). */
  tokenLifetimeMs: number;
  /** gclids answered TOO_RECENT_EVENT once (then accepted). */
  tooRecentOnce: Set<string>;
  refusals: string[];
  /** Every access token issued so far stops working now (as when Google revokes or expires them early). */
  expireTokens(): void;
}

export interface GoogleFakeOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  customerId: string;
  conversionActionId: string;
  developerToken: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const LEGACY_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
const ACCOUNT_TYPES = ['GOOGLE_ADS', 'DISPLAY_VIDEO_PARTNER', 'DISPLAY_VIDEO_ADVERTISER', 'DATA_PARTNER'];
const EVENT_SOURCES = ['WEB', 'APP', 'IN_STORE', 'PHONE', 'OTHER'];

function rpcError(
  status: number,
  rpc: string,
  message: string,
  errorCode?: Record<string, string>,
): FakeAnswer {
  const details = errorCode
    ? [
        {
          '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
          errors: [{ errorCode, message }],
          requestId: traceId('r'),
        },
      ]
    : [];
  return { status, body: { error: { code: status, message, status: rpc, details } } };
}

export async function startGoogleFake(o: GoogleFakeOptions): Promise<GoogleFake> {
  // Assigned once the server is up; the handlers read it only when requests arrive.
  let fake: GoogleFake;
  const initial = {
    events: [],
    conversions: [],
    validated: 0,
    tokensIssued: 0,
    tokenLifetimeMs: 3_599_000,
    tooRecentOnce: new Set<string>(),
    refusals: [],
    expireTokens() {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
  };
  const tokens = new Map<string, number>();
  const orderIds = new Set<string>();
  const refuse = (a: FakeAnswer) => {
    fake.refusals.push(String((a.body as { error: { message: string } }).error.message));
    return a;
  };

  function issueToken(req: FakeRequest): FakeAnswer {
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'refresh_token')
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    if (form.get('client_id') !== o.clientId || form.get('client_secret') !== o.clientSecret)
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' },
      };
    if (form.get('refresh_token') !== o.refreshToken)
      return {
        status: 400,
        body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
      };
    const token = `ya29.${traceId('t')}`;
    tokens.set(token, Date.now() + fake.tokenLifetimeMs);
    fake.tokensIssued += 1;
    return {
      status: 200,
      body: {
        access_token: token,
        expires_in: Math.floor(fake.tokenLifetimeMs / 1000),
        scope: 'https://www.googleapis.com/auth/adwords',
        token_type: 'Bearer',
      },
    };
  }

  function authorized(req: FakeRequest): boolean {
    const m = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
    const expires = m ? tokens.get(m[1]) : undefined;
    return expires !== undefined && expires > Date.now();
  }

  function ingest(body: Record<string, unknown>): FakeAnswer {
    const destinations = body.destinations;
    if (!Array.isArray(destinations) || destinations.length === 0)
      return refuse(rpcError(400, 'INVALID_ARGUMENT', 'destinations is required'));
    for (const d of destinations) {
      const acc = isObject(d) ? d.operatingAccount : undefined;
      if (
        !isObject(acc) ||
        !ACCOUNT_TYPES.includes(String(acc.accountType)) ||
        !/^\d{10}$/.test(String(acc.accountId))
      )
        return refuse(rpcError(400, 'INVALID_ARGUMENT', 'destinations.operatingAccount is invalid'));
      if (acc.accountId !== o.customerId)
        return refuse(rpcError(403, 'PERMISSION_DENIED', 'The caller does not have permission'));
      if (String(d.productDestinationId) !== o.conversionActionId)
        return refuse(
          rpcError(
            400,
            'INVALID_ARGUMENT',
            `productDestinationId ${String(d.productDestinationId)} is not a conversion action of this account`,
          ),
        );
    }
    const events = body.events;
    if (!Array.isArray(events) || events.length === 0)
      return refuse(rpcError(400, 'INVALID_ARGUMENT', 'events is required'));
    if (events.length > 2000)
      return refuse(rpcError(400, 'INVALID_ARGUMENT', 'at most 2000 events per request'));
    if (body.encoding !== undefined && !['HEX', 'BASE64'].includes(String(body.encoding)))
      return refuse(rpcError(400, 'INVALID_ARGUMENT', 'encoding must be HEX or BASE64'));
    for (const [i, e] of events.entries()) {
      const bad = (m: string) => refuse(rpcError(400, 'INVALID_ARGUMENT', `events[${i}]: ${m}`));
      if (!isObject(e)) return bad('not an object');
      if (typeof e.eventTimestamp !== 'string' || !RFC3339.test(e.eventTimestamp))
        return bad('eventTimestamp must be RFC 3339');
      if (e.adIdentifiers !== undefined) {
        const ids = isObject(e.adIdentifiers)
          ? Object.keys(e.adIdentifiers).filter((k) => ['gclid', 'gbraid', 'wbraid'].includes(k))
          : [];
        if (ids.length !== 1) return bad('adIdentifiers must hold exactly one of gclid, gbraid, wbraid');
      }
      if (e.currency !== undefined && !/^[A-Z]{3}$/.test(String(e.currency)))
        return bad('currency must be ISO 4217');
      if (e.eventSource !== undefined && !EVENT_SOURCES.includes(String(e.eventSource)))
        return bad('eventSource is not valid');
    }
    if (body.validateOnly === true) fake.validated += events.length;
    else for (const e of events) fake.events.push(e);
    return { status: 200, body: { requestId: traceId('dm') } };
  }

  function upload(body: Record<string, unknown>, customerId: string, req: FakeRequest): FakeAnswer {
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
        errors.push({
          errorCode: { conversionUploadError: code },
          message,
          location: { fieldPathElements: [{ fieldName: 'conversions', index }] },
        });
        results.push({});
        return code;
      };
      if (!isObject(c)) return fail('INVALID_ARGUMENT', 'not an object');
      const ids = ['gclid', 'gbraid', 'wbraid'].filter((k) => c[k] !== undefined);
      if (c.gbraid !== undefined && c.wbraid !== undefined)
        return fail('GBRAID_WBRAID_BOTH_SET', 'gbraid and wbraid are both set.');
      if (ids.length !== 1) return fail('EVENT_NOT_FOUND', 'Exactly one click identifier is required.');
      if (c.conversionAction !== `customers/${o.customerId}/conversionActions/${o.conversionActionId}`)
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
      if (order && orderIds.has(order))
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
        if (isObject(c) && Object.keys(results[i] as object).length > 0) {
          fake.conversions.push(c);
          if (c.orderId) orderIds.add(String(c.orderId));
        }
      });
    } else fake.validated += conversions.length;
    const answer: Record<string, unknown> = { jobId: String(Date.now()) };
    if (body.validateOnly !== true) answer.results = results;
    if (errors.length > 0)
      answer.partialFailureError = {
        code: 3,
        message: 'Request contains an invalid argument.',
        details: [
          { '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure', errors },
        ],
      };
    return { status: 200, body: answer };
  }

  function handle(req: FakeRequest, takeFailure: () => FailureMode | undefined): FakeAnswer {
    if (req.path === '/token' || req.path === '/oauth2/v3/token') return issueToken(req);
    const unauthenticated = () =>
      rpcError(401, 'UNAUTHENTICATED', 'Request is missing required authentication credential.');
    // An expired token is refused before any switched-on failure is spent.
    if (!authorized(req)) return unauthenticated();
    const failure = takeFailure();
    if (failure === 'rate_limit')
      return rpcError(429, 'RESOURCE_EXHAUSTED', 'Too many requests.', { quotaError: 'RESOURCE_EXHAUSTED' });
    if (failure === 'invalid')
      return refuse(rpcError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.'));
    if (failure === 'transient') return rpcError(503, 'UNAVAILABLE', 'The service is currently unavailable.');
    if (failure === 'bad_token') return unauthenticated();
    const body = parseJson(req.body);
    if (!isObject(body)) return refuse(rpcError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'));
    if (req.path === '/v1/events:ingest') return ingest(body);
    const m = /^\/v2\d\/customers\/(\d{10}):uploadClickConversions$/.exec(req.path);
    if (m) return upload(body, m[1], req);
    return rpcError(404, 'NOT_FOUND', 'Not found');
  }
  fake = Object.assign(await startFakeServer(handle), initial) as GoogleFake;
  return fake;
}
