import { type Static, Type } from '@sinclair/typebox';
import { Id, Millis, Money, Nullable } from '../admin/api.schemas.ts';

export const GOAL_KEY_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';

const GoalInput = Type.Object({
  key: Type.String({ pattern: GOAL_KEY_PATTERN, description: 'slug: lowercase letters, digits, _ and -' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  payout: Type.Optional(Nullable(Money)),
  revenue: Type.Optional(Nullable(Money)),
});

export const Goal = Type.Object({
  key: Type.String(),
  name: Type.String(),
  payout: Nullable(Type.Number()),
  /** Absent for publisher keys. */
  revenue: Type.Optional(Nullable(Type.Number())),
});

export const Offer = Type.Object({
  id: Type.Integer(),
  advertiserId: Type.Integer(),
  name: Type.String(),
  url: Type.String(),
  payout: Type.Number({ description: 'what the publisher earns per conversion' }),
  revenue: Type.Optional(
    Type.Number({ description: 'what the advertiser pays; hidden from publisher keys' }),
  ),
  currency: Type.String(),
  goals: Type.Array(Goal),
  allowDuplicates: Type.Boolean(),
  clickLifetimeDays: Type.Integer(),
  createdAt: Millis,
  updatedAt: Millis,
});

const offerFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  url: Type.String({
    pattern: '^https?://\\S+$',
    maxLength: 4000,
    description: 'destination URL template with macros such as {click_id} and {sub1}',
  }),
  payout: Money,
  revenue: Money,
  currency: Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217 code' }),
  goals: Type.Array(GoalInput, { maxItems: 100 }),
  allowDuplicates: Type.Boolean(),
  clickLifetimeDays: Type.Integer({ minimum: 1, maximum: 3650 }),
};

export const CreateOfferBody = Type.Object({
  advertiserId: Id(),
  name: offerFields.name,
  url: offerFields.url,
  payout: Type.Optional(offerFields.payout),
  revenue: Type.Optional(offerFields.revenue),
  currency: Type.Optional(offerFields.currency),
  goals: Type.Optional(offerFields.goals),
  allowDuplicates: Type.Optional(offerFields.allowDuplicates),
  clickLifetimeDays: Type.Optional(offerFields.clickLifetimeDays),
});
export type CreateOfferBody = Static<typeof CreateOfferBody>;

/** goals, when given, replace the offer's whole goal list. */
export const UpdateOfferBody = Type.Partial(Type.Object(offerFields));
export type UpdateOfferBody = Static<typeof UpdateOfferBody>;

export const OfferListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  advertiserId: Type.Optional(Id()),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'name contains (any case), or the id' })),
});
export type OfferListQuery = Static<typeof OfferListQuery>;
