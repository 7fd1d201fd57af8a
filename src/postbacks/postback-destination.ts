// The ad-platform part of a postback: its kind, destination settings (secrets sealed with
// TRACKWIRE_SECRET_KEY and shown only as "set" + last four), event map and value source.
import type { PostbackAudience } from '../auth/field-visibility.ts';
import {
  type DestinationInput,
  type DestinationSettings,
  type EventMapEntry,
  isPlatformKind,
  parseEventMap,
  resolveDestination,
} from '../integrations/common/destination-settings.ts';
import {
  lastFour,
  openCredentials,
  requireSecretKey,
  sealCredentials,
} from '../integrations/credential-box.ts';
import { AppError } from '../shared/errors.ts';
import type { PostbackKind, PostbackRow, ValueSource } from './postback.table.ts';

export interface PlatformPart {
  kind?: PostbackKind;
  url?: string;
  destination?: DestinationInput;
  eventMap?: EventMapEntry[];
  value?: ValueSource;
}

export type PlatformColumns = Pick<
  PostbackRow,
  'kind' | 'destination' | 'credentials' | 'credential_hints' | 'event_map' | 'value_source'
>;

const DEFAULT_EVENT: Record<Exclude<PostbackKind, 'url'>, string> = {
  meta_capi: 'Purchase',
  tiktok_events: 'CompletePayment',
  google_ads: 'conversion',
};

const invalid = (message: string) => new AppError('validation_failed', message);

const URL_COLUMNS: PlatformColumns = {
  kind: 'url',
  destination: null,
  credentials: null,
  credential_hints: null,
  event_map: '[]',
  value_source: 'payout',
};

/**
 * The platform columns a save writes. `current` is the stored row on an update. A publisher's own
 * destination may only send the payout: the network's revenue is not the publisher's to read.
 */
export function platformColumns(
  input: PlatformPart,
  current: PostbackRow | undefined,
  audience: PostbackAudience,
  secretKey: string | undefined,
): PlatformColumns {
  const kind = input.kind ?? current?.kind ?? 'url';
  if (!isPlatformKind(kind)) {
    if (input.destination !== undefined || input.eventMap !== undefined || input.value !== undefined)
      throw invalid(
        'destination, eventMap and value belong to an ad-platform kind; this postback is kind "url"',
      );
    return URL_COLUMNS;
  }
  if (input.url !== undefined)
    throw invalid(`url: a ${kind} postback has no URL; its address is the platform's`);
  const sameKind = current?.kind === kind;
  if (!sameKind && input.destination === undefined) throw invalid(`destination: required for kind ${kind}`);
  const eventMap = input.eventMap ??
    (sameKind ? parseEventMap(current?.event_map ?? '[]') : undefined) ?? [
      { status: 'approved', event: DEFAULT_EVENT[kind] },
    ];
  const value = input.value ?? (sameKind ? current?.value_source : undefined) ?? 'payout';
  if (audience === 'publisher' && value !== 'payout') {
    throw new AppError(
      'macro_not_allowed',
      `value: ${value} is not sent to a publisher's destination; an admin may set audience "network"`,
    );
  }
  const mapping = { kind, event_map: JSON.stringify(eventMap), value_source: value };
  if (sameKind && current && input.destination === undefined) {
    const { destination, credentials, credential_hints } = current;
    return { ...mapping, destination, credentials, credential_hints };
  }
  const key = requireSecretKey(secretKey);
  let stored: { settings: DestinationSettings; secrets: Record<string, string> } | undefined;
  if (sameKind && current?.destination) {
    const secrets = current.credentials ? openCredentials(key, current.credentials) : {};
    stored = { settings: JSON.parse(current.destination) as DestinationSettings, secrets };
  }
  const { settings, secrets } = resolveDestination(kind, input.destination ?? {}, stored);
  return {
    ...mapping,
    destination: JSON.stringify(settings),
    credentials: sealCredentials(key, secrets),
    credential_hints: JSON.stringify(
      Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, lastFour(v)])),
    ),
  };
}

/** The destination as the API shows it: settings, and each secret as {set, lastFour}. */
export function destinationView(row: PostbackRow): Record<string, unknown> | null {
  if (!row.destination) return null;
  const view: Record<string, unknown> = JSON.parse(row.destination);
  const hints = JSON.parse(row.credential_hints ?? '{}') as Record<string, string>;
  for (const [name, four] of Object.entries(hints)) view[name] = { set: true, lastFour: four };
  return view;
}

/** The statuses a new platform postback fires on when none are given: those its event map names. */
export function statusesOfEventMap(columns: PlatformColumns): string[] | undefined {
  if (columns.kind === 'url') return undefined;
  return [...new Set(parseEventMap(columns.event_map).map((e) => e.status))];
}
