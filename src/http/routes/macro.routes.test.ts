import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MACROS } from '../../macros/macro-catalogue.ts';
import type { AppContext } from '../../server/app-context.ts';
import { registerMacroRoutes } from './macro.routes.ts';

describe('GET /macros', () => {
  const app = Fastify();
  beforeAll(async () => {
    // The route reads only the static catalogue, so no context parts are needed.
    registerMacroRoutes(app, {} as AppContext);
    await app.ready();
  });
  afterAll(() => app.close());

  it('lists every macro with aliases, description, example and group', async () => {
    const response = await app.inject({ method: 'GET', url: '/macros' });
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
});
