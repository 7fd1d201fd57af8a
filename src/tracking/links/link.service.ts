// Link rules: a slug that is valid and unique (generated when not given), existing offer and
// publisher, default sub ids sub1–sub10.
import { randomBytes } from 'node:crypto';
import { findOfferById } from '../../catalog/offers/offer.service.ts';
import { findPublisherById } from '../../catalog/publishers/publisher.service.ts';
import type { Config } from '../../config/config.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import type { AppContext } from '../../server/app-context.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { defaultOfferOf, smartLinkExists } from '../../smartlinks/smartlink.service.ts';
import { deleteLinkRow, findLinkRowBySlug, insertLink, updateLinkRow } from './link.repository.ts';
import type { LinkRow } from './link.table.ts';

export const SLUG_PATTERN = '^[A-Za-z0-9_-]{3,64}$';
export type Subs = Partial<Record<string, string>>;

export interface LinkInput {
  /** Required unless smartlinkId is given; then the offer its fallback clicks count under. */
  offerId?: number;
  /** The SmartLink that chooses each click's offer. */
  smartlinkId?: number;
  publisherId: number;
  slug?: string;
  subs?: Subs;
}

/** 8 URL-safe characters: 48 random bits, short enough to type, too many to enumerate. */
export function generateSlug(): string {
  return randomBytes(6).toString('base64url');
}

export function trackingUrlOf(config: Config, slug: string): string {
  return `${config.publicUrl}/c/${slug}`;
}

export function toLinkView(row: LinkRow, config: Config) {
  return {
    id: row.id,
    slug: row.slug,
    url: trackingUrlOf(config, row.slug),
    offerId: row.offer_id,
    smartlinkId: row.smartlink_id ?? null,
    publisherId: row.publisher_id,
    subs: JSON.parse(row.subs) as Record<string, string>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const slugTaken = (slug: string) =>
  new AppError('conflict', `slug: "${slug}" is already used by another link`);

export async function createLink(ctx: AppContext, input: LinkInput): Promise<LinkRow> {
  const db = ctx.store.db;
  const offerId = await linkOfferId(ctx, input);
  if (!(await findOfferById(db, offerId))) {
    throw new AppError('validation_failed', `offerId: no offer ${offerId}`);
  }
  if (!(await findPublisherById(db, input.publisherId))) {
    throw new AppError('validation_failed', `publisherId: no publisher ${input.publisherId}`);
  }
  if (input.slug && (await findLinkRowBySlug(db, input.slug))) throw slugTaken(input.slug);
  const now = ctx.clock.now();
  // A generated slug may collide (rarely); a chosen one that races another insert is a conflict.
  for (let attempt = 0; ; attempt++) {
    const slug = input.slug ?? generateSlug();
    try {
      const row = await insertLink(db, {
        slug,
        offer_id: offerId,
        smartlink_id: input.smartlinkId ?? null,
        publisher_id: input.publisherId,
        subs: JSON.stringify(input.subs ?? {}),
        created_at: now,
        updated_at: now,
      });
      ctx.events.emit('catalog.changed');
      return row;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (input.slug || attempt >= 4) throw slugTaken(slug);
    }
  }
}

/** The link's offer: the one given, or for a SmartLink link without one, the SmartLink's first offer. */
async function linkOfferId(
  ctx: AppContext,
  input: { offerId?: number; smartlinkId?: number },
): Promise<number> {
  if (input.smartlinkId !== undefined) {
    if (!(await smartLinkExists(ctx.store.db, input.smartlinkId))) {
      throw new AppError('validation_failed', `smartlinkId: no smartlink ${input.smartlinkId}`);
    }
    if (input.offerId !== undefined) return input.offerId;
    const offerId = await defaultOfferOf(ctx.store.db, input.smartlinkId);
    if (offerId === undefined) {
      throw new AppError('validation_failed', 'offerId: required when the SmartLink has no offer yet');
    }
    return offerId;
  }
  if (input.offerId === undefined)
    throw new AppError('validation_failed', 'offerId: required without smartlinkId');
  return input.offerId;
}

export async function updateLink(
  ctx: AppContext,
  id: number,
  patch: { subs?: Subs; smartlinkId?: number | null },
): Promise<LinkRow> {
  if (patch.smartlinkId != null && !(await smartLinkExists(ctx.store.db, patch.smartlinkId))) {
    throw new AppError('validation_failed', `smartlinkId: no smartlink ${patch.smartlinkId}`);
  }
  const row = await updateLinkRow(ctx.store.db, id, {
    ...(patch.subs !== undefined && { subs: JSON.stringify(patch.subs) }),
    ...(patch.smartlinkId !== undefined && { smartlink_id: patch.smartlinkId }),
    updated_at: ctx.clock.now(),
  });
  if (!row) throw notFound('link');
  ctx.events.emit('catalog.changed');
  return row;
}

export async function deleteLink(ctx: AppContext, id: number): Promise<void> {
  if (!(await deleteLinkRow(ctx.store.db, id))) throw notFound('link');
  ctx.events.emit('catalog.changed');
}
