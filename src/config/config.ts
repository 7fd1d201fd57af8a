// The one place that reads the environment. Every key is declared here with its default and
// what it does; `loadConfig` validates all of them up front so a typo fails at start, not at 3 a.m.
import { resolve } from 'node:path';
import { parseDuration, parseDurationList } from '../shared/duration.ts';

export type Role = 'all' | 'api' | 'worker';

export interface Config {
  /** Port the HTTP server listens on. */
  readonly port: number;
  /** Interface the HTTP server binds to. */
  readonly host: string;
  /** Base URL printed in tracking links and postback URLs (what the outside world types). */
  readonly publicUrl: string;
  /** Folder for the embedded SQLite database. */
  readonly dataDir: string;
  /** `postgres://…` switches the store to PostgreSQL; empty means embedded SQLite in dataDir. */
  readonly databaseUrl: string | undefined;
  /** Which parts run in this process: the HTTP API, the delivery worker, or both. */
  readonly role: Role;
  /** A fixed admin API key for automation; never logged. */
  readonly adminKey: string | undefined;
  readonly logLevel: string;
  /** CIDRs of reverse proxies whose X-Forwarded-For is believed. */
  readonly trustedProxies: readonly string[];
  /** When true, inbound postbacks over plain HTTP are accepted but flagged in the log. */
  readonly httpsOnly: boolean;
  /** Relative distance of an advertiser's amount from the expected revenue beyond which a conversion is flagged needs_review. */
  readonly payoutTolerance: number;
  /** Inbound postbacks allowed per source IP per minute (0 = unlimited). */
  readonly inboundRateLimitPerMinute: number;
  /** Delays after failed attempt 1, 2, …; its length + 1 is the attempt budget. */
  readonly retrySchedule: readonly number[];
  /** Default attempt deadline in ms (a postback may ask for up to 30 s). */
  readonly attemptTimeoutMs: number;
  /** Let deliveries reach loopback/private addresses (local development and tests). */
  readonly allowPrivateTargets: boolean;
  /** Hosts or CIDRs that may be reached even though they are private. */
  readonly allowedTargets: readonly string[];
  /** Deliveries one worker runs at once, and per endpoint. */
  readonly workerConcurrency: number;
  readonly endpointInflightCap: number;
  /** How often an idle worker looks for due deliveries when no wake-up arrives. */
  readonly workerPollMs: number;
  /** Claim lease; must exceed twice the attempt deadline. */
  readonly leaseMs: number;
  /** The time zone reports use when the request names none (an IANA zone, e.g. Europe/Berlin). */
  readonly reportTimeZone: string;
  /** Key that encrypts ad-platform credentials at rest (AES-256-GCM); without it none can be stored. Never logged. */
  readonly secretKey: string | undefined;
  /** Base URLs of the ad platforms' APIs (tests and staging point them at fakes). */
  readonly metaApiUrl: string;
  /** Graph API version of Meta Conversions API requests. */
  readonly metaApiVersion: string;
  readonly tiktokApiUrl: string;
  readonly googleDataManagerUrl: string;
  readonly googleAdsApiUrl: string;
  /** Google Ads API version of the legacy click-conversion upload. */
  readonly googleAdsApiVersion: string;
  /** Google's OAuth token endpoint (refresh token → access token). */
  readonly googleOauthUrl: string;
  /** Batch requests in flight to one ad-platform destination at once. */
  readonly platformInflightRequests: number;
  /** With a token, GET /metrics answers requests bearing it (and only those); never logged. */
  readonly metricsToken: string | undefined;
  /** With a port, /metrics is also served there (on metricsHost: keep it a private interface). */
  readonly metricsPort: number | undefined;
  readonly metricsHost: string;
  /** `smtp://user:pass@host:port` (or smtps://) for email alert channels; never logged. */
  readonly smtpUrl: string | undefined;
  /** The From address of alert emails. */
  readonly smtpFrom: string;
  /** Base URL of the Telegram Bot API (tests point it at a loopback server). */
  readonly telegramApiUrl: string;
  /** How often alert rules are evaluated (on one node at a time). */
  readonly alertsEvaluateEveryMs: number;
  /** The operator's IANA time zone: where a daily or monthly cap's day and month begin. */
  readonly timeZone: string;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

function int(env: Env, key: string, fallback: number, min = 0): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new ConfigError(`${key} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

function num(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new ConfigError(`${key} must be a non-negative number, got "${raw}"`);
  return value;
}

function bool(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${key} must be true or false, got "${env[key]}"`);
}

