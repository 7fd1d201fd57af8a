// Group commit of inbound postbacks: hits written in one transaction still dedupe against each
// other, and one hit that cannot be written does not cost the others their conversions.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { createInboundCatalog, type InboundCatalog, query } from '../../../test/support/inbound-fixtures.ts';
import { postbackRow } from '../../../test/support/rows.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { ManualClock } from '../../shared/clock.ts';
import { checkInboundPostback, createInboundDeps, type InboundDeps } from './inbound-check.ts';
import { createInboundRecorder } from './inbound-recorder.ts';
import { parseInboundRequest } from './inbound-request.ts';
import type { InboundWork } from './inbound-rows.ts';
import { recordInboundBatch } from './inbound-write.ts';
import { createRateLimiter } from './rate-limiter.ts';

describeEachStore('inbound group commit', (current) => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  let app: TestApp;
  let catalog: InboundCatalog;
  let deps: InboundDeps;
  const db = () => current().store.db;

  beforeAll(async () => {
    app = await startTestApp(current().store, {}, clock);
    catalog = await createInboundCatalog(db(), clock.now());
    deps = createInboundDeps(app.ctx, createRateLimiter(0));
  });
  afterAll(() => app.close());

  const workFor = (params: Record<string, string>) => workForCatalog(catalog, params);

  async function workForCatalog(on: InboundCatalog, params: Record<string, string>): Promise<InboundWork> {
    const request = parseInboundRequest({
      method: 'GET',
      url: `/postback?${query({ token: on.token, ...params })}`,
      headers: {},
      body: undefined,
      source: { ip: '127.0.0.1', scheme: 'http' },
    });
    const now = clock.now();
    const check = await checkInboundPostback(app.ctx, deps, request, now);
    if (!check.ok) return { request, now, rejected: check.code, advertiserId: check.advertiserId };
    return { request, now, prepared: check.prepared };
  }

  const conversionsOf = (clickId: string) =>
    db().selectFrom('conversions').select(['id', 'status']).where('click_id', '=', clickId).execute();
  const logCodesOf = (conversionId: string) =>
    db()
      .selectFrom('postback_log')
      .select('code')
      .where('conversion_id', '=', conversionId)
      .orderBy('id')
      .execute();

  it('records the same txn twice in one batch as one conversion and one duplicate', async () => {
    const click = await catalog.click(clock.now());
    const twice = { click_id: click, txn_id: 'batch-twin', status: 'approved' };
    const results = await recordInboundBatch(app.ctx, [await workFor(twice), await workFor(twice)]);
    expect(results.map((r) => r.code)).toEqual(['conversion_created', 'duplicate']);
    expect(results[1].conversionId).toBe(results[0].conversionId);
    const stored = await conversionsOf(click);
    expect(stored).toEqual([{ id: results[0].conversionId, status: 'approved' }]);
    expect((await logCodesOf(stored[0].id)).map((r) => r.code)).toEqual(['conversion_created', 'duplicate']);
  });

  it('applies a status change later in the same batch to the conversion created earlier in it', async () => {
    const click = await catalog.click(clock.now());
    const results = await recordInboundBatch(app.ctx, [
      await workFor({ click_id: click, txn_id: 'batch-move', status: 'pending' }),
      await workFor({ click_id: click, txn_id: 'batch-move', status: 'approved' }),
      await workFor({ click_id: 'no-such-click', txn_id: 'x' }),
    ]);
    expect(results.map((r) => r.code)).toEqual(['conversion_created', 'status_changed', 'unknown_click']);
    expect(await conversionsOf(click)).toEqual([{ id: results[0].conversionId, status: 'approved' }]);
    const events = await db()
      .selectFrom('conversion_events')
      .select(['from_status', 'to_status'])
      .where('conversion_id', '=', results[0].conversionId!)
      .orderBy('id')
      .execute();
    expect(events).toEqual([
      { from_status: null, to_status: 'pending' },
      { from_status: 'pending', to_status: 'approved' },
    ]);
  });

  it('gives each new conversion of a mixed batch its own log row, event and deliveries', async () => {
    // Two publishers on two offers, each with a postback that fires on approved conversions only.
    const other = await createInboundCatalog(db(), clock.now());
    const postbackOf = async (publisherId: number) => {
      const row = postbackRow({
        publisher_id: publisherId,
        url: 'http://127.0.0.1:9/pb?click={click_id}',
        statuses: JSON.stringify(['approved']),
        created_at: clock.now(),
      });
      return (await db().insertInto('postbacks').values(row).returning('id').executeTakeFirstOrThrow()).id;
    };
    const [ours, theirs] = [await postbackOf(catalog.publisherId), await postbackOf(other.publisherId)];
    const [a, b, c] = [
      await catalog.click(clock.now()),
      await other.click(clock.now()),
      await catalog.click(clock.now()),
    ];
    const waiting = await recordInboundBatch(app.ctx, [
      await workFor({ click_id: c, txn_id: 'mixed-moved', status: 'pending' }),
    ]);
    const batch = [
      await workFor({ click_id: a, txn_id: 'mixed-a', status: 'approved' }),
      await workForCatalog(other, { click_id: b, txn_id: 'mixed-b', status: 'approved' }),
      await workFor({ click_id: a, txn_id: 'mixed-a-pending', status: 'pending' }),
      await workFor({ click_id: 'no-such-click', txn_id: 'mixed-x' }),
      await workFor({ click_id: a, txn_id: 'mixed-a', status: 'approved' }),
      await workFor({ click_id: c, txn_id: 'mixed-moved', status: 'approved' }),
    ];
    const results = await recordInboundBatch(app.ctx, batch);
    expect(results.map((r) => r.code)).toEqual([
      'conversion_created',
      'conversion_created',
      'conversion_created',
      'unknown_click',
      'duplicate',
      'status_changed',
    ]);
    expect(results[4].conversionId).toBe(results[0].conversionId);
    expect(results[5].conversionId).toBe(waiting[0].conversionId);

    /** Each event of a conversion: its status, the code of the log row it names, and its deliveries. */
    const historyOf = async (conversionId: string) => {
      const events = await db()
        .selectFrom('conversion_events')
        .innerJoin('postback_log', 'postback_log.id', 'conversion_events.postback_log_id')
        .select(['conversion_events.id', 'to_status', 'postback_log.code', 'postback_log.conversion_id'])
        .where('conversion_events.conversion_id', '=', conversionId)
        .orderBy('conversion_events.id')
        .execute();
      return Promise.all(
        events.map(async (e) => {
          const deliveries = await db()
            .selectFrom('deliveries')
            .select(['postback_id', 'conversion_id', 'status'])
            .where('conversion_event_id', '=', e.id)
            .execute();
          return { status: e.to_status, log: [e.code, e.conversion_id], deliveries };
        }),
      );
    };
    const created = (id: string, status: string, postbackIds: number[]) => ({
      status,
      log: ['conversion_created', id],
      deliveries: postbackIds.map((postback_id) => ({ postback_id, conversion_id: id, status: 'pending' })),
    });
    const [idA, idB, idPending] = results.map((r) => r.conversionId ?? '');
    expect(await historyOf(idA)).toEqual([created(idA, 'approved', [ours])]);
    expect(await historyOf(idB)).toEqual([created(idB, 'approved', [theirs])]);
    expect(await historyOf(idPending)).toEqual([created(idPending, 'pending', [])]);
    const moved = waiting[0].conversionId ?? '';
    expect(await historyOf(moved)).toEqual([
      created(moved, 'pending', []),
      {
        status: 'approved',
        log: ['status_changed', moved],
        deliveries: [{ postback_id: ours, conversion_id: moved, status: 'pending' }],
      },
    ]);
    expect((await logCodesOf(idA)).map((r) => r.code)).toEqual(['conversion_created', 'duplicate']);
  });

  it('records each key once when two batches race for the same keys in opposite orders', async () => {
    // Batches large enough that the two transactions' inserts overlap on PostgreSQL: taken in
    // arrival order, each would hold keys the other waits for, and one would die in a deadlock.
    const clicks = await Promise.all(Array.from({ length: 300 }, () => catalog.click(clock.now())));
    const worksIn = (order: number[]) =>
      Promise.all(order.map((i) => workFor({ click_id: clicks[i], txn_id: `race-${i}` })));
    const forwards = await worksIn(clicks.map((_, i) => i));
    const backwards = await worksIn(clicks.map((_, i) => clicks.length - 1 - i));
    const [one, two] = await Promise.all([
      recordInboundBatch(app.ctx, forwards),
      recordInboundBatch(app.ctx, backwards),
    ]);
    for (let i = 0; i < clicks.length; i++) {
      const answers = [one[i].code, two[clicks.length - 1 - i].code].sort();
      expect(answers).toEqual(['conversion_created', 'duplicate']);
    }
    const stored = await db()
      .selectFrom('conversions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('txn_id', 'like', 'race-%')
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(clicks.length);
  });

  it('writes concurrent hits in one batch, and one hit that cannot be written fails alone', async () => {
    const recorder = createInboundRecorder(app.ctx);
    const clicks = [await catalog.click(clock.now()), await catalog.click(clock.now())];
    const good = await Promise.all(clicks.map((c) => workFor({ click_id: c, txn_id: `ok-${c}` })));
    const bad = await workFor({ click_id: clicks[0], txn_id: 'broken' });
    if (!('prepared' in bad)) throw new Error('expected a prepared conversion');
    // A NOT NULL column left empty: the store refuses this one row, on either dialect.
    bad.prepared = { ...bad.prepared, currency: null as unknown as string };
    const settled = await Promise.allSettled([
      recorder.submit(good[0]),
      recorder.submit(bad),
      recorder.submit(good[1]),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    for (const [i, click] of clicks.entries()) {
      const outcome = settled[i === 0 ? 0 : 2];
      expect(outcome.status === 'fulfilled' && outcome.value.code).toBe('conversion_created');
      expect((await conversionsOf(click)).length).toBe(1);
    }
    const broken = await db().selectFrom('conversions').select('id').where('txn_id', '=', 'broken').execute();
    expect(broken).toEqual([]);
  });
});
