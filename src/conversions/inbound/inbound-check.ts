// Everything decided before anything is written: who sent it, is it allowed, does it make sense,
// which click, offer and goal it is about, and what the conversion would look like.

import { offerHasCaps } from '../../caps/cap.service.ts';
import { payoutFor, pickPayoutTerm } from '../../catalog/offers/payout-terms.ts';
import { createInboundRules, type InboundRules } from '../../rules/rule-evaluation.service.ts';
import type { AppContext } from '../../server/app-context.ts';
import { ipInList } from '../../shared/cidr.ts';
import { newId } from '../../shared/ids.ts';
import { SUB_KEYS } from '../../tracking/clicks/click.table.ts';
import {
  type ClickForConversion,
  findClickForConversion,
  findClicksForConversion,
  findOfferGoal,
} from '../conversion.repository.ts';
import { ADV_SUB_COLUMNS, type AdvSubColumn, type Status } from '../conversion.table.ts';
import {
  type AdvertiserTokens,
  createAdvertiserTokens,
  type InboundAdvertiser,
} from './advertiser-tokens.ts';
import { type InboundCode, RULE_REVIEW_PREFIX } from './inbound-codes.ts';
import type { InboundRequest } from './inbound-request.ts';
import {
  isValidTxnId,
  MAX_ADV_SUB_LENGTH,
  MAX_CLICK_ID_LENGTH,
  MAX_GOAL_LENGTH,
  parseAmount,
  parseCurrency,
  payoutReviewReason,
} from './inbound-validation.ts';
import { extractInboundFields, type InboundFields } from './names/inbound-params.ts';
import { authenticateNetworkHit } from './network-auth.ts';
import { createOfferTermsCache, type OfferTermsCache } from './offer-terms-cache.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { mapStatus } from './status-crosswalk.ts';

const DAY_MS = 86_400_000;
export const DEFAULT_GOAL = 'default';

export interface InboundDeps {
  limiter: RateLimiter;
  advertisers: AdvertiserTokens;
  /** Offer terms kept in memory. */
  offerTerms: OfferTermsCache;
  /** The click a hit names; hits that arrive together share the read where the store says so. */
  findClick: (clickId: string) => Promise<ClickForConversion | undefined>;
  /** The operator's inbound rules: accept, hold or reject a new conversion. */
  rules: InboundRules;
}

export function createInboundDeps(
  ctx: AppContext,
  limiter: RateLimiter = createRateLimiter(ctx.config.inboundRateLimitPerMinute),
): InboundDeps {
  return {
    limiter,
    advertisers: createAdvertiserTokens(ctx),
    offerTerms: createOfferTermsCache(ctx),
    findClick: ctx.store.inboundWriter.lookUp(
      (clickId: string) => findClickForConversion(ctx.store.db, clickId),
      (clickIds) => findClicksForConversion(ctx.store.db, clickIds),
    ),
    rules: createInboundRules(ctx),
  };
}

/** A postback that passed every check, ready to be recorded. */
export interface PreparedConversion {
  advertiserId: number;
  dedupeKey: string;
  click: {
    id: string;
    offerId: number;
    publisherId: number;
    linkId: number;
    /** sub1–sub10 of the click: the rewards user id is one of them. */
    subs: Record<string, string | null>;
  };
  goal: string;
  txnId: string | null;
  /** undefined = the sender named no status. */
  status: Status | undefined;
  statusRaw: string | null;
  /** Sent by the advertiser (what it pays); undefined when the offer's terms apply. */
  amount: number | undefined;
  /** What the publisher earns: the goal's, the publisher's or the offer's payout term. */
  payout: number;
  /** What the advertiser pays: the amount sent, else the goal's or the offer's revenue. */
  revenue: number;
  saleAmount: number | null;
  currency: string;
  review: string | null;
  /** The advertiser's sub1–sub10, stored as adv1–adv10. */
  advSubs: Record<AdvSubColumn, string | null>;
  /** A cap applies: the conversion takes its slot in its own transaction, one hit at a time. */
  capped: boolean;
}

export type CheckResult =
  | { ok: true; prepared: PreparedConversion }
  | { ok: false; code: InboundCode; advertiserId: number | null; retryAfterSeconds?: number };

