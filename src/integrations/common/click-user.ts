// What Meta and TikTok are told about the visitor of a conversion's click, under their own field
// names, and the one rule both apply first: no click id of the platform, no event (never made up).
import type { DestinationSettings } from './destination-settings.ts';
import type { ClickFacts } from './platform.types.ts';
import { hashExternalId } from './user-hashing.ts';

/** Why the conversion is not sent for want of the platform's click id; undefined when it may go. */
export function missingClickId(
  click: ClickFacts | undefined,
  clickId: 'fbclid' | 'ttclid',
  platform: string,
  settings: DestinationSettings,
): { skip: string } | undefined {
  if (click?.[clickId] || settings.allowWithoutClickId) return undefined;
  return { skip: `not sent to ${platform}: the click has no ${clickId} (a click id is never made up)` };
}

/** The click's IP and user agent (never hashed) and its external id (normalised, hashed). */
export function visitorFields(
  click: ClickFacts | undefined,
  names: { ip: string; userAgent: string },
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (click?.ip) fields[names.ip] = click.ip;
  if (click?.userAgent) fields[names.userAgent] = click.userAgent;
  if (click?.externalId) fields.external_id = [hashExternalId(click.externalId)];
  return fields;
}
