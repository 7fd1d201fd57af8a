// The API's shapes as the dashboard reads them. Objects may carry more fields than listed here.
export type Role = 'admin' | 'advertiser' | 'publisher';
export type Status = 'pending' | 'approved' | 'rejected' | 'declined' | 'reversed';
export const STATUSES: Status[] = ['pending', 'approved', 'rejected', 'declined', 'reversed'];
/** Rewards ledger entries written by hand; only a global URL postback may fire on them. */
export type LedgerEvent = 'adjustment' | 'redemption';
export const LEDGER_EVENTS: LedgerEvent[] = ['adjustment', 'redemption'];

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface SessionUser {
  id: number;
  email: string;
  role: Role;
  advertiserId: number | null;
  publisherId: number | null;
}

export interface Advertiser {
  id: number;
  name: string;
  postbackToken: string;
  postbackUrl: string;
  postbackUrlTemplate: string;
  ipAllowlist: string[];
  statusMap: Record<string, string>;
  network: string | null;
  networkPostbackUrl: string | null;
  preset: string | null;
  parameterMap: Partial<Record<MappableField, string | null>>;
  effectiveParameterMap: Partial<Record<MappableField, string | null>>;
  signatureSecretSet: boolean;
  createdAt: number;
}

export const MAPPABLE_FIELDS = [
  'clickId',
  'txnId',
  'amount',
  'saleAmount',
  'currency',
  'status',
  'goal',
] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];

export interface InboundPreset {
  name: string;
  label: string;
  kind: 'tracker' | 'offerwall';
  parameterMap: Partial<Record<MappableField, string | null>>;
  statusMap: Record<string, string>;
  macros: Record<string, string>;
  appendsOwnParameters: boolean;
  signature: { param: string; algorithm: string; fields: string[]; separator: string } | null;
  source: string;
}

export interface Goal {
  key: string;
  name: string;
  payout: number | null;
  revenue?: number | null;
}

export interface Offer {
  id: number;
  advertiserId: number;
  name: string;
  url: string;
  payout: number;
  revenue?: number;
  currency: string;
  goals: Goal[];
  allowDuplicates: boolean;
  clickLifetimeDays: number;
  uniqueWindowHours: number;
}

export interface Publisher {
  id: number;
  name: string;
  securityToken: string;
  signingSecret?: string;
  createdAt: number;
}

export interface Link {
  id: number;
  slug: string;
  url: string;
  offerId: number;
  publisherId: number;
  subs: Record<string, string>;
  /** Set when a SmartLink chooses each click's offer; offerId is then its fallback clicks' offer. */
  smartlinkId?: number | null;
}

export interface Macro {
  name: string;
  aliases: string[];
  description: string;
  example: string;
  group: string;
}

export interface Postback {
  id: number;
  publisherId: number;
  scope: string;
  offerId: number | null;
  goal: string | null;
  linkId?: number | null;
  url: string;
  method: 'GET' | 'POST';
  bodyFormat: 'form' | 'json' | null;
  bodyTemplate: string | null;
  headers: Record<string, string>;
  statuses: (Status | LedgerEvent)[];
  enabled: boolean;
  fireWithSpecific: boolean;
  /** active; held: disabled by failures, its deliveries held; off: switched off. */
  state: 'active' | 'held' | 'off' | 'disabled';
  disabledReason: string | null;
  failureStreak: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  warnings?: string[];
  kind?: PostbackKind;
  /** Settings; a stored secret reads {set, lastFour}. */
  destination?: Record<string, unknown> | null;
  eventMap?: EventMapEntry[];
  value?: 'payout' | 'revenue' | 'sale_amount';
}

export type PostbackKind = 'url' | 'meta_capi' | 'tiktok_events' | 'google_ads';

export interface EventMapEntry {
  status: Status;
  goal?: string;
  event: string;
}

export interface TestFire {
  request: { method: string; url: string; headers: Record<string, string>; body: string | null };
  response: { statusCode: number; bodyExcerpt: string; truncated: boolean };
  durationMs: number;
  errorClass: string | null;
  explanation: string;
  warnings: string[];
}

export interface Conversion {
  id: string;
  clickId: string;
  offerId: number;
  publisherId: number;
  goal: string;
  status: Status;
  payout: number;
  revenue?: number;
  currency: string;
  createdAt: number;
}

