import { type Static, Type } from '@sinclair/typebox';
import { Id, Millis, Money, Nullable, StringEnum } from '../../shared/api-schemas.ts';
import { PAGE_FIELDS } from '../../shared/pagination.ts';
import { PAYOUT_TYPES } from './payout-terms.ts';

export const GOAL_KEY_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';

const PayoutType = StringEnum(PAYOUT_TYPES, {
  description: 'fixed: payout is an amount; revshare: payout is a percent (0-100) of the revenue',
});

const GoalInput = Type.Object({
  key: Type.String({ pattern: GOAL_KEY_PATTERN, description: 'slug: lowercase letters, digits, _ and -' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  payoutType: Type.Optional(PayoutType),
  payout: Type.Optional(Nullable(Money)),
  revenue: Type.Optional(Nullable(Money)),
});

/** Fields a role may not read are absent (auth/field-visibility.ts). */
export const Goal = Type.Object({
  key: Type.String(),
  name: Type.String(),
  payoutType: Type.Optional(PayoutType),
  payout: Type.Optional(Nullable(Type.Number())),
  revenue: Type.Optional(Nullable(Type.Number())),
});

const PublisherPayoutInput = Type.Object(
  {
    publisherId: Id(),
    payoutType: Type.Optional(PayoutType),
    payout: Money,
  },
  { additionalProperties: false },
);

const PublisherPayout = Type.Object({
  publisherId: Type.Integer(),
  payoutType: PayoutType,
  payout: Type.Number(),
});

/** Fields a role may not read are absent (auth/field-visibility.ts). */
export const Offer = Type.Object({
  id: Type.Integer(),
  advertiserId: Type.Optional(Type.Integer()),
  name: Type.String(),
  url: Type.Optional(Type.String()),
  payoutType: Type.Optional(PayoutType),
  payout: Type.Optional(
    Type.Number({
      description: "what the publisher earns per conversion (for a publisher key, its own override's)",
    }),
  ),
  revenue: Type.Optional(Type.Number({ description: 'what the advertiser pays' })),
  publisherPayouts: Type.Optional(Type.Array(PublisherPayout)),
  currency: Type.String(),
  goals: Type.Array(Goal),
  allowDuplicates: Type.Boolean(),
  clickLifetimeDays: Type.Integer(),
  uniqueWindowHours: Type.Integer(),
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
  payoutType: PayoutType,
  payout: Money,
  revenue: Money,
  publisherPayouts: Type.Array(PublisherPayoutInput, {
    maxItems: 10_000,
    description: "publishers paid otherwise than the offer's payout; replaces the whole list",
  }),
  currency: Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217 code' }),
  goals: Type.Array(GoalInput, { maxItems: 100 }),
  allowDuplicates: Type.Boolean(),
  clickLifetimeDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  uniqueWindowHours: Type.Integer({
    minimum: 1,
    maximum: 8760,
    description:
      'a click is unique unless the same IP and user agent clicked the same link this many hours before',
  }),
};

export const CreateOfferBody = Type.Object({
  advertiserId: Id(),
  name: offerFields.name,
  url: offerFields.url,
  payoutType: Type.Optional(offerFields.payoutType),
  payout: Type.Optional(offerFields.payout),
  revenue: Type.Optional(offerFields.revenue),
  publisherPayouts: Type.Optional(offerFields.publisherPayouts),
  currency: Type.Optional(offerFields.currency),
  goals: Type.Optional(offerFields.goals),
  allowDuplicates: Type.Optional(offerFields.allowDuplicates),
  clickLifetimeDays: Type.Optional(offerFields.clickLifetimeDays),
  uniqueWindowHours: Type.Optional(offerFields.uniqueWindowHours),
});
export type CreateOfferBody = Static<typeof CreateOfferBody>;

/** goals, when given, replace the offer's whole goal list. */
export const UpdateOfferBody = Type.Partial(Type.Object(offerFields));
export type UpdateOfferBody = Static<typeof UpdateOfferBody>;

export const OfferListQuery = Type.Object({
  ...PAGE_FIELDS,
  advertiserId: Type.Optional(Id()),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'name contains (any case), or the id' })),
});
export type OfferListQuery = Static<typeof OfferListQuery>;
