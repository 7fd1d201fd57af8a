// Offer rules: goals with unique slug keys ("default" is the offer's own), ISO currencies, payouts
// as an amount or a share of revenue, per-publisher payouts, and a view per role.
import { readableView } from '../../auth/field-visibility.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Db } from '../../db/database.types.ts';
import { REDIRECT_MACROS } from '../../macros/click-macro-values.ts';
import { assertKnownMacros, assertNoMacroInAuthority } from '../../macros/validate-template.ts';
import type { AppContext } from '../../server/app-context.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { smartLinksUsingOffer } from '../../smartlinks/smartlink.service.ts';
import { findAdvertiserById } from '../advertisers/advertiser.repository.ts';
import {
  deleteOfferRow,
  findGoalsOfOffers,
  findMissingPublisherIds,
  findOfferById,
  findPublisherPayoutsOfOffers,
  type GoalValues,
  insertOffer,
  offerHasLinks,
  type PublisherPayoutValues,
  replaceOfferGoals,
  replaceOfferPublisherPayouts,
  updateOfferRow,
} from './offer.repository.ts';
import type { CreateOfferBody, UpdateOfferBody } from './offer.schemas.ts';
import type { OfferGoalRow, OfferPublisherPayoutRow, OfferRow } from './offer.table.ts';
import type { PayoutType } from './payout-terms.ts';

export { findOfferById } from './offer.repository.ts';

export const DEFAULT_GOAL = 'default';

export interface OfferWithGoals {
  offer: OfferRow;
  goals: OfferGoalRow[];
  publisherPayouts: OfferPublisherPayoutRow[];
}

type GoalInput = NonNullable<CreateOfferBody['goals']>[number];
type PublisherPayoutInput = NonNullable<CreateOfferBody['publisherPayouts']>[number];

/** A share is a percent of the revenue: more than all of it is a typo, not a deal. */
function checkPayoutTerm(field: string, payoutType: PayoutType, payout: number | null): void {
  if (payoutType === 'revshare' && payout !== null && payout > 100) {
    throw new AppError('validation_failed', `${field}: a revshare payout is a percent, at most 100`);
  }
}

export async function normalizePublisherPayouts(
  db: Db,
  payouts: PublisherPayoutInput[],
): Promise<PublisherPayoutValues[]> {
  const seen = new Set<number>();
  const values = payouts.map((p, i) => {
    if (seen.has(p.publisherId))
      throw new AppError(
        'validation_failed',
        `publisherPayouts.${i}.publisherId: ${p.publisherId} is repeated`,
      );
    seen.add(p.publisherId);
    const payoutType = p.payoutType ?? 'fixed';
    checkPayoutTerm(`publisherPayouts.${i}.payout`, payoutType, p.payout);
    return { publisherId: p.publisherId, payoutType, payout: p.payout };
  });
  const missing = await findMissingPublisherIds(db, [...seen]);
  if (missing.length > 0)
    throw new AppError('validation_failed', `publisherPayouts: no publisher ${missing.join(', ')}`);
  return values;
}

export function normalizeGoals(goals: GoalInput[]): GoalValues[] {
  const seen = new Set<string>();
  return goals.map((goal, i) => {
    if (goal.key === DEFAULT_GOAL) {
      throw new AppError(
        'validation_failed',
        `goals.${i}.key: "default" is reserved for the offer's own goal`,
      );
    }
    if (seen.has(goal.key))
      throw new AppError('validation_failed', `goals.${i}.key: "${goal.key}" is repeated`);
    seen.add(goal.key);
    const payoutType = goal.payoutType ?? 'fixed';
    checkPayoutTerm(`goals.${i}.payout`, payoutType, goal.payout ?? null);
    return {
      key: goal.key,
      name: goal.name.trim(),
      payoutType,
      payout: goal.payout ?? null,
      revenue: goal.revenue ?? null,
    };
  });
}

/** The offer as `principal` may read it; a publisher reads its own payout override as the payout. */
export function toOfferView({ offer, goals, publisherPayouts }: OfferWithGoals, principal: Principal) {
  const role = principal.role;
  const own =
    role === 'publisher' ? publisherPayouts.find((p) => p.publisher_id === principal.publisherId) : undefined;
  return readableView('offer', role, {
    id: offer.id,
    advertiserId: offer.advertiser_id,
    name: offer.name,
    url: offer.url,
    payoutType: own?.payout_type ?? offer.payout_type,
    payout: own?.payout ?? offer.payout,
    revenue: offer.revenue,
    publisherPayouts: publisherPayouts.map((p) => ({
      publisherId: p.publisher_id,
      payoutType: p.payout_type,
      payout: p.payout,
    })),
    currency: offer.currency,
    goals: goals.map((g) =>
      readableView('goal', role, {
        key: g.key,
        name: g.name,
        payoutType: g.payout_type,
        payout: g.payout,
        revenue: g.revenue,
      }),
    ),
    allowDuplicates: offer.allow_duplicates === 1,
    clickLifetimeDays: offer.click_lifetime_days,
    uniqueWindowHours: offer.unique_window_hours,
    createdAt: offer.created_at,
    updatedAt: offer.updated_at,
  });
}