function list(env: Env, key: string): string[] {
  return (env[key] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function duration(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  try {
    return parseDuration(raw);
  } catch (e) {
    throw new ConfigError(`${key}: ${(e as Error).message}`);
  }
}

function baseUrl(env: Env, key: string, fallback: string): string {
  const raw = env[key] || fallback;
  if (!/^https?:\/\/[^\s]+$/.test(raw)) throw new ConfigError(`${key} must be an http(s) URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

function apiVersion(env: Env, key: string, fallback: string, shape: RegExp): string {
  const raw = env[key] || fallback;
  if (!shape.test(raw)) throw new ConfigError(`${key} must look like ${fallback}, got "${raw}"`);
  return raw;
}

/** At least 32 characters, so a short word cannot pass for a key. */
function secretKeyOf(env: Env): string | undefined {
  const raw = env.TRACKWIRE_SECRET_KEY;
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < 32) throw new ConfigError('TRACKWIRE_SECRET_KEY must be at least 32 characters');
  return raw;
}

export const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,14h,20h,24h';

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const role = (env.TRACKWIRE_ROLE ?? 'all') as Role;
  if (!['all', 'api', 'worker'].includes(role)) {
    throw new ConfigError(`TRACKWIRE_ROLE must be all, api or worker, got "${role}"`);
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// (leave it unset for embedded SQLite)');
  }
  let retrySchedule: number[];
  try {
    retrySchedule = parseDurationList(env.TRACKWIRE_RETRY_SCHEDULE || DEFAULT_RETRY_SCHEDULE);
  } catch (e) {
    throw new ConfigError(`TRACKWIRE_RETRY_SCHEDULE: ${(e as Error).message}`);
  }
  const port = int(env, 'PORT', 8080);
  const attemptTimeoutMs = duration(env, 'TRACKWIRE_ATTEMPT_TIMEOUT', 15_000);
  const leaseMs = duration(env, 'TRACKWIRE_LEASE', Math.max(60_000, attemptTimeoutMs * 2 + 10_000));
  // A lease that can lapse while its attempt is still running hands the delivery to a second sender.
  if (leaseMs < 2 * attemptTimeoutMs) {
    throw new ConfigError(
      `TRACKWIRE_LEASE (${leaseMs} ms) must be at least twice TRACKWIRE_ATTEMPT_TIMEOUT (${attemptTimeoutMs} ms)`,
    );
  }
  const config: Config = {
    port,
    host: env.HOST || '0.0.0.0',
    publicUrl: (env.TRACKWIRE_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    dataDir: resolve(env.TRACKWIRE_DATA_DIR || './data'),
    databaseUrl,
    role,
    adminKey: env.TRACKWIRE_ADMIN_KEY || undefined,
    logLevel: env.TRACKWIRE_LOG_LEVEL || 'info',
    trustedProxies: list(env, 'TRACKWIRE_TRUSTED_PROXIES'),
    httpsOnly: bool(env, 'TRACKWIRE_HTTPS_ONLY', false),
    payoutTolerance: num(env, 'TRACKWIRE_PAYOUT_TOLERANCE', 0.5),
    inboundRateLimitPerMinute: int(env, 'TRACKWIRE_INBOUND_RATE_LIMIT', 60_000),
    retrySchedule,
    attemptTimeoutMs,
    allowPrivateTargets: bool(env, 'TRACKWIRE_ALLOW_PRIVATE_TARGETS', false),
    allowedTargets: list(env, 'TRACKWIRE_ALLOWED_TARGETS'),
    workerConcurrency: int(env, 'TRACKWIRE_WORKER_CONCURRENCY', 256, 1),
    endpointInflightCap: int(env, 'TRACKWIRE_ENDPOINT_INFLIGHT_CAP', 64, 1),
    workerPollMs: duration(env, 'TRACKWIRE_WORKER_POLL', 1000),
    leaseMs,
    reportTimeZone: timeZone(env, 'TRACKWIRE_TIME_ZONE', 'UTC'),
    secretKey: secretKeyOf(env),
    metaApiUrl: baseUrl(env, 'TRACKWIRE_META_API_URL', 'https://graph.facebook.com'),
    metaApiVersion: apiVersion(env, 'TRACKWIRE_META_API_VERSION', 'v26.0', /^v\d+\.0$/),
    tiktokApiUrl: baseUrl(env, 'TRACKWIRE_TIKTOK_API_URL', 'https://business-api.tiktok.com'),
    googleDataManagerUrl: baseUrl(
      env,
      'TRACKWIRE_GOOGLE_DATAMANAGER_URL',
      'https://datamanager.googleapis.com',
    ),
    googleAdsApiUrl: baseUrl(env, 'TRACKWIRE_GOOGLE_ADS_API_URL', 'https://googleads.googleapis.com'),
    googleAdsApiVersion: apiVersion(env, 'TRACKWIRE_GOOGLE_ADS_API_VERSION', 'v26', /^v\d+$/),
    googleOauthUrl: baseUrl(env, 'TRACKWIRE_GOOGLE_OAUTH_URL', 'https://oauth2.googleapis.com/token'),
    platformInflightRequests: int(env, 'TRACKWIRE_PLATFORM_INFLIGHT_REQUESTS', 4, 1),
    metricsToken: env.TRACKWIRE_METRICS_TOKEN || undefined,
    metricsPort: env.TRACKWIRE_METRICS_PORT ? int(env, 'TRACKWIRE_METRICS_PORT', 0) : undefined,
    metricsHost: env.TRACKWIRE_METRICS_HOST || '127.0.0.1',
    smtpUrl: env.TRACKWIRE_SMTP_URL || undefined,
    smtpFrom: env.TRACKWIRE_SMTP_FROM || 'Trackwire <alerts@localhost>',
    telegramApiUrl: (env.TRACKWIRE_TELEGRAM_API_URL || 'https://api.telegram.org').replace(/\/+$/, ''),
    alertsEvaluateEveryMs: duration(env, 'TRACKWIRE_ALERTS_EVERY', 60_000),
    timeZone: timeZone(env, 'TRACKWIRE_TIME_ZONE', 'UTC'),
    ...overrides,
  };
  return Object.freeze(config);
}

function timeZone(env: Env, key: string, fallback: string): string {
  const zone = env[key] || fallback;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new ConfigError(`${key}: "${zone}" is not an IANA time zone`);
  }
  return zone;
}
