// Everything a batch of deliveries needs to be rendered, in a few queries for the whole batch
// (the worker renders hundreds at a time and must not pay one round trip per delivery).

import type { OfferRow } from '../../catalog/offers/offer.table.ts';
import type { PublisherRow } from '../../catalog/publishers/publisher.table.ts';
import type { ConversionEventRow, ConversionRow } from '../../conversions/conversion.table.ts';
import type { Db } from '../../db/database.types.ts';
import { inIdList } from '../../db/id-list.ts';
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

/** The click facts an ad platform may be told (platform-attempt.ts `conversionFacts`). */
export type PlatformClickFacts = Pick<
  ClickRow,
  | 'created_at'
  | 'ip'
  | 'user_agent'
  | 'referrer'
  | 'external_id'
  | 'fbclid'
  | 'fbp'
  | 'ttclid'
  | 'gclid'
  | 'gbraid'
  | 'wbraid'
>;

/**
 * What an ad-platform delivery of a conversion event is built from: only the columns a platform
 * may be told, read in one joined query. A full ConversionDeliveryContext satisfies it too.
 */
export interface PlatformDeliveryContext {
  delivery: DeliveryRow;
  postback: PostbackRow;
  conversion: Pick<ConversionRow, 'id' | 'goal' | 'revenue' | 'sale_amount' | 'currency'>;
  event: Pick<ConversionEventRow, 'payout' | 'to_status' | 'created_at'>;
  click: PlatformClickFacts | undefined;
  offer: Pick<OfferRow, 'url'>;
}

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

/**
 * The contexts of claimed delivery rows (the worker's claim returns them whole): the narrow one for
 * deliveries of conversions to postbacks `isPlatform` picks, the full one for every other.
 */
export async function loadWorkContextsOf(
  db: Db,
  all: readonly DeliveryRow[],
  isPlatform: (postback: PostbackRow) => boolean,
): Promise<Map<string, WorkContext>> {
  const postbackIds = unique(all.filter((d) => d.conversion_id !== null).map((d) => d.postback_id));
  if (postbackIds.length === 0) return loadContextsOf(db, all);
  const postbacks = await db
    .selectFrom('postbacks')
    .selectAll()
    .where((eb) => inIdList(db, eb.ref('id'), postbackIds))
    .execute();
  const platformPostbacks = byId(postbacks.filter(isPlatform));
  if (platformPostbacks.size === 0) return loadContextsOf(db, all);
  const toPlatform = (d: DeliveryRow) => d.conversion_id !== null && platformPostbacks.has(d.postback_id);
  const contexts: Map<string, WorkContext> = await loadContextsOf(
    db,
    all.filter((d) => !toPlatform(d)),
  );
  const platform = all.filter(toPlatform);
  const facts = await readPlatformFacts(db, unique(platform.map((d) => d.conversion_event_id as number)));
  for (const delivery of platform) {
    const found = facts.get(delivery.conversion_event_id as number);
    const postback = platformPostbacks.get(delivery.postback_id);
    if (!found || !postback || found.conversion.id !== delivery.conversion_id) continue;
    contexts.set(delivery.id, { delivery, postback, ...found });
  }
  return contexts;
}

/** A claimed delivery's context: the full one, or the narrow one of an ad-platform delivery. */
export type WorkContext = DeliveryContext | PlatformDeliveryContext;

/** Whether a claimed delivery's context is the full one a URL postback is rendered from. */
export function isFullContext(context: WorkContext): context is DeliveryContext {
  return 'publisher' in context;
}

type PlatformFacts = Pick<PlatformDeliveryContext, 'conversion' | 'event' | 'click' | 'offer'>;

/** Per conversion event id: its conversion, click and offer facts, in one joined read. */
async function readPlatformFacts(db: Db, eventIds: number[]): Promise<Map<number, PlatformFacts>> {
  const rows = await db
    .selectFrom('conversion_events as e')
    .innerJoin('conversions as c', 'c.id', 'e.conversion_id')
    .innerJoin('offers as o', 'o.id', 'c.offer_id')
    .leftJoin('clicks as k', 'k.id', 'c.click_id')
    .select([
      'e.id as event_id',
      'e.payout',
      'e.to_status',
      'e.created_at',
      'c.id as conversion_id',
      'c.goal',
      'c.revenue',
      'c.sale_amount',
      'c.currency',
      'o.url as offer_url',
      'k.id as click_id',
      'k.created_at as click_created_at',
      'k.ip',
      'k.user_agent',
      'k.referrer',
      'k.external_id',
      'k.fbclid',
      'k.fbp',
      'k.ttclid',
      'k.gclid',
      'k.gbraid',
      'k.wbraid',
    ])
    .where((eb) => inIdList(db, eb.ref('e.id'), eventIds))
    .execute();
  const facts = new Map<number, PlatformFacts>();
  for (const r of rows) {
    facts.set(Number(r.event_id), {
      conversion: {
        id: r.conversion_id,
        goal: r.goal,
        revenue: r.revenue,
        sale_amount: r.sale_amount,
        currency: r.currency,
      },
      event: { payout: r.payout, to_status: r.to_status, created_at: r.created_at },
      offer: { url: r.offer_url },
      click:
        r.click_id === null
          ? undefined
          : {
              created_at: r.click_created_at as number,
              ip: r.ip as ClickRow['ip'],
              user_agent: r.user_agent as ClickRow['user_agent'],
              referrer: r.referrer as ClickRow['referrer'],
              external_id: r.external_id as ClickRow['external_id'],
              fbclid: r.fbclid as ClickRow['fbclid'],
              fbp: r.fbp as ClickRow['fbp'],
              ttclid: r.ttclid as ClickRow['ttclid'],
              gclid: r.gclid as ClickRow['gclid'],
              gbraid: r.gbraid as ClickRow['gbraid'],
              wbraid: r.wbraid as ClickRow['wbraid'],
            },
    });
  }
  return facts;
}

/** The contexts of delivery rows already in hand. */
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
      .where((eb) => inIdList(db, eb.ref('id'), unique(deliveries.map((d) => d.postback_id))))
      .execute(),
    db
      .selectFrom('conversions')
      .selectAll()
      .where((eb) => inIdList(db, eb.ref('id'), unique(deliveries.map((d) => d.conversion_id as string))))
      .execute(),
    db
      .selectFrom('conversion_events')
      .selectAll()
      .where((eb) =>
        inIdList(db, eb.ref('id'), unique(deliveries.map((d) => d.conversion_event_id as number))),
      )
      .execute(),
    db
      .selectFrom('publishers')
      .selectAll()
      .where((eb) => inIdList(db, eb.ref('id'), unique(deliveries.map((d) => d.publisher_id))))
      .execute(),
  ]);
  if (conversions.length === 0) return contexts;
  const offerIds = unique(conversions.map((c) => c.offer_id));
  const [clicks, offers, goals, rewards] = await Promise.all([
    db
      .selectFrom('clicks')
      .selectAll()
      .where((eb) => inIdList(db, eb.ref('id'), unique(conversions.map((c) => c.click_id))))
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
      .where((eb) => inIdList(db, eb.ref('id'), unique(deliveries.map((d) => d.postback_id))))
      .execute(),
    db
      .selectFrom('publishers')
      .selectAll()
      .where((eb) => inIdList(db, eb.ref('id'), unique(deliveries.map((d) => d.publisher_id))))
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