const reject = (code: InboundCode, advertiserId: number | null = null): CheckResult => ({
  ok: false,
  code,
  advertiserId,
});

export async function checkInboundPostback(
  ctx: AppContext,
  deps: InboundDeps,
  request: InboundRequest,
  now: number,
): Promise<CheckResult> {
  const sourceKey = request.source.ip ?? 'unknown';
  if (!deps.limiter.take(sourceKey, now)) {
    const retryAfterSeconds = Math.max(1, Math.ceil(deps.limiter.waitMs(sourceKey, now) / 1000));
    return { ok: false, code: 'rate_limited', advertiserId: null, retryAfterSeconds };
  }
  const named = await resolveSender(deps, request);
  if ('code' in named) return reject(named.code, named.advertiserId);
  const { advertiser, fields } = named;
  const advertiserId = advertiser.id;
  const { allowlist } = advertiser;
  if (
    allowlist === 'invalid' ||
    (allowlist && !(request.source.ip && ipInList(allowlist, request.source.ip)))
  ) {
    return reject('ip_not_allowed', advertiserId);
  }
  if (request.bodyError) return reject(request.bodyError, advertiserId);
  if (!fields.clickId) return reject('missing_click_id', advertiserId);

  const status = fields.status === undefined ? undefined : mapStatus(fields.status, advertiser.statusMap);
  if (fields.status !== undefined && !status) return reject('invalid_status', advertiserId);
  const amount = fields.amount === undefined ? undefined : parseAmount(fields.amount);
  const saleAmount = fields.saleAmount === undefined ? undefined : parseAmount(fields.saleAmount);
  if (
    (fields.amount !== undefined && amount === undefined) ||
    (fields.saleAmount !== undefined && saleAmount === undefined)
  ) {
    return reject('invalid_payout', advertiserId);
  }
  const currency = fields.currency === undefined ? undefined : parseCurrency(fields.currency);
  if (fields.currency !== undefined && !currency) return reject('invalid_currency', advertiserId);
  if (fields.txnId !== undefined && !isValidTxnId(fields.txnId))
    return reject('invalid_txn_id', advertiserId);

  if (fields.clickId.length > MAX_CLICK_ID_LENGTH) return reject('unknown_click', advertiserId);
  const click = await deps.findClick(fields.clickId);
  const offer = click && (await deps.offerTerms.get(click.offer_id, click.publisher_id));
  // Another advertiser's click is "unknown" to this one: no hint that it exists.
  if (!click || !offer || Number(offer.advertiser_id) !== advertiserId)
    return reject('unknown_click', advertiserId);
  if (now - Number(click.created_at) > offer.click_lifetime_days * DAY_MS)
    return reject('click_expired', advertiserId);

  let goal = DEFAULT_GOAL;
  let goalTerms: Awaited<ReturnType<typeof findOfferGoal>> | null = null;
  if (fields.goal !== undefined && fields.goal.toLowerCase() !== DEFAULT_GOAL) {
    const found =
      fields.goal.length <= MAX_GOAL_LENGTH
        ? await findOfferGoal(ctx.store.db, offer.id, fields.goal)
        : undefined;
    if (!found) return reject('unknown_goal', advertiserId);
    goal = found.key;
    goalTerms = found;
  }

  const expectedRevenue = goalTerms?.revenue ?? offer.revenue;
  const revenue = amount ?? expectedRevenue;
  const term = pickPayoutTerm(
    { payoutType: offer.payout_type, payout: offer.payout },
    offer.publisher_payout_type && offer.publisher_payout !== null
      ? { payoutType: offer.publisher_payout_type, payout: offer.publisher_payout }
      : null,
    goalTerms && { payoutType: goalTerms.payout_type, payout: goalTerms.payout },
  );
  const finalCurrency = currency ?? offer.currency;
  const txnId = fields.txnId ?? null;
  const goalPart = encodeURIComponent(goal);
  let dedupeKey: string;
  if (txnId !== null) dedupeKey = `txn|${offer.id}|${goalPart}|${txnId}`;
  else if (offer.allow_duplicates) dedupeKey = `dup|${newId(now)}`;
  else dedupeKey = `click|${click.id}|${goalPart}`;

  const subs = subsOf(click);
  const verdict = await deps.rules.evaluate({
    advertiserId,
    offerId: offer.id,
    publisherId: click.publisher_id,
    goal,
    amount,
    expectedRevenue,
    saleAmount: saleAmount ?? null,
    country: countryOf(request),
    clickCreatedAt: Number(click.created_at),
    now,
    clickCountry: click.country,
    clickSubs: subs,
  });
  // Amounts in another currency than the offer's cannot be compared with its terms.
  const toleranceReview =
    amount !== undefined && finalCurrency === offer.currency
      ? payoutReviewReason(amount, expectedRevenue, ctx.config.payoutTolerance)
      : null;

  return {
    ok: true,
    prepared: {
      advertiserId,
      dedupeKey,
      click: {
        id: click.id,
        offerId: offer.id,
        publisherId: click.publisher_id,
        linkId: click.link_id,
        subs,
      },
      goal,
      txnId,
      // A rule's decision wins over the status sent: held is pending for review, rejected is rejected.
      status: verdict ? (verdict.action === 'hold' ? 'pending' : 'rejected') : status,
      statusRaw: fields.status ?? null,
      amount,
      payout: payoutFor(term, revenue),
      revenue,
      saleAmount: saleAmount ?? null,
      currency: finalCurrency,
      review: verdict ? `${RULE_REVIEW_PREFIX}${verdict.reasonCode}` : toleranceReview,
      advSubs: advSubsOf(fields.subs),
      capped: !verdict && (await offerHasCaps(ctx, offer.id, click.publisher_id)),
    },
  };
}

