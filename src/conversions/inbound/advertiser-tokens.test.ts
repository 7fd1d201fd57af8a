// Token lookup cost: an unknown token must not read every advertiser, and a rotation must count.
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import type { AppContext } from '../../server/app-context.ts';
import { createAdvertiserTokens } from './advertiser-tokens.ts';

/** Counts the statements run and the rows they returned through one handle. */
function rowCounter() {
  const counts = { statements: 0, rows: 0 };
  const plugin: KyselyPlugin = {
    transformQuery: (args: PluginTransformQueryArgs) => args.node,
    transformResult: async (args: PluginTransformResultArgs) => {
      counts.statements += 1;
      counts.rows += args.result.rows.length;
      return args.result;
    },
  };
  return { counts, plugin };
}

describeEachStore('advertiser token lookup', (current) => {
  const ADVERTISERS = 200;
  let app: TestApp;
  let tokens: string[];
  let networks: string[];
  const db = () => current().store.db;

  beforeAll(async () => {
    app = await startTestApp(current().store);
    const now = Date.now();
    const rows = Array.from({ length: ADVERTISERS }, (_, i) => ({
      name: `Advertiser ${i}`,
      postback_token: `tok_lookup_${i}_${now}`,
      network: `net-${i}-${now}`,
      ip_allowlist: '[]',
      status_map: '{}',
      created_at: now,
      updated_at: now,
    }));
    await db().insertInto('advertisers').values(rows).execute();
    tokens = rows.map((r) => r.postback_token);
    networks = rows.map((r) => r.network);
  });
  afterAll(() => app.close());

  function countingTokens() {
    const { counts, plugin } = rowCounter();
    const ctx: AppContext = { ...app.ctx, store: { ...app.ctx.store, db: db().withPlugin(plugin) } };
    return { counts, tokens: createAdvertiserTokens(ctx) };
  }

  it('reads one row for a known token and none of the others for unknown ones', async () => {
    const { counts, tokens: lookup } = countingTokens();
    expect(await lookup.resolve(tokens[7])).toMatchObject({ allowlist: null });
    expect(counts.rows).toBe(1);
    for (let i = 0; i < 50; i++) expect(await lookup.resolve(`made_up_${i}`)).toBeUndefined();
    // One single-row read per distinct unknown token, none of which returns an advertiser.
    expect(counts).toEqual({ statements: 51, rows: 1 });
    // Known and unknown answers are both cached for a moment: repeats cost nothing.
    await lookup.resolve(tokens[7]);
    await Promise.all(Array.from({ length: 20 }, () => lookup.resolve('made_up_0')));
    expect(counts).toEqual({ statements: 51, rows: 1 });
  });

  it('concurrent postbacks with one unknown token share one read', async () => {
    const { counts, tokens: lookup } = countingTokens();
    await Promise.all(Array.from({ length: 20 }, () => lookup.resolve('made_up_together')));
    expect(counts).toEqual({ statements: 1, rows: 0 });
  });

  it('a rotated token stops working at once and the new one works', async () => {
    const lookup = createAdvertiserTokens(app.ctx);
    const advertiser = await lookup.resolve(tokens[3]);
    expect(advertiser).toBeDefined();
    const rotated = await apiClient(app.url, TEST_ADMIN_KEY)(
      'POST',
      `/advertisers/${advertiser?.id}/rotate-token`,
    );
    expect(rotated.status).toBe(200);
    expect(await lookup.resolve(tokens[3])).toBeUndefined();
    expect((await lookup.resolve(rotated.body.postbackToken))?.id).toBe(advertiser?.id);
  });

  it('resolves a network slug in one cached read, and a slug that cannot be one in none', async () => {
    const { counts, tokens: lookup } = countingTokens();
    const byToken = await lookup.resolve(tokens[9]);
    const byNetwork = await lookup.resolveNetwork(networks[9]);
    expect(byNetwork?.id).toBe(byToken?.id);
    await Promise.all(Array.from({ length: 20 }, () => lookup.resolveNetwork(networks[9])));
    expect(await lookup.resolveNetwork('no-such-network')).toBeUndefined();
    expect(counts).toEqual({ statements: 3, rows: 2 });
    for (const slug of ['', 'UPPER', 'has space', '-x', 'a'.repeat(65), "x' or 1=1"])
      expect(await lookup.resolveNetwork(slug)).toBeUndefined();
    expect(counts.statements).toBe(3);
  });
});
