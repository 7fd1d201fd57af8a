// The field and macro table checked against the real API: every role × every object field that the
// table lists (present in the answer exactly when the role may read it, and nothing unlisted), and
// every role × every catalogue macro saved in a postback (accepted exactly when its receiver may
// read it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedClick } from '../../test/support/activity-rows.ts';
import { apiClient, type Call, makeKey } from '../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../test/support/app.ts';
import { send } from '../../test/support/inbound-fixtures.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { MACROS } from '../macros/macro-catalogue.ts';
import type { KeyRole } from './api-key.table.ts';
import {
  type ApiObject,
  canReadField,
  canReadMacro,
  FIELD_READERS,
  postbackReaderRole,
  ROLES,
} from './field-visibility.ts';

// biome-ignore lint/suspicious/noExplicitAny: API answers are read loosely and checked field by field
type Json = Record<string, any>;

function expectReadable(object: ApiObject, role: KeyRole, answer: Json): void {
  const listed = Object.keys(FIELD_READERS[object]);
  for (const field of listed) {
    expect(field in answer, `${role} reading ${object}.${field}`).toBe(canReadField(object, field, role));
  }
  for (const field of Object.keys(answer)) {
    if (object === 'conversion' && field === 'history') continue;
    expect(listed, `${object}.${field} is not in the table`).toContain(field);
  }
}