export interface ApiKey {
  id: number;
  role: Role;
  advertiserId: number | null;
  publisherId: number | null;
  label: string | null;
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface User extends SessionUser {
  createdAt: number;
  disabledAt: number | null;
}

export interface ConversionDetail extends Conversion {
  txnId: string | null;
  statusRaw: string | null;
  advertiserId?: number;
  linkId: number;
  clickedAt: number | null;
  updatedAt: number;
}

export interface ConversionEvent {
  id: number;
  fromStatus: Status | null;
  toStatus: Status;
  statusRaw: string | null;
  source: 'postback' | 'manual' | 'override';
  reason: string | null;
  postbackLogId: number | null;
  actor?: string | null;
  createdAt: number;
}

export interface InboundHit {
  id: number;
  receivedAt: number;
  method: string;
  url: string;
  ip: string | null;
  scheme: string;
  headers: Record<string, unknown>;
  body: string | null;
  advertiserId: number | null;
  result: 'accepted' | 'duplicate' | 'rejected';
  code: string;
  httpStatus: number;
  conversionId: string | null;
  insecure: boolean;
  clickId: string | null;
  txnId: string | null;
  meaning: string;
  action: string;
}

export interface InboundCodeInfo {
  code: string;
  result: InboundHit['result'];
  httpStatus: number;
  meaning: string;
  action: string;
}

export interface Click {
  id: string;
  linkId: number;
  offerId: number;
  publisherId: number;
  advertiserId: number;
  externalId: string | null;
  ip: string | null;
  userAgent: string | null;
  device: string | null;
  os: string | null;
  browser: string | null;
  country: string | null;
  referrer: string | null;
  isBot: boolean;
  createdAt: number;
  [field: string]: string | number | boolean | null;
}

export type DeliveryStatus = 'pending' | 'in_flight' | 'succeeded' | 'failed' | 'held' | 'cancelled';

export interface Delivery {
  id: string;
  conversionId: string;
  postbackId: number;
  publisherId: number;
  status: DeliveryStatus;
  attempts: number;
  nextRunAt: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  completedAt: number | null;
}

export interface DeliveryAttempt {
  id: number;
  attemptNo: number;
  trigger: 'scheduled' | 'manual' | 'test';
  url: string;
  method: string;
  requestHeaders: Record<string, string>;
  requestBody: string | null;
  statusCode: number;
  responseExcerpt: string | null;
  responseTruncated: boolean;
  durationMs: number;
  errorClass: string | null;
  errorMessage: string | null;
  createdAt: number;
}

export interface DeliveryWithAttempts extends Delivery {
  attemptLog: DeliveryAttempt[];
}

export interface QueueHealth {
  counts: Record<string, number>;
  pending: number;
  held: number;
  failed: number;
  oldestPendingAt: number | null;
  oldestPendingAgeMs: number | null;
  failingEndpoints: {
    postbackId: number;
    publisherId: number;
    state: string;
    failureStreak: number;
    lastFailureAt: number | null;
    lastSuccessAt: number | null;
    disabledReason: string | null;
  }[];
}

export interface Diagnosis {
  postbackId: number;
  conversionId: string;
  summary: string;
  checks: { check: string; pass: boolean; message: string }[];
}

export const SMARTLINK_MATCH_KEYS = ['countries', 'devices', 'os', 'browsers', 'languages'] as const;
export type SmartLinkMatchKey = (typeof SMARTLINK_MATCH_KEYS)[number];

export interface SmartLinkRule {
  id: number;
  name: string;
  match: Partial<Record<SmartLinkMatchKey, string[]>>;
  offers: { offerId: number; weight: number; paused: boolean }[];
}

export interface SmartLink {
  id: number;
  name: string;
  fallbackUrl: string;
  rules: SmartLinkRule[];
  autoOptimize: boolean;
  optimizeWindowHours: number;
  optimizedWeights: Record<string, number> | null;
  optimizedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface SmartLinkTestResult {
  result: 'offer' | 'fallback';
  ruleId: number | null;
  ruleName: string | null;
  offerId: number | null;
  fallbackUrl: string | null;
  candidates: { offerId: number; share: number }[];
}

export type ColumnMapping = Partial<Record<'clickId' | 'txnId' | 'time' | 'status' | 'amount', string>>;

export interface DayOfferRow {
  day: string;
  offerId: number | null;
  ourCount: number;
  theirCount: number;
  ourAmount: number;
  theirAmount: number;
  countDiffPercent: number | null;
  amountDiffPercent: number | null;
}

export interface Reconciliation {
  id: string;
  advertiserId: number;
  format: string;
  mapping: ColumnMapping;
  timeZone: string;
  currency: string;
  from: string;
  to: string;
  tolerance: number;
  rowsRead: number;
  counts: Record<string, number>;
  days: DayOfferRow[];
  createdAt: number;
}

export interface Finding {
  id: number;
  kind: string;
  line: number | null;
  day: string | null;
  offerId: number | null;
  clickId: string | null;
  txnId: string | null;
  conversionId: string | null;
  theirStatus: string | null;
  ourStatus: string | null;
  theirAmount: number | null;
  ourAmount: number | null;
  theirDay: string | null;
  ourDay: string | null;
  resolution: string | null;
  resolutionCode: string | null;
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  role: string;
  via: string;
  method: string;
  path: string;
  resource: string;
  resourceId: string | null;
  statusCode: number;
  before: unknown;
  after: unknown;
}

export interface RetentionSettings {
  anonymizeAfterDays: number | null;
  purgeBodiesAfterDays: number | null;
  lastRunAt: number | null;
  lastRun: {
    clicksAnonymized: number;
    logBodiesDeleted: number;
    attemptBodiesDeleted: number;
    finishedAt: number;
  } | null;
}
