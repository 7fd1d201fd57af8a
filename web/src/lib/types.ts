// The API's shapes as the dashboard reads them. Objects may carry more fields than listed here.
export type Role = 'admin' | 'advertiser' | 'publisher';
export type Status = 'pending' | 'approved' | 'rejected' | 'declined' | 'reversed';
export const STATUSES: Status[] = ['pending', 'approved', 'rejected', 'declined', 'reversed'];

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
  createdAt: number;
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
  statuses: Status[];
  enabled: boolean;
  fireWithSpecific: boolean;
  /** active; held: disabled by failures, its deliveries held; off: switched off. */
  state: 'active' | 'held' | 'off' | 'disabled';
  disabledReason: string | null;
  failureStreak: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  warnings?: string[];
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
