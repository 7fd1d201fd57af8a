import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../../../test/support/fixtures.ts';
import {
  insertTestClick,
  insertTestConversion,
  insertTestEvent,
  insertTestPostback,
} from '../../../test/support/postback-rows.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import type { ConversionEventRow, ConversionRow } from '../../conversions/conversion.table.ts';
import type { Db } from '../../db/database.types.ts';
import { DELIVERIES_CHANNEL } from '../../db/notify.ts';
import { enqueueDeliveriesForEvent } from './enqueue-deliveries.ts';

const NOW = 1_718_000_500_000;

describeEachStore('enqueueDeliveriesForEvent', (current) => {
  const db = () => current().store.db;

  async function world(goal = 'default') {
    const catalog = await createCatalog(db(), { goals: [{ key: 'purchase' }] });
    const ids = {
      advertiserId: catalog.advertiser.id,
      offerId: catalog.offer.id,
      publisherId: catalog.publisher.id,
      linkId: catalog.link.id,
    };
    const click = await insertTestClick(db(), ids);
    const { conversion, event } = await insertTestConversion(db(), click, { goal, status: 'approved' });
    return { catalog, ids, click, conversion, event };
  }

  const enqueue = (conversion: ConversionRow, event: ConversionEventRow) =>
    db()
      .transaction()
      .execute((trx) => enqueueDeliveriesForEvent(trx, conversion, event, NOW));

  const firedPostbacks = async (event: ConversionEventRow) =>
    (
      await db()
        .selectFrom('deliveries')
        .select('postback_id')
        .where('conversion_event_id', '=', event.id)
        .orderBy('postback_id')
        .execute()
    ).map((r) => r.postback_id);

  it('queues one pending delivery per matching postback, due now, with a dlv_ id', async () => {
    const w = await world();
    const global = await insertTestPostback(db(), w.ids.publisherId);
    expect(await enqueue(w.conversion, w.event)).toBe(1);
    const rows = await db()
      .selectFrom('deliveries')
      .selectAll()
      .where('conversion_event_id', '=', w.event.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      postback_id: global.id,
      conversion_id: w.conversion.id,
      publisher_id: w.ids.publisherId,
      status: 'pending',
      attempts: 0,
      next_run_at: NOW,
      created_at: NOW,
    });
    expect(rows[0].id).toMatch(/^dlv_.{24}$/);
  });

  it('never queues two deliveries for the same event and postback, even when run twice', async () => {
    const w = await world();
    await insertTestPostback(db(), w.ids.publisherId);
    await insertTestPostback(db(), w.ids.publisherId, { fire_with_specific: 1 });
    expect(await enqueue(w.conversion, w.event)).toBe(2);
    expect(await enqueue(w.conversion, w.event)).toBe(0);
    expect(await firedPostbacks(w.event)).toHaveLength(2);
  });

  it('counts what it queued past the prepared row counts too (a publisher with ten postbacks)', async () => {
    const w = await world();
    for (let i = 0; i < 10; i++) await insertTestPostback(db(), w.ids.publisherId);
    expect(await enqueue(w.conversion, w.event)).toBe(10);
    expect(await enqueue(w.conversion, w.event)).toBe(0);
    expect(await firedPostbacks(w.event)).toHaveLength(10);
  });

  it('lets an offer postback override the global one unless the global one fires with specific', async () => {
    const w = await world();
    const global = await insertTestPostback(db(), w.ids.publisherId);
    const offer = await insertTestPostback(db(), w.ids.publisherId, {
      scope: 'offer',
      offer_id: w.ids.offerId,
    });
    await enqueue(w.conversion, w.event);
    expect(await firedPostbacks(w.event)).toEqual([offer.id]);

    await db().updateTable('postbacks').set({ fire_with_specific: 1 }).where('id', '=', global.id).execute();
    const next = await insertTestEvent(db(), w.conversion, 'approved', 'reversed', NOW);
    await enqueue(w.conversion, next);
    expect(await firedPostbacks(next)).toEqual([global.id, offer.id]);
  });

  it('fires the global postback when the offer postback belongs to another offer', async () => {
    const w = await world();
    const other = await createCatalog(db());
    const global = await insertTestPostback(db(), w.ids.publisherId);
    await insertTestPostback(db(), w.ids.publisherId, { scope: 'offer', offer_id: other.offer.id });
    await enqueue(w.conversion, w.event);
    expect(await firedPostbacks(w.event)).toEqual([global.id]);
  });

  it('lets a goal postback beat offer and global ones for its goal only', async () => {
    const purchase = await world('purchase');
    const pid = purchase.ids.publisherId;
    await insertTestPostback(db(), pid);
    const offer = await insertTestPostback(db(), pid, { scope: 'offer', offer_id: purchase.ids.offerId });
    const goal = await insertTestPostback(db(), pid, {
      scope: 'goal',
      offer_id: purchase.ids.offerId,
      goal: 'purchase',
    });
    await enqueue(purchase.conversion, purchase.event);
    expect(await firedPostbacks(purchase.event)).toEqual([goal.id]);

    // The default goal of the same offer: the goal postback is out of scope, the offer one wins.
    const { conversion, event } = await insertTestConversion(db(), purchase.click, { goal: 'default' });
    await enqueue(conversion, event);
    expect(await firedPostbacks(event)).toEqual([offer.id]);

    // fireWithSpecific on the offer postback: it fires beside the goal postback.
    await db().updateTable('postbacks').set({ fire_with_specific: 1 }).where('id', '=', offer.id).execute();
    const again = await insertTestEvent(db(), purchase.conversion, 'approved', 'reversed', NOW);
    await enqueue(purchase.conversion, again);
    expect(await firedPostbacks(again)).toEqual([offer.id, goal.id]);
  });

  it('lets a link postback beat offer and global ones for its own link only, and yield to a goal postback', async () => {
    const w = await world();
    const pid = w.ids.publisherId;
    const offer = await insertTestPostback(db(), pid, { scope: 'offer', offer_id: w.ids.offerId });
    const link = await insertTestPostback(db(), pid, {
      scope: 'link',
      offer_id: w.ids.offerId,
      link_id: w.ids.linkId,
    });
    await enqueue(w.conversion, w.event);
    expect(await firedPostbacks(w.event)).toEqual([link.id]);

    // Another link of the same publisher on the same offer: the link postback is out of scope.
    const otherLink = await db()
      .insertInto('links')
      .values({
        slug: `other-${w.ids.linkId}`,
        offer_id: w.ids.offerId,
        publisher_id: pid,
        subs: '{}',
        created_at: NOW,
        updated_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const elsewhere = await insertTestClick(db(), { ...w.ids, linkId: otherLink.id });
    const viaOther = await insertTestConversion(db(), elsewhere, { status: 'approved' });
    await enqueue(viaOther.conversion, viaOther.event);
    expect(await firedPostbacks(viaOther.event)).toEqual([offer.id]);

    // A goal postback is more specific than a link postback, which may still fire beside it.
    const purchase = await insertTestConversion(db(), w.click, { goal: 'purchase', status: 'approved' });
    const goal = await insertTestPostback(db(), pid, {
      scope: 'goal',
      offer_id: w.ids.offerId,
      goal: 'purchase',
    });
    await enqueue(purchase.conversion, purchase.event);
    expect(await firedPostbacks(purchase.event)).toEqual([goal.id]);
    await db().updateTable('postbacks').set({ fire_with_specific: 1 }).where('id', '=', link.id).execute();
    const again = await insertTestEvent(db(), purchase.conversion, 'approved', 'reversed', NOW);
    await enqueue(purchase.conversion, again);
    expect(await firedPostbacks(again)).toEqual([link.id, goal.id]);
  });

  it('applies status filters before precedence: a specific postback that does not fire overrides nothing', async () => {
    const w = await world();
    const global = await insertTestPostback(db(), w.ids.publisherId);
    const offer = await insertTestPostback(db(), w.ids.publisherId, {
      scope: 'offer',
      offer_id: w.ids.offerId,
      statusList: ['approved'],
    });
    const pending = await insertTestEvent(db(), w.conversion, null, 'pending', NOW);
    await enqueue(w.conversion, pending);
    expect(await firedPostbacks(pending)).toEqual([global.id]);
    await enqueue(w.conversion, w.event);
    expect(await firedPostbacks(w.event)).toEqual([offer.id]);

    const onlyReversed = await insertTestPostback(db(), w.ids.publisherId, {
      statusList: ['reversed'],
      fire_with_specific: 1,
    });
    const reversal = await insertTestEvent(db(), w.conversion, 'approved', 'reversed', NOW);
    await enqueue(w.conversion, reversal);
    expect(await firedPostbacks(reversal)).toEqual([global.id, onlyReversed.id]);
  });

  it('skips switched-off postbacks and holds deliveries of a disabled endpoint', async () => {
    const w = await world();
    await insertTestPostback(db(), w.ids.publisherId, { enabled: 0 });
    const disabled = await insertTestPostback(db(), w.ids.publisherId, {
      state: 'disabled',
      disabled_reason: 'receiver answered 410 Gone',
    });
    expect(await enqueue(w.conversion, w.event)).toBe(1);
    const rows = await db()
      .selectFrom('deliveries')
      .selectAll()
      .where('conversion_event_id', '=', w.event.id)
      .execute();
    expect(rows.map((r) => [r.postback_id, r.status])).toEqual([[disabled.id, 'held']]);
  });

  it("never fires another publisher's postbacks", async () => {
    const w = await world();
    const stranger = await createCatalog(db());
    await insertTestPostback(db(), stranger.publisher.id);
    await insertTestPostback(db(), stranger.publisher.id, { scope: 'offer', offer_id: w.ids.offerId });
    expect(await enqueue(w.conversion, w.event)).toBe(0);
    expect(await firedPostbacks(w.event)).toEqual([]);
  });

  it('rolls back with the transaction that wrote the event', async () => {
    const w = await world();
    await insertTestPostback(db(), w.ids.publisherId);
    await expect(
      db()
        .transaction()
        .execute(async (trx: Db) => {
          await enqueueDeliveriesForEvent(trx, w.conversion, w.event, NOW);
          throw new Error('crash before commit');
        }),
    ).rejects.toThrow('crash before commit');
    expect(await firedPostbacks(w.event)).toEqual([]);
  });

  describe('wake-up at commit', () => {
    it('notifies LISTENers on stores that have LISTEN/NOTIFY, only once the transaction commits', async () => {
      const w = await world();
      await insertTestPostback(db(), w.ids.publisherId);
      const { store, databaseUrl } = current();
      if (!store.capabilities.listenNotify) {
        // Without LISTEN/NOTIFY the enqueue must still work inside a transaction (no stray SQL).
        expect(await enqueue(w.conversion, w.event)).toBe(1);
        return;
      }
      const listener = new pg.Client({ connectionString: databaseUrl });
      await listener.connect();
      try {
        const received: string[] = [];
        listener.on('notification', (n) => received.push(n.channel));
        await listener.query(`listen ${DELIVERIES_CHANNEL}`);
        let seenBeforeCommit = -1;
        await db()
          .transaction()
          .execute(async (trx) => {
            await enqueueDeliveriesForEvent(trx, w.conversion, w.event, NOW);
            await new Promise((r) => setTimeout(r, 50));
            seenBeforeCommit = received.length;
          });
        await expect.poll(() => received.length).toBe(1);
        expect(seenBeforeCommit).toBe(0);
        expect(received).toEqual([DELIVERIES_CHANNEL]);
      } finally {
        await listener.end();
      }
    });
  });
});
