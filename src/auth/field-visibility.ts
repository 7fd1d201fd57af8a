// Who may read which money and counterpart fields: the one table behind the API serializers and
// the macros a postback may carry. Revenue is the advertiser's business (and the network's), payout
// the publisher's (and the network's); each side seeing the other's figure would show the margin.
import { MACROS } from '../macros/macro-catalogue.ts';
import type { KeyRole } from './api-key.table.ts';

export const ROLES: readonly KeyRole[] = ['admin', 'advertiser', 'publisher'];

const ALL = ROLES;
const NETWORK: readonly KeyRole[] = ['admin'];
const ADVERTISER_SIDE: readonly KeyRole[] = ['admin', 'advertiser'];
const PUBLISHER_SIDE: readonly KeyRole[] = ['admin', 'publisher'];

/** Per API object, every field it has and the roles that may read it. */
export const FIELD_READERS = {
  offer: {
    id: ALL,
    advertiserId: ADVERTISER_SIDE,
    name: ALL,
    // The advertiser's landing page: publishers send traffic through our link, never around it.
    url: ADVERTISER_SIDE,
    payoutType: PUBLISHER_SIDE,
    payout: PUBLISHER_SIDE,
    revenue: ADVERTISER_SIDE,
    publisherPayouts: NETWORK,
    currency: ALL,
    goals: ALL,
    allowDuplicates: ALL,
    clickLifetimeDays: ALL,
    uniqueWindowHours: ALL,
    createdAt: ALL,
    updatedAt: ALL,
  },
  goal: {
    key: ALL,
    name: ALL,
    payoutType: PUBLISHER_SIDE,
    payout: PUBLISHER_SIDE,
    revenue: ADVERTISER_SIDE,
  },
  conversion: {
    id: ALL,
    clickId: ALL,
    offerId: ALL,
    publisherId: ALL,
    advertiserId: ADVERTISER_SIDE,
    linkId: ALL,
    goal: ALL,
    txnId: ALL,
    status: ALL,
    statusRaw: ALL,
    payout: PUBLISHER_SIDE,
    revenue: ADVERTISER_SIDE,
    saleAmount: ADVERTISER_SIDE,
    currency: ALL,
    // The review compares the advertiser's amount with the expected revenue, and says both.
    needsReview: ADVERTISER_SIDE,
    reviewReason: ADVERTISER_SIDE,
    // The advertiser's own sub ids, passed on so a daisy chain can forward them ({adv1}…{adv10}).
    adv1: ALL,
    adv2: ALL,
    adv3: ALL,
    adv4: ALL,
    adv5: ALL,
    adv6: ALL,
    adv7: ALL,
    adv8: ALL,
    adv9: ALL,
    adv10: ALL,
    createdAt: ALL,
    updatedAt: ALL,
    // When its click happened (read from the click id), for "time to convert".
    clickedAt: ALL,
  },
  conversionEvent: {
    id: ALL,
    fromStatus: ALL,
    toStatus: ALL,
    statusRaw: ALL,
    payout: PUBLISHER_SIDE,
    source: ALL,
    reason: ALL,
    postbackLogId: ALL,
    // Which key made a manual change: the network's own bookkeeping.
    actor: NETWORK,
    createdAt: ALL,
  },
  // A report row: its dimensions, then its metrics. A publisher's revenue is its own payout; the
  // network's revenue, profit and margin are the network's.
  report: {
    hour: ALL,
    day: ALL,
    week: ALL,
    month: ALL,
    advertiserId: ADVERTISER_SIDE,
    offerId: ALL,
    goal: ALL,
    publisherId: ALL,
    linkId: ALL,
    country: ALL,
    device: ALL,
    os: ALL,
    browser: ALL,
    currency: ALL,
    sub1: ALL,
    sub2: ALL,
    sub3: ALL,
    sub4: ALL,
    sub5: ALL,
    sub6: ALL,
    sub7: ALL,
    sub8: ALL,
    sub9: ALL,
    sub10: ALL,
    clicks: ALL,
    uniqueClicks: ALL,
    conversions: ALL,
    pending: ALL,
    approved: ALL,
    rejected: ALL,
    declined: ALL,
    reversed: ALL,
    revenue: ALL,
    payout: PUBLISHER_SIDE,
    profit: NETWORK,
    cr: ALL,
    epc: ALL,
    margin: NETWORK,
  },
} as const satisfies Record<string, Record<string, readonly KeyRole[]>>;

export type ApiObject = keyof typeof FIELD_READERS;

/**
 * Macros only some roles may read (canonical names); every other macro in the catalogue is
 * readable by all. A postback's receiver reads with the role of its audience (postbackReaderRole).
 */
export const MACRO_READERS: Readonly<Record<string, readonly KeyRole[]>> = {
  payout: PUBLISHER_SIDE,
  revenue: ADVERTISER_SIDE,
  sale_amount: ADVERTISER_SIDE,
  advertiser_id: ADVERTISER_SIDE,
  // A rewards site's users and their points are the publisher's business, never the advertiser's.
  user_id: PUBLISHER_SIDE,
  points: PUBLISHER_SIDE,
  balance: PUBLISHER_SIDE,
  ledger_entry_id: PUBLISHER_SIDE,
  reward_kind: PUBLISHER_SIDE,
};

export function canReadField(object: ApiObject, field: string, role: KeyRole): boolean {
  const readers = (FIELD_READERS[object] as Record<string, readonly KeyRole[]>)[field];
  return readers?.includes(role) ?? false;
}

/** `view` without the fields `role` may not read (and without any field the table does not list). */
export function readableView<T extends object>(object: ApiObject, role: KeyRole, view: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(view) as (keyof T & string)[]) {
    if (canReadField(object, key, role)) out[key] = view[key];
  }
  return out;
}

export function canReadMacro(canonical: string, role: KeyRole): boolean {
  return (MACRO_READERS[canonical] ?? ALL).includes(role);
}

/** Canonical names of the macros `role` may not read. */
export function macrosHiddenFrom(role: KeyRole): string[] {
  return Object.keys(MACRO_READERS).filter((name) => !canReadMacro(name, role));
}

/** Canonical names of the catalogue's macros `role` may read. */
export function macrosReadableBy(role: KeyRole): string[] {
  return MACROS.map((m) => m.name).filter((name) => canReadMacro(name, role));
}

/** Who reads what a postback sends: the publisher, or the network's own tracker. */
export type PostbackAudience = 'publisher' | 'network';
export const POSTBACK_AUDIENCES: readonly PostbackAudience[] = ['publisher', 'network'];

export function postbackReaderRole(audience: PostbackAudience): KeyRole {
  return audience === 'network' ? 'admin' : 'publisher';
}
