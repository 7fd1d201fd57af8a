// A faithful Google: the OAuth token endpoint (expiring access tokens), the Data Manager API
// (events:ingest, then requestStatus:retrieve) and the legacy Google Ads API (UploadClickConversions,
// UploadConversionAdjustments) with per-row partial failures (adplatform-specs.md §3). One server
// serves every path.
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
import { createAdsApi } from './google-fake-ads.ts';
import { createDataManager } from './google-fake-datamanager.ts';
import { type GoogleFakeOptions, type GoogleFakeState, rpcError } from './google-fake-state.ts';

export type { GoogleFakeOptions } from './google-fake-state.ts';

export interface GoogleFake extends FakeControls, GoogleFakeState {
  /** Every access token issued so far stops working now (as when Google revokes or expires them early). */
  expireTokens(): void;
  /** The refresh token is revoked (refreshing answers invalid_grant), or valid again with `false`. */
  revokeRefreshToken(revoke?: boolean): void;
  /** Google no longer knows the requests issued so far (their status answers NOT_FOUND). */
  forgetRequests(): void;
}

export async function startGoogleFake(o: GoogleFakeOptions): Promise<GoogleFake> {
  const tokens = new Map<string, number>();
  let revoked = false;
  const state: GoogleFakeState = {
    events: [],
    conversions: [],
    adjustments: [],
    validated: 0,
    tokensIssued: 0,
    tokenLifetimeMs: 3_599_000,
    tooRecentOnce: new Set<string>(),
    tooRecentAdjustmentOnce: new Set<string>(),
    processingErrors: new Map<string, string>(),
    processingErrorsOnce: new Map<string, string>(),
    processingPolls: 1,
    statusReads: [],
    refusals: [],
  };
  const refuse = (a: FakeAnswer) => {
    state.refusals.push(String((a.body as { error: { message: string } }).error.message));
    return a;
  };
  // The server's controls object becomes the fake (its counters are updated in place).
  const controls = await startFakeServer((req, takeFailure) => handle(req, takeFailure));
  const fake: GoogleFake = Object.assign(controls, state, {
    expireTokens() {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
    revokeRefreshToken(revoke = true) {
      revoked = revoke;
    },
    forgetRequests: () => dataManager.forgetRequests(),
  });
  const dataManager = createDataManager({ o, fake, refuse });
  const ads = createAdsApi({ o, fake, refuse });

  function issueToken(req: FakeRequest): FakeAnswer {
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'refresh_token')
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    if (form.get('client_id') !== o.clientId || form.get('client_secret') !== o.clientSecret)
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' },
      };
    if (revoked || form.get('refresh_token') !== o.refreshToken)
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

  function handle(req: FakeRequest, takeFailure: () => FailureMode | undefined): FakeAnswer {
    if (req.path === '/token' || req.path === '/oauth2/v3/token') return issueToken(req);
    const unauthenticated = () =>
      rpcError(401, 'UNAUTHENTICATED', 'Request is missing required authentication credential.');
    // An expired token is refused before any switched-on failure is spent.
    if (!authorized(req)) return unauthenticated();
    if (req.path === '/v1/requestStatus:retrieve') {
      if (req.method !== 'GET') return rpcError(405, 'INVALID_ARGUMENT', 'Use GET.');
      return dataManager.retrieveStatus(req.query.get('requestId'));
    }
    const failure = takeFailure();
    if (failure === 'rate_limit')
      return rpcError(429, 'RESOURCE_EXHAUSTED', 'Too many requests.', { quotaError: 'RESOURCE_EXHAUSTED' });
    if (failure === 'invalid')
      return refuse(rpcError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.'));
    if (failure === 'transient') return rpcError(503, 'UNAVAILABLE', 'The service is currently unavailable.');
    if (failure === 'bad_token') return unauthenticated();
    const body = parseJson(req.body);
    if (!isObject(body)) return refuse(rpcError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'));
    if (req.path === '/v1/events:ingest') return dataManager.ingest(body);
    const m = /^\/v2\d\/customers\/(\d{10}):(uploadClickConversions|uploadConversionAdjustments)$/.exec(
      req.path,
    );
    if (m?.[2] === 'uploadClickConversions') return ads.upload(body, m[1], req);
    if (m?.[2] === 'uploadConversionAdjustments') return ads.adjust(body, m[1], req);
    return rpcError(404, 'NOT_FOUND', 'Not found');
  }
  return fake;
}
