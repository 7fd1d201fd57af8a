// Everything a batch of deliveries needs to be rendered, in a few queries for the whole batch
// (the worker renders hundreds at a time and must not pay one round trip per delivery).

import type { OfferRow } from '../../catalog/offers/offer.table.ts';
import type { PublisherRow } from '../../catalog/publishers/publisher.table.ts';
import type { ConversionEventRow, ConversionRow } from '../../conversions/conversion.table.ts';
import type { Db } from '../../db/database.types.ts';
import type { PostbackRow } from '../../postbacks/postback.table.ts';
import type { RewardEntryRow } from '../../rewards/reward.table.ts';
import { findRewardEntriesByIds, rewardEntriesOfEvents } from '../../rewards/reward-ledger.service.ts';
import type { ClickRow } from '../../tracking/clicks/click.table.ts';
import type { DeliveryRow } from '../delivery.table.ts';

/** What a delivery of a conversion event is rendered from. */
export interface ConversionDeliveryContext {
  delivery: DeliveryRow;
  postback: PostbackRow;
  conversion: ConversionRow;
  event: ConversionEventRow;
  /** undefined when the click row is gone (retention); click macros then render empty. */
  click: ClickRow | undefined;
  offer: OfferRow;
  publisher: PublisherRow;
  /** Id of the conversion's goal row, for {goal_id}; null for the default goal. */
  goalId?: number | null;
  /** The rewards ledger entry the event wrote, for {user_id}, {points}, {balance}…. */
  reward?: RewardEntryRow;
}

/** What a delivery of a ledger entry written by hand (adjustment, redemption) is rendered from. */
export interface LedgerDeliveryContext {
  delivery: DeliveryRow;
  postback: PostbackRow;
  conversion?: undefined;
  event?: undefined;
  click?: undefined;
  offer?: undefined;
  publisher: PublisherRow;
  goalId?: undefined;
  reward: RewardEntryRow;
}

export type DeliveryContext = ConversionDeliveryContext | LedgerDeliveryContext;

const unique = <T>(values: T[]): T[] => [...new Set(values)];

function byId<R extends { id: string | number }>(rows: R[]): Map<R['id'], R> {
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Contexts keyed by delivery id. A delivery whose postback, conversion, event, offer or publisher
 * no longer exists is left out of the map: it cannot be rendered, and the caller decides its fate.
 */
export async function loadDeliveryContexts(
  db: Db,
  deliveryIds: string[],
): Promise<Map<string, DeliveryContext>> {
  const ids = unique(deliveryIds);
  if (ids.length === 0) return new Map();
  const deliveries = await db.selectFrom('deliveries').selectAll().where('id', 'in', ids).execute();
  return loadContextsOf(db, deliveries);
}

/** The contexts of delivery rows already in hand (the worker's claim returns them whole). */
export async function loadContextsOf(
  db: Db,
  all: readonly DeliveryRow[],
): Promise<Map<string, DeliveryContext>> {
  const contexts = new Map<string, DeliveryContext>();
  const deliveries = all.filter((d) => d.conversion_id !== null);
  await addLedgerContexts(
    db,
    all.filter((d) => d.reward_entry_id !== null),
    contexts,
  );
  if (deliveries.length === 0) return contexts;

  const [postbacks, conversions, events, publishers] = await Promise.all([
    db
      .selectFrom('postbacks')
      .selectAll()
      .where('id', 'in', unique(deliveries.map((d) => d.postback_id)))
      .execute(),
    db
      .selectFrom('conversions')
      .selectAll()
      .where('id', 'in', unique(deliveries.map((d) => d.conversion_id as string)))
      .execute(),
    db
      .selectFrom('conversion_events')
      .selectAll()
      .where('id', 'in', unique(deliveries.map((d) => d.conversion_event_id as number)))
      .execute(),
    db
      .selectFrom('publishers')
      .selectAll()
      .where('id', 'in', unique(deliveries.map((d) => d.publisher_id)))
      .execute(),
  ]);
  if (conversions.length === 0) return contexts;
  const offerIds = unique(conversions.map((c) => c.offer_id));
  const [clicks, offers, goals, rewards] = await Promise.all([
    db
      .selectFrom('clicks')
      .selectAll()
      .where('id', 'in', unique(conversions.map((c) => c.click_id)))
      .execute(),
    db.selectFrom('offers').selectAll().where('id', 'in', offerIds).execute(),
    db
      .selectFrom('offer_goals')
      .select(['id', 'offer_id', 'key'])
      .where('offer_id', 'in', offerIds)
      .execute(),
    rewardEntriesOfEvents(
      db,
      events.map((e) => e.id),
    ),
  ]);

  const postbackById = byId(postbacks);
  const conversionById = byId(conversions);
  const eventById = byId(events);
  const publisherById = byId(publishers);
  const clickById = byId(clicks);
  const offerById = byId(offers);
  const goalIdByKey = new Map(goals.map((g) => [`${g.offer_id}:${g.key}`, g.id]));

  for (const delivery of deliveries) {
    const postback = postbackById.get(delivery.postback_id);
    const conversion = conversionById.get(delivery.conversion_id as string);
    const event = eventById.get(delivery.conversion_event_id as number);
    const publisher = publisherById.get(delivery.publisher_id);
    const offer = conversion ? offerById.get(conversion.offer_id) : undefined;
    if (!postback || !conversion || !event || !publisher || !offer) continue;
    contexts.set(delivery.id, {
      delivery,
      postback,
      conversion,
      event,
      click: clickById.get(conversion.click_id),
      offer,
      publisher,
      goalId: goalIdByKey.get(`${conversion.offer_id}:${conversion.goal}`) ?? null,
      reward: rewards.get(event.id),
    });
  }
  return contexts;
}

/** Contexts of deliveries of ledger entries written by hand: the entry, its postback and publisher. */
async function addLedgerContexts(
  db: Db,
  deliveries: DeliveryRow[],
  contexts: Map<string, DeliveryContext>,
): Promise<void> {
  if (deliveries.length === 0) return;
  const [postbacks, publishers, entries] = await Promise.all([
    db
      .selectFrom('postbacks')
      .selectAll()
      .where('id', 'in', unique(deliveries.map((d) => d.postback_id)))
      .execute(),
    db
      .selectFrom('publishers')
      .selectAll()
      .where('id', 'in', unique(deliveries.map((d) => d.publisher_id)))
      .execute(),
    findRewardEntriesByIds(db, unique(deliveries.map((d) => d.reward_entry_id as number))),
  ]);
  const postbackById = byId(postbacks);
  const publisherById = byId(publishers);
  const entryById = new Map(entries.map((e) => [Number(e.id), e]));
  for (const delivery of deliveries) {
    const postback = postbackById.get(delivery.postback_id);
    const publisher = publisherById.get(delivery.publisher_id);
    const reward = entryById.get(Number(delivery.reward_entry_id));
    if (postback && publisher && reward) contexts.set(delivery.id, { delivery, postback, publisher, reward });
  }
}
