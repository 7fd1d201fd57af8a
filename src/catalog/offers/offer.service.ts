// Offer rules: goals with unique slug keys ("default" is the offer's own), ISO currencies, and a
// view that hides revenue from publishers.

import type { Db } from '../../db/database.types.ts';
import { REDIRECT_MACROS } from '../../macros/click-macro-values.ts';
import { assertKnownMacros, assertNoMacroInAuthority } from '../../macros/validate-template.ts';
import type { AppContext } from '../../server/app-context.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { findAdvertiserById } from '../advertisers/advertiser.repository.ts';
import {
  deleteOfferRow,
  findGoalsOfOffers,
  findOfferById,
  type GoalValues,
  insertOffer,
  offerHasLinks,
  replaceOfferGoals,
  updateOfferRow,
} from './offer.repository.ts';
import type { CreateOfferBody, UpdateOfferBody } from './offer.schemas.ts';
import type { OfferGoalRow, OfferRow } from './offer.table.ts';

export { findOfferById } from './offer.repository.ts';

export const DEFAULT_GOAL = 'default';

export interface OfferWithGoals {
  offer: OfferRow;
  goals: OfferGoalRow[];
}

type GoalInput = NonNullable<CreateOfferBody['goals']>[number];

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
    return {
      key: goal.key,
      name: goal.name.trim(),
      payout: goal.payout ?? null,
      revenue: goal.revenue ?? null,
    };
  });
}

export function toOfferView({ offer, goals }: OfferWithGoals, options: { hideRevenue: boolean }) {
  const hide = options.hideRevenue;
  return {
    id: offer.id,
    advertiserId: offer.advertiser_id,
    name: offer.name,
    url: offer.url,
    payout: offer.payout,
    ...(!hide && { revenue: offer.revenue }),
    currency: offer.currency,
    goals: goals.map((g) => ({
      key: g.key,
      name: g.name,
      payout: g.payout,
      ...(!hide && { revenue: g.revenue }),
    })),
    allowDuplicates: offer.allow_duplicates === 1,
    clickLifetimeDays: offer.click_lifetime_days,
    createdAt: offer.created_at,
    updatedAt: offer.updated_at,
  };
}

export async function loadOffer(db: Db, id: number): Promise<OfferWithGoals | undefined> {
  const offer = await findOfferById(db, id);
  if (!offer) return undefined;
  return { offer, goals: (await findGoalsOfOffers(db, [id])).get(id) ?? [] };
}

/** The destination URL is filled at redirect, so only macros a click has a value for may be used. */
function checkDestinationUrl(url: string): void {
  assertKnownMacros([['url', url]], REDIRECT_MACROS);
  assertNoMacroInAuthority('url', url);
}

export async function createOffer(ctx: AppContext, input: CreateOfferBody): Promise<OfferWithGoals> {
  checkDestinationUrl(input.url);
  const goals = normalizeGoals(input.goals ?? []);
  const now = ctx.clock.now();
  const result = await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await findAdvertiserById(trx, input.advertiserId))) {
      throw new AppError('validation_failed', `advertiserId: no advertiser ${input.advertiserId}`);
    }
    const offer = await insertOffer(trx, {
      advertiser_id: input.advertiserId,
      name: input.name.trim(),
      url: input.url,
      payout: input.payout ?? 0,
      revenue: input.revenue ?? 0,
      currency: (input.currency ?? 'USD').toUpperCase(),
      allow_duplicates: input.allowDuplicates ? 1 : 0,
      click_lifetime_days: input.clickLifetimeDays ?? 30,
      created_at: now,
      updated_at: now,
    });
    await replaceOfferGoals(trx, offer.id, goals);
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
      ...(patch.payout !== undefined && { payout: patch.payout }),
      ...(patch.revenue !== undefined && { revenue: patch.revenue }),
      ...(patch.currency !== undefined && { currency: patch.currency.toUpperCase() }),
      ...(patch.allowDuplicates !== undefined && { allow_duplicates: patch.allowDuplicates ? 1 : 0 }),
      ...(patch.clickLifetimeDays !== undefined && { click_lifetime_days: patch.clickLifetimeDays }),
      updated_at: ctx.clock.now(),
    });
    if (!offer) throw notFound('offer');
    if (goals) await replaceOfferGoals(trx, id, goals);
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
    await deleteOfferRow(trx, id);
  });
  ctx.events.emit('catalog.changed');
}
