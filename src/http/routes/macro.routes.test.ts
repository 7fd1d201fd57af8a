import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyRole } from '../../auth/api-key.table.ts';
import { MACROS } from '../../macros/macro-catalogue.ts';
import type { AppContext } from '../../server/app-context.ts';
import { registerMacroRoutes } from './macro.routes.ts';

describe('GET /macros', () => {
  const app = Fastify();
  beforeAll(async () => {
    // The route reads only the static catalogue and the caller's role, so no context parts are needed.
    app.decorateRequest('principal', null as never);
    app.addHook('onRequest', async (request) => {
      const role = request.headers['x-role'] as KeyRole;
      request.principal = { role, advertiserId: null, publisherId: null, keyId: null };
    });
    registerMacroRoutes(app, {} as AppContext);
    await app.ready();
  });
  afterAll(() => app.close());

  it('lists every macro with aliases, description, example and group', async () => {
    const response = await app.inject({ method: 'GET', url: '/macros', headers: { 'x-role': 'admin' } });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { data: Array<Record<string, unknown>> };
    expect(body.data).toHaveLength(MACROS.length);
    const payout = body.data.find((m) => m.name === 'payout');
    expect(payout).toEqual({
      name: 'payout',
      aliases: ['payout_amount', 'amount'],
      description: expect.any(String),
      example: '0.50',
      group: 'conversion',
    });
    const sub3 = body.data.find((m) => m.name === 'sub3');
    expect(sub3?.aliases).toEqual(['subid_3', 'sub_id_3', 'p3']);
    for (const macro of body.data)
      expect(Object.keys(macro).sort()).toEqual(['aliases', 'description', 'example', 'group', 'name']);
  });

  it('offers a publisher key only the macros its postbacks may carry', async () => {
    const names = async (role: KeyRole) =>
      (
        (await app.inject({ method: 'GET', url: '/macros', headers: { 'x-role': role } })).json() as {
          data: { name: string }[];
        }
      ).data.map((m) => m.name);
    const forPublisher = await names('publisher');
    expect(forPublisher).toContain('payout');
    expect(forPublisher).not.toContain('revenue');
    expect(forPublisher).not.toContain('sale_amount');
    expect(forPublisher).not.toContain('advertiser_id');
    expect(forPublisher).toHaveLength(MACROS.length - 3);
  });
});
