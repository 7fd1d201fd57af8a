// Save-time checks of a postback: every problem a user can fix now is reported now, in words,
// instead of surfacing later as a delivery that quietly never arrives.
import type { LookupAddress } from 'node:dns';
import dns from 'node:dns';
import { canReadMacro, type PostbackAudience, postbackReaderRole } from '../auth/field-visibility.ts';
import type { Db } from '../db/database.types.ts';
import {
  type AddressPolicy,
  checkTargetUrl,
  type LookupAll,
} from '../deliveries/transport/address-policy.ts';
import { sampleMacroValues } from '../macros/macro-catalogue.ts';
import { compileTemplate, renderTemplate } from '../macros/template.ts';
import { assertKnownMacros, assertNoMacroInAuthority } from '../macros/validate-template.ts';
import { AppError } from '../shared/errors.ts';
import { findLinkOfPostback, offerExists, offerGoalExists, publisherExists } from './postback.repository.ts';
import type { PostbackKind, PostbackScope } from './postback.table.ts';

/** A postback's full configuration as it will be stored (after defaults and a patch are applied). */
export interface PostbackDraft {
  publisherId: number;
  audience: PostbackAudience;
  scope: PostbackScope;
  offerId: number | null;
  goal: string | null;
  /** link scope: the publisher's tracking link (offerId is then that link's offer). */
  linkId: number | null;
  url: string;
  method: 'GET' | 'POST';
  bodyFormat: 'form' | 'json' | null;
  bodyTemplate: string | null;
  headers: Record<string, string>;
  secretParams: string[];
  secretPathSegments: number[];
  fireWithSpecific: boolean;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Set by the transport or the signer; a template must not be able to forge or break them.
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

const invalid = (message: string) => new AppError('validation_failed', message);

function checkShape(draft: PostbackDraft): void {
  if (draft.scope === 'global' && (draft.offerId !== null || draft.goal !== null)) {
    throw invalid('scope: a global postback fires for every offer; leave offerId and goal empty');
  }
  if (draft.scope === 'offer' && (draft.offerId === null || draft.goal !== null)) {
    throw invalid('scope: an offer postback needs offerId and no goal');
  }
  if (draft.scope === 'goal' && (draft.offerId === null || draft.goal === null)) {
    throw invalid('scope: a goal postback needs offerId and goal');
  }
  if (draft.scope === 'link' && (draft.linkId === null || draft.goal !== null)) {
    throw invalid('scope: a link postback needs linkId and no goal');
  }
  if (draft.scope !== 'link' && draft.linkId !== null) {
    throw invalid('linkId: only a link postback names a link; use scope "link"');
  }
  if (draft.scope === 'goal' && draft.fireWithSpecific) {
    throw invalid(
      'fireWithSpecific: a goal postback is already the most specific; the setting applies to global and offer postbacks',
    );
  }
  if (draft.method === 'POST' && (draft.bodyFormat === null || draft.bodyTemplate === null)) {
    throw invalid('bodyTemplate: a POST postback needs bodyFormat (form or json) and bodyTemplate');
  }
  if (draft.method === 'GET' && (draft.bodyFormat !== null || draft.bodyTemplate !== null)) {
    throw invalid('bodyTemplate: a GET postback has no body; use method POST or leave the body empty');
  }
  for (const name of Object.keys(draft.headers)) {
    if (!HEADER_NAME.test(name)) throw invalid(`headers: "${name}" is not a valid header name`);
    if (RESERVED_HEADERS.has(name.toLowerCase()))
      throw invalid(`headers: ${name} is set by Trackwire itself`);
  }
}

const PARAM_NAME = /^[A-Za-z0-9_.\-[\]]+$/;

/** Marked secrets must name something the request can hold: a plain name, an existing path segment. */
function checkSecretParts(draft: PostbackDraft): void {
  for (const name of draft.secretParams) {
    if (!PARAM_NAME.test(name)) {
      throw invalid(`secretParams: "${name}" is not a parameter name (letters, digits, _ . - [ ])`);
    }
  }
  const path = renderTemplate(draft.url, sampleMacroValues(), 'url')
    .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '')
    .split(/[?#]/)[0];
  const segments = path.split('/').length - 1;
  for (const n of draft.secretPathSegments) {
    if (n > segments) {
      throw invalid(`secretPathSegments: the URL path has ${segments} segment(s); there is no segment ${n}`);
    }
  }
}

function templatePlaces(draft: PostbackDraft): [string, string][] {
  const places: [string, string][] = [['url', draft.url]];
  if (draft.bodyTemplate !== null) places.push(['bodyTemplate', draft.bodyTemplate]);
  for (const [name, value] of Object.entries(draft.headers)) places.push([`headers.${name}`, value]);
  return places;
}

/** A publisher's receiver may not be sent what its publisher may not read (the network's revenue…). */
function checkMacroReaders(draft: PostbackDraft, places: [string, string][]): void {
  const reader = postbackReaderRole(draft.audience);
  const refused = places.flatMap(([field, template]) =>
    compileTemplate(template)
      .macros.filter((use) => use.canonical !== undefined && !canReadMacro(use.canonical, reader))
      .map((use) => ({ field, macro: use.raw, name: use.canonical as string })),
  );
  if (refused.length === 0) return;
  const first = refused[0];
  const more = refused.length > 1 ? ` (and ${refused.length - 1} more)` : '';
  throw new AppError(
    'macro_not_allowed',
    `${first.field}: ${first.macro} is not sent to a publisher's receiver${more}; an admin may set audience "network" for the network's own tracker`,
    { refused },
  );
}

function checkMacros(draft: PostbackDraft): void {
  const places = templatePlaces(draft);
  assertKnownMacros(places);
  assertNoMacroInAuthority('url', draft.url);
  checkMacroReaders(draft, places);
}

async function checkCatalog(db: Db, draft: PostbackDraft): Promise<void> {
  if (!(await publisherExists(db, draft.publisherId)))
    throw invalid(`publisherId: publisher ${draft.publisherId} not found`);
  if (draft.linkId !== null) {
    const link = await findLinkOfPostback(db, draft.linkId);
    if (!link || link.publisher_id !== draft.publisherId)
      throw invalid(`linkId: link ${draft.linkId} is not one of publisher ${draft.publisherId}'s links`);
    if (draft.offerId !== link.offer_id)
      throw invalid(`offerId: link ${draft.linkId} is on offer ${link.offer_id}; leave offerId empty`);
  }
  if (draft.offerId === null) return;
  if (!(await offerExists(db, draft.offerId))) throw invalid(`offerId: offer ${draft.offerId} not found`);
  if (
    draft.goal !== null &&
    draft.goal !== 'default' &&
    !(await offerGoalExists(db, draft.offerId, draft.goal))
  ) {
    throw invalid(`goal: offer ${draft.offerId} has no goal "${draft.goal}"`);
  }
}

/**
 * Resolves, and remembers whether resolution itself failed: a host that does not resolve today is
 * a warning (DNS may not be set up yet; the connect-time guard still applies on every attempt),
 * while a host that resolves to a refused address is an error.
 */
function trackingLookup(): { lookup: LookupAll; failed: () => boolean } {
  let failed = false;
  const lookup: LookupAll = (hostname, options, callback) =>
    dns.lookup(hostname, options, (err, addresses: LookupAddress[]) => {
      if (err) failed = true;
      callback(err, addresses);
    });
  return { lookup, failed: () => failed };
}

async function checkTarget(draft: PostbackDraft, policy: AddressPolicy, warnings: string[]): Promise<void> {
  // Macros may sit in the path and query, so the check runs on a sample rendering.
  const sampleUrl = renderTemplate(draft.url, sampleMacroValues(), 'url');
  const { lookup, failed } = trackingLookup();
  const check = await checkTargetUrl(sampleUrl, policy, lookup);
  if (check.ok) return;
  if (failed()) {
    warnings.push(`${check.reason}; deliveries will fail until it does`);
    return;
  }
  throw new AppError('unsafe_target', `url: ${check.reason}`);
}

/** Throws AppError for anything that cannot be saved; returns warnings for what can but should not. */
export async function validatePostbackDraft(
  db: Db,
  draft: PostbackDraft,
  policy: AddressPolicy,
  kind: PostbackKind = 'url',
): Promise<string[]> {
  const warnings: string[] = [];
  if (kind !== 'url') {
    // An ad platform's address is the install's configuration, not the postback's.
    checkShape(draft);
    await checkCatalog(db, draft);
    return warnings;
  }
  const scheme = /^(https?):\/\//i.exec(draft.url)?.[1]?.toLowerCase();
  if (scheme === undefined) throw invalid('url: must start with http:// or https://');
  if (scheme === 'http') {
    warnings.push(
      'url: uses http://, so tokens and click ids travel unencrypted; use https:// where the receiver supports it',
    );
  }
  checkShape(draft);
  checkSecretParts(draft);
  checkMacros(draft);
  await checkCatalog(db, draft);
  await checkTarget(draft, policy, warnings);
  return warnings;
}
