// The settings of an ad-platform destination: which are required per kind, which are secrets (stored
// encrypted, shown only as "set" + last four), and the event map that turns a conversion event into
// the platform's event. Pure: the postback service stores what this decides.
import { AppError } from '../../shared/errors.ts';

export type PlatformKind = 'meta_capi' | 'tiktok_events' | 'google_ads';
export const PLATFORM_KINDS: readonly PlatformKind[] = ['meta_capi', 'tiktok_events', 'google_ads'];

/** Every setting a destination can have, as the API names them. */
export interface DestinationInput {
  pixelId?: string;
  pixelCode?: string;
  accessToken?: string;
  testEventCode?: string | null;
  api?: 'data_manager' | 'click_upload';
  operatingAccountId?: string;
  conversionActionId?: string;
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  developerToken?: string | null;
  loginCustomerId?: string | null;
  /** Meta: the page the conversion happened on (required by Meta for website events). */
  eventSourceUrl?: string | null;
  /** Send conversions whose click has no click id of this platform (never a fabricated one). */
  allowWithoutClickId?: boolean;
}

export type DestinationSettings = Omit<
  DestinationInput,
  'accessToken' | 'clientSecret' | 'refreshToken' | 'developerToken'
>;

export const SECRET_FIELDS = ['accessToken', 'clientSecret', 'refreshToken', 'developerToken'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

interface KindRules {
  required: (keyof DestinationInput)[];
  allowed: (keyof DestinationInput)[];
}

const RULES: Record<PlatformKind, KindRules> = {
  meta_capi: {
    required: ['pixelId', 'accessToken'],
    allowed: ['pixelId', 'accessToken', 'testEventCode', 'eventSourceUrl', 'allowWithoutClickId'],
  },
  tiktok_events: {
    required: ['pixelCode', 'accessToken'],
    allowed: ['pixelCode', 'accessToken', 'testEventCode', 'eventSourceUrl', 'allowWithoutClickId'],
  },
  google_ads: {
    required: ['operatingAccountId', 'conversionActionId', 'clientId', 'clientSecret', 'refreshToken'],
    allowed: [
      'api',
      'operatingAccountId',
      'conversionActionId',
      'clientId',
      'clientSecret',
      'refreshToken',
      'developerToken',
      'loginCustomerId',
      'allowWithoutClickId',
    ],
  },
};

const FORMATS: Partial<Record<keyof DestinationInput, [RegExp, string]>> = {
  pixelId: [/^\d{5,20}$/, 'the dataset (pixel) id: digits only'],
  pixelCode: [/^[A-Z0-9]{8,32}$/, 'the pixel code: capital letters and digits, as in Events Manager'],
  operatingAccountId: [/^\d{10}$/, 'the Google Ads customer id: 10 digits, without hyphens'],
  loginCustomerId: [/^\d{10}$/, 'the manager account id: 10 digits, without hyphens'],
  conversionActionId: [/^\d{1,20}$/, 'the conversion action id: digits only'],
  eventSourceUrl: [/^https?:\/\/\S+$/, 'an http(s) URL'],
};

const invalid = (message: string) => new AppError('validation_failed', message);

export function isPlatformKind(kind: string): kind is PlatformKind {
  return (PLATFORM_KINDS as readonly string[]).includes(kind);
}

export function isSecretField(name: string): name is SecretField {
  return (SECRET_FIELDS as readonly string[]).includes(name);
}

/**
 * Merges a destination given in a save with what is stored (a secret left out keeps its stored
 * value), checks it against the kind's rules, and splits it into plain settings and secrets.
 */
export function resolveDestination(
  kind: PlatformKind,
  input: DestinationInput,
  stored: { settings: DestinationSettings; secrets: Record<string, string> } | undefined,
): { settings: DestinationSettings; secrets: Record<string, string> } {
  const rules = RULES[kind];
  const unknown = Object.keys(input).filter((k) => !rules.allowed.includes(k as keyof DestinationInput));
  if (unknown.length > 0) throw invalid(`destination: ${unknown.join(', ')} not used by ${kind}`);
  const merged: Record<string, unknown> = { ...stored?.settings, ...stored?.secrets };
  for (const [key, value] of Object.entries(input)) {
    if (value === null || value === '') delete merged[key];
    else merged[key] = typeof value === 'string' ? value.trim() : value;
  }
  if (kind === 'google_ads') merged.api ??= 'data_manager';
  const missing = rules.required.filter((k) => merged[k] === undefined);
  if (missing.length > 0) throw invalid(`destination: ${missing.join(', ')} required for ${kind}`);
  for (const [key, value] of Object.entries(merged)) {
    const format = FORMATS[key as keyof DestinationInput];
    if (format && typeof value === 'string' && !format[0].test(value))
      throw invalid(`destination.${key}: ${format[1]}`);
  }
  if (kind === 'google_ads' && merged.api === 'click_upload' && merged.developerToken === undefined) {
    throw invalid('destination.developerToken: required for the legacy click upload (api "click_upload")');
  }
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(merged)) {
    if (!rules.allowed.includes(key as keyof DestinationInput) && key !== 'api') continue;
    if (isSecretField(key)) secrets[key] = String(value);
    else settings[key] = value;
  }
  return { settings: settings as DestinationSettings, secrets };
}

export interface EventMapEntry {
  status: string;
  goal?: string;
  event: string;
}

/** The platform event for a conversion event: an entry for its goal first, then one for any goal. */
export function mapEvent(
  map: readonly EventMapEntry[],
  status: string,
  goal: string,
): EventMapEntry | undefined {
  return (
    map.find((e) => e.status === status && e.goal === goal) ??
    map.find((e) => e.status === status && (e.goal === undefined || e.goal === null))
  );
}

export function parseEventMap(text: string): EventMapEntry[] {
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? (parsed as EventMapEntry[]) : [];
  } catch {
    return [];
  }
}