export async function loadOffer(db: Db, id: number): Promise<OfferWithGoals | undefined> {
  const offer = await findOfferById(db, id);
  if (!offer) return undefined;
  return {
    offer,
    goals: (await findGoalsOfOffers(db, [id])).get(id) ?? [],
    publisherPayouts: (await findPublisherPayoutsOfOffers(db, [id])).get(id) ?? [],
  };
}

/** The destination URL is filled at redirect, so only macros a click has a value for may be used. */
function checkDestinationUrl(url: string): void {
  assertKnownMacros([['url', url]], REDIRECT_MACROS);
  assertNoMacroInAuthority('url', url);
}

export async function createOffer(ctx: AppContext, input: CreateOfferBody): Promise<OfferWithGoals> {
  checkDestinationUrl(input.url);
  const goals = normalizeGoals(input.goals ?? []);
  const payoutType = input.payoutType ?? 'fixed';
  checkPayoutTerm('payout', payoutType, input.payout ?? 0);
  const now = ctx.clock.now();
  const result = await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await findAdvertiserById(trx, input.advertiserId))) {
      throw new AppError('validation_failed', `advertiserId: no advertiser ${input.advertiserId}`);
    }
    const publisherPayouts = await normalizePublisherPayouts(trx, input.publisherPayouts ?? []);
    const offer = await insertOffer(trx, {
      advertiser_id: input.advertiserId,
      name: input.name.trim(),
      url: input.url,
      payout_type: payoutType,
      payout: input.payout ?? 0,
      revenue: input.revenue ?? 0,
      currency: (input.currency ?? 'USD').toUpperCase(),
      allow_duplicates: input.allowDuplicates ? 1 : 0,
      click_lifetime_days: input.clickLifetimeDays ?? 30,
      unique_window_hours: input.uniqueWindowHours ?? 24,
      created_at: now,
      updated_at: now,
    });
    await replaceOfferGoals(trx, offer.id, goals);
    await replaceOfferPublisherPayouts(trx, offer.id, publisherPayouts);
    return (await loadOffer(trx, offer.id)) as OfferWithGoals;
  });
  ctx.events.emit('catalog.changed');
  return result;
}

export async function updateOffer(
  ctx: AppContext,
  id: number,
  patch: UpdateOfferBody,
): Promise<OfferWithGoals> {
  if (patch.url !== undefined) checkDestinationUrl(patch.url);
  const goals = patch.goals && normalizeGoals(patch.goals);
  const result = await ctx.store.db.transaction().execute(async (trx) => {
    const offer = await updateOfferRow(trx, id, {
      ...(patch.name !== undefined && { name: patch.name.trim() }),
      ...(patch.url !== undefined && { url: patch.url }),
      ...(patch.payoutType !== undefined && { payout_type: patch.payoutType }),
      ...(patch.payout !== undefined && { payout: patch.payout }),
      ...(patch.revenue !== undefined && { revenue: patch.revenue }),
      ...(patch.currency !== undefined && { currency: patch.currency.toUpperCase() }),
      ...(patch.allowDuplicates !== undefined && { allow_duplicates: patch.allowDuplicates ? 1 : 0 }),
      ...(patch.clickLifetimeDays !== undefined && { click_lifetime_days: patch.clickLifetimeDays }),
      ...(patch.uniqueWindowHours !== undefined && { unique_window_hours: patch.uniqueWindowHours }),
      updated_at: ctx.clock.now(),
    });
    if (!offer) throw notFound('offer');
    checkPayoutTerm('payout', offer.payout_type, offer.payout);
    if (goals) await replaceOfferGoals(trx, id, goals);
    if (patch.publisherPayouts)
      await replaceOfferPublisherPayouts(
        trx,
        id,
        await normalizePublisherPayouts(trx, patch.publisherPayouts),
      );
    return (await loadOffer(trx, id)) as OfferWithGoals;
  });
  ctx.events.emit('catalog.changed');
  return result;
}

export async function deleteOffer(ctx: AppContext, id: number): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await findOfferById(trx, id))) throw notFound('offer');
    // Links carry live traffic and conversions point at them: remove them deliberately first.
    if (await offerHasLinks(trx, id))
      throw new AppError('conflict', 'the offer still has links; delete them first');
    const smartlinks = await smartLinksUsingOffer(trx, id);
    if (smartlinks.length > 0)
      throw new AppError(
        'conflict',
        `the offer is in the rules of SmartLink ${smartlinks.map((n) => `#${n}`).join(', ')}; remove it there first`,
      );
    await deleteOfferRow(trx, id);
  });
  ctx.events.emit('catalog.changed');
}