type Sender =
  | { advertiser: InboundAdvertiser; fields: InboundFields }
  | { code: InboundCode; advertiserId: number | null };

/**
 * Who sent the hit: the token in the path or a token parameter names and authenticates the
 * advertiser; on /postback a `network` parameter names it and network-auth.ts authenticates it.
 * Either way one cached lookup, then the advertiser's own parameter names are applied.
 */
async function resolveSender(deps: InboundDeps, request: InboundRequest): Promise<Sender> {
  const network = request.pathToken === undefined ? request.params.get('network') : undefined;
  if (network !== undefined) {
    const advertiser = await deps.advertisers.resolveNetwork(network.trim().toLowerCase());
    if (!advertiser) return { code: 'unknown_network', advertiserId: null };
    request.fieldNames = advertiser.fieldNames;
    const fields = extractInboundFields(request.params, advertiser.fieldNames);
    const code = authenticateNetworkHit(advertiser, fields.token, request.params);
    return code ? { code, advertiserId: advertiser.id } : { advertiser, fields };
  }
  const plain = extractInboundFields(request.params);
  const token = request.pathToken ?? plain.token ?? '';
  if (token.trim() === '') return { code: 'missing_token', advertiserId: null };
  const advertiser = await deps.advertisers.resolve(token);
  if (!advertiser) return { code: 'bad_token', advertiserId: null };
  if (!advertiser.fieldNames) return { advertiser, fields: plain };
  request.fieldNames = advertiser.fieldNames;
  const fields = extractInboundFields(request.params, advertiser.fieldNames);
  return { advertiser, fields };
}

/** The conversion's country as the postback reports it (offerwall networks send `country`). */
function countryOf(request: InboundRequest): string | undefined {
  const value = request.params.get('country') ?? request.params.get('geo');
  return value && /^[A-Za-z]{2}$/.test(value) ? value.toUpperCase() : undefined;
}

function subsOf(click: ClickForConversion): Record<string, string | null> {
  const subs: Record<string, string | null> = {};
  for (const key of SUB_KEYS) subs[key] = click[key];
  return subs;
}

/** sub1–sub10 as sent → adv1–adv10. */
function advSubsOf(subs: Record<string, string>): Record<AdvSubColumn, string | null> {
  const out = {} as Record<AdvSubColumn, string | null>;
  ADV_SUB_COLUMNS.forEach((column, i) => {
    out[column] = subs[`sub${i + 1}`]?.slice(0, MAX_ADV_SUB_LENGTH) ?? null;
  });
  return out;
}