describeEachStore('field and macro visibility', (current) => {
  let t: TestApp;
  const as = {} as Record<KeyRole, Call>;
  let offerId: number;
  let conversionId: string;
  let publisherId: number;
  let newConversion: () => Promise<string>;

  beforeAll(async () => {
    t = await startTestApp(current().store);
    const admin = apiClient(t.url, TEST_ADMIN_KEY);
    const advertiser = (await admin('POST', '/advertisers', { name: 'Visible Adv' })).body;
    publisherId = (await admin('POST', '/publishers', { name: 'Visible Pub' })).body.id;
    offerId = (
      await admin('POST', '/offers', {
        advertiserId: advertiser.id,
        name: 'Visible Offer',
        url: 'https://adv.example/landing?c={click_id}',
        payout: 2,
        revenue: 5,
        publisherPayouts: [{ publisherId, payout: 2.5 }],
        goals: [{ key: 'sale', name: 'Sale', payout: 3, revenue: 6 }],
      })
    ).body.id;
    const link = (await admin('POST', '/links', { offerId, publisherId })).body;
    newConversion = async () => {
      const click = await seedClick(
        current().store.db,
        { linkId: link.id, offerId, publisherId, advertiserId: advertiser.id },
        Date.now(),
      );
      const answer = await send(
        `${t.url}/postback?token=${advertiser.postbackToken}&click_id=${click.id}&revenue=60&sale_amount=120&goal=sale`,
      );
      return String(answer.body.conversionId);
    };
    conversionId = await newConversion();
    as.admin = admin;
    as.advertiser = apiClient(
      t.url,
      await makeKey(current().store, 'advertiser', { advertiserId: advertiser.id }),
    );
    as.publisher = apiClient(t.url, await makeKey(current().store, 'publisher', { publisherId }));
  });
  afterAll(() => t.close());

  describe.each(ROLES)('%s key', (role) => {
    it('reads offers and their goals with exactly the fields the table allows', async () => {
      const one = await as[role]('GET', `/offers/${offerId}`);
      expect(one.status).toBe(200);
      const listed = (await as[role]('GET', '/offers')).body.data.find((o: Json) => o.id === offerId);
      for (const offer of [one.body, listed]) {
        expectReadable('offer', role, offer);
        expect(offer.goals).toHaveLength(1);
        expectReadable('goal', role, offer.goals[0]);
      }
    });

    it('reads conversions and their history with exactly the fields the table allows', async () => {
      const one = await as[role]('GET', `/conversions/${conversionId}`);
      expect(one.status).toBe(200);
      const listed = (await as[role]('GET', '/conversions')).body.data.find(
        (c: Json) => c.id === conversionId,
      );
      for (const conversion of [one.body, listed]) expectReadable('conversion', role, conversion);
      expect(one.body.history).toHaveLength(1);
      expectReadable('conversionEvent', role, one.body.history[0]);
      const filtered = await as[role]('GET', '/conversions?needsReview=true');
      expect(filtered.status).toBe(canReadField('conversion', 'needsReview', role) ? 200 : 403);
    });

    it('saves a postback with a macro exactly when its receiver may read that macro', async () => {
      const audiences = role === 'admin' ? (['publisher', 'network'] as const) : (['publisher'] as const);
      for (const audience of audiences) {
        for (const macro of MACROS) {
          const reply = await as[role]('POST', '/postbacks', {
            publisherId,
            audience,
            url: `http://127.0.0.1:9/pb?v={${macro.name}}`,
            enabled: false,
          });
          const what = `${role} saving {${macro.name}} for audience ${audience}`;
          if (role === 'advertiser') expect(reply.status, what).toBe(403);
          else if (canReadMacro(macro.name, postbackReaderRole(audience)))
            expect(reply.status, what).toBe(201);
          else {
            expect(reply.status, what).toBe(422);
            expect(reply.body.error.code, what).toBe('macro_not_allowed');
          }
        }
      }
    });
  });

  it("refuses the network's macros for a publisher's receiver in any syntax, alias or place", async () => {
    const places = (template: string) => [
      { url: `http://127.0.0.1:9/pb?v=${template}` },
      {
        url: 'http://127.0.0.1:9/pb',
        method: 'POST',
        bodyFormat: 'json',
        bodyTemplate: `{"v":"${template}"}`,
      },
      { url: 'http://127.0.0.1:9/pb', headers: { 'x-v': template } },
    ];
    for (const template of [
      '{{revenue}}',
      '#revenue#',
      '[[revenue]]',
      '{revenue:raw}',
      '{_revenue}',
      '{order_sum}',
    ]) {
      for (const body of places(template)) {
        const reply = await as.publisher('POST', '/postbacks', body);
        expect(reply.status, JSON.stringify(body)).toBe(422);
        expect(reply.body.error.code).toBe('macro_not_allowed');
      }
    }
  });

  it("keeps a network postback out of a publisher key's sight and hands", async () => {
    const network = await as.admin('POST', '/postbacks', {
      publisherId,
      audience: 'network',
      url: 'http://127.0.0.1:9/network?rev={revenue}',
    });
    expect(network.status).toBe(201);
    expect(network.body.audience).toBe('network');
    const own = await as.publisher('POST', '/postbacks', { url: 'http://127.0.0.1:9/own?p={payout}' });
    expect(own.body.audience).toBe('publisher');
    const tries: [string, string, unknown, number][] = [
      ['GET', `/postbacks/${network.body.id}`, undefined, 404],
      ['PATCH', `/postbacks/${network.body.id}`, { url: 'http://127.0.0.1:9/mine?rev={revenue}' }, 404],
      ['DELETE', `/postbacks/${network.body.id}`, undefined, 404],
      ['PATCH', `/postbacks/${own.body.id}`, { audience: 'network' }, 403],
      ['POST', '/postbacks', { url: 'http://127.0.0.1:9/x', audience: 'network' }, 403],
    ];
    for (const [method, path, body, status] of tries) {
      expect((await as.publisher(method, path, body)).status, `${method} ${path}`).toBe(status);
    }
    const listed = (await as.publisher('GET', '/postbacks?limit=500')).body.data.map((p: Json) => p.id);
    expect(listed).toContain(own.body.id);
    expect(listed).not.toContain(network.body.id);
    const converted = await newConversion();
    const deliveries = (await as.admin('GET', `/deliveries?conversionId=${converted}`)).body.data;
    const toNetwork = deliveries.find((d: Json) => d.postbackId === network.body.id);
    const toPublisher = deliveries.find((d: Json) => d.postbackId === own.body.id);
    expect((await as.admin('GET', `/deliveries/${toNetwork.id}`)).status).toBe(200);
    expect((await as.publisher('GET', `/deliveries/${toNetwork.id}`)).status).toBe(404);
    expect((await as.publisher('POST', `/deliveries/${toNetwork.id}/retry`)).status).toBe(404);
    expect((await as.publisher('GET', `/deliveries/${toPublisher.id}`)).status).toBe(200);
    const moved = await as.admin('PATCH', `/postbacks/${own.body.id}`, {
      audience: 'network',
      url: 'http://127.0.0.1:9/own?p={payout}&rev={revenue}',
    });
    expect(moved.status).toBe(200);
    const back = await as.admin('PATCH', `/postbacks/${own.body.id}`, { audience: 'publisher' });
    expect(back.status).toBe(422);
    expect(back.body.error.code).toBe('macro_not_allowed');
  });
});
