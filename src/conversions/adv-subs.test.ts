// The advertiser's sub1–sub10 are kept on the conversion as adv1–adv10 by both ways of writing a
// batch (one hit at a time, and its new conversions together), shown by the API and offered as macros.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient } from '../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../test/support/app.ts';
import {
  createInboundCatalog,
  type InboundCatalog,
  query,
  send,
} from '../../test/support/inbound-fixtures.ts';
import { postbackRow } from '../../test/support/rows.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import type { InboundWriter } from '../db/inbound-writer.ts';
import { POSTGRES_INBOUND_WRITER } from '../db/postgres/inbound-writer.ts';
import { SQLITE_INBOUND_WRITER } from '../db/sqlite/inbound-writer.ts';
import { buildOutboundRequest, loadDeliveryContexts } from '../deliveries/prepare/delivery-request.ts';
import type { AppContext } from '../server/app-context.ts';
import { checkInboundPostback, createInboundDeps, type InboundDeps } from './inbound/inbound-check.ts';
import { parseInboundRequest } from './inbound/inbound-request.ts';
import type { InboundWork } from './inbound/inbound-rows.ts';
import { recordInboundBatch } from './inbound/inbound-write.ts';
import { createRateLimiter } from './inbound/rate-limiter.ts';

const SENT = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [`sub${i + 1}`, `adv-value-${i + 1}`]).filter(
    ([name]) => name !== 'sub3',
  ),
);

describeEachStore('advertiser sub ids on conversions', (current) => {
  let app: TestApp;
  let catalog: InboundCatalog;
  let deps: InboundDeps;
  const db = () => current().store.db;

  beforeAll(async () => {
    app = await startTestApp(current().store);
    catalog = await createInboundCatalog(db(), Date.now());
    deps = createInboundDeps(app.ctx, createRateLimiter(0));
  });
  afterAll(() => app.close());

  /** The app's context with either store's inbound writer, so each store runs both ways. */
  function contextWith(inboundWriter: InboundWriter): AppContext {
    return { ...app.ctx, store: { ...app.ctx.store, inboundWriter } };
  }

  async function workFor(params: Record<string, string>): Promise<InboundWork> {
    const request = parseInboundRequest({
      method: 'GET',
      url: `/postback?${query({ token: catalog.token, ...params })}`,
      headers: {},
      body: undefined,
      source: { ip: '127.0.0.1', scheme: 'http' },
    });
    const now = Date.now();
    const check = await checkInboundPostback(app.ctx, deps, request, now);
    if (!check.ok) throw new Error(`rejected: ${check.code}`);
    return { request, now, prepared: check.prepared };
  }

  for (const together of [false, true]) {
    it(`stores sub1–sub10 as adv1–adv10 when new conversions are written ${together ? 'together' : 'one at a time'}`, async () => {
      const clickA = await catalog.click(Date.now());
      const clickB = await catalog.click(Date.now());
      const long = 'x'.repeat(600);
      const results = await recordInboundBatch(
        contextWith(together ? POSTGRES_INBOUND_WRITER : SQLITE_INBOUND_WRITER),
        [
          await workFor({ click_id: clickA, txn_id: `adv-a-${together}`, ...SENT }),
          await workFor({ click_id: clickB, txn_id: `adv-b-${together}`, sub1: long }),
        ],
      );
      expect(results.map((r) => r.code)).toEqual(['conversion_created', 'conversion_created']);
      const a = await db()
        .selectFrom('conversions')
        .selectAll()
        .where('id', '=', results[0].conversionId!)
        .executeTakeFirstOrThrow();
      expect(a.adv1).toBe('adv-value-1');
      expect(a.adv2).toBe('adv-value-2');
      expect(a.adv3).toBeNull();
      expect(a.adv10).toBe('adv-value-10');
      const b = await db()
        .selectFrom('conversions')
        .selectAll()
        .where('id', '=', results[1].conversionId!)
        .executeTakeFirstOrThrow();
      expect(b.adv1).toBe('x'.repeat(512));
      expect(b.adv2).toBeNull();
    });
  }

  it('shows them in the conversion API and fills {adv1}…{adv10} in postbacks', async () => {
    const own = await createInboundCatalog(db(), Date.now());
    await db()
      .insertInto('postbacks')
      .values(
        postbackRow({
          publisher_id: own.publisherId,
          url: 'https://pub.test/pb?a={adv1}&b={adv2}&c={adv3}&j={adv10}',
        }),
      )
      .execute();
    const click = await own.click(Date.now());
    const answer = await send(
      `${app.url}/postback?${query({ token: own.token, click_id: click, txn_id: 'adv-api', ...SENT })}`,
    );
    expect(answer.body.code).toBe('conversion_created');
    const id = answer.body.conversionId!;

    const view = await apiClient(app.url, TEST_ADMIN_KEY)('GET', `/conversions/${id}`);
    expect(view.body).toMatchObject({
      adv1: 'adv-value-1',
      adv2: 'adv-value-2',
      adv3: null,
      adv10: 'adv-value-10',
    });
    const list = await apiClient(app.url, TEST_ADMIN_KEY)('GET', `/conversions?offerId=${own.offerId}`);
    expect(list.body.data[0]).toMatchObject({ id, adv1: 'adv-value-1' });

    const deliveries = await db()
      .selectFrom('deliveries')
      .select('id')
      .where('conversion_id', '=', id)
      .execute();
    expect(deliveries).toHaveLength(1);
    const contexts = await loadDeliveryContexts(db(), [deliveries[0].id]);
    const built = buildOutboundRequest(contexts.get(deliveries[0].id)!, Date.now(), 'test');
    expect(built.request.url).toBe('https://pub.test/pb?a=adv-value-1&b=adv-value-2&c=&j=adv-value-10');
  });
});
