// Status words advertisers send → canonical status (reference/macros.md). Matching is
// case-insensitive; an advertiser's own status_map is consulted first because numeric codes
// differ between networks (Affise: 2 = pending, 3 = declined).
import { STATUSES, type Status } from '../conversion.table.ts';

export const STATUS_CROSSWALK: Readonly<Record<Status, readonly string[]>> = {
  pending: ['pending', 'hold', 'on_hold', 'lead', 'new', 'wait', '0'],
  approved: [
    'approved',
    'approve',
    'confirmed',
    'confirm',
    'sale',
    'accepted',
    'converted',
    'success',
    'paid',
    'ok',
    '1',
  ],
  rejected: ['rejected', 'reject', 'fraud', 'trash', 'invalid', 'scrubbed', '-1'],
  declined: ['declined', 'decline', 'cancelled', 'canceled', 'refused', 'denied'],
  reversed: ['reversed', 'reversal', 'chargeback', 'charge', 'refund', 'refunded', 'clawback'],
};

const DEFAULT_MAP: ReadonlyMap<string, Status> = new Map(
  (Object.entries(STATUS_CROSSWALK) as [Status, readonly string[]][]).flatMap(([status, words]) =>
    words.map((word) => [word, status] as const),
  ),
);

export function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && (STATUSES as readonly string[]).includes(value);
}

/**
 * Parses an advertiser's status_map JSON into lower-cased word → status; bad entries are ignored.
 * `base` (its preset's codes) comes first, so the advertiser's own words win.
 */
export function parseStatusMap(
  json: string | null | undefined,
  base?: Readonly<Record<string, Status>>,
): ReadonlyMap<string, Status> {
  const out = new Map<string, Status>(base ? Object.entries(base) : []);
  if (!json) return out;
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [word, target] of Object.entries(parsed)) {
        const status = typeof target === 'string' ? target.toLowerCase() : '';
        if (isStatus(status)) out.set(word.trim().toLowerCase(), status);
      }
    }
  } catch {
    // A broken map must not stop conversions: the defaults still apply.
  }
  return out;
}

/** Canonical status for a raw word, or undefined when neither map knows it. */
export function mapStatus(raw: string, advertiserMap: ReadonlyMap<string, Status>): Status | undefined {
  const word = raw.trim().toLowerCase();
  return advertiserMap.get(word) ?? DEFAULT_MAP.get(word);
}
