import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testConfig } from '../../test/support/app.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import type { AppContext } from '../server/app-context.ts';
import { createContext } from '../server/context.ts';
import { startServer } from '../server/start-server.ts';
import { ManualClock } from '../shared/clock.ts';
import { revokeApiKey } from './api-key.repository.ts';
import { createApiKey, ensureFirstAdminKey } from './api-key.service.ts';
import { API_KEYS_CHANGED, createKeyAuthenticator, KEY_CACHE_TTL_MS } from './authenticate.ts';

describeEachStore('API keys', (current) => {
  const clock = new ManualClock();
  let ctx: AppContext;
  beforeAll(() => {
    ctx = createContext(
      testConfig({ adminKey: 'tw_env_admin' }),
      current().store,
      pino({ level: 'silent' }),
      clock,
    );
  });

  it('creates the first admin key once, and never again while one is active', async () => {
    const db = current().store.db;
    const first = await ensureFirstAdminKey(db, clock.now());
    expect(first).toMatch(/^tw_/);
    expect(await ensureFirstAdminKey(db, clock.now())).toBeUndefined();
  });

  it('accepts the environment key as admin and stored keys with their binding', async () => {
    const auth = createKeyAuthenticator(ctx);
    expect(await auth.authenticate('Bearer tw_env_admin')).toEqual({
      role: 'admin',
      advertiserId: null,
      publisherId: null,
      keyId: null,
    });
    const publisher = await current()
      .store.db.insertInto('publishers')
      .values({
        name: 'P',
        security_token: 's',
        signing_secret: 'whsec_x',
        previous_signing_secret: null,
        previous_secret_expires_at: null,
        created_at: 1,
        updated_at: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { key, row } = await createApiKey(
      current().store.db,
      { role: 'publisher', publisherId: publisher.id },
      clock.now(),
    );
    expect(await auth.authenticate(`bearer ${key}`)).toEqual({
      role: 'publisher',
      advertiserId: null,
      publisherId: publisher.id,
      keyId: row.id,
    });
    expect(await auth.authenticate(`Bearer ${key}x`)).toBeUndefined();
    expect(await auth.authenticate(key)).toBeUndefined();
    auth.close();
  });

  it('caches lookups for the TTL; a revocation announced on this node applies at once', async () => {
    const auth = createKeyAuthenticator(ctx);
    const db = current().store.db;
    const a = await createApiKey(db, { role: 'admin' }, clock.now());
    expect(await auth.authenticate(`Bearer ${a.key}`)).toBeDefined();
    // Revoked behind the cache's back (another node): still served from cache until the TTL ends.
    await revokeApiKey(db, a.row.id, clock.now());
    expect(await auth.authenticate(`Bearer ${a.key}`)).toBeDefined();
    clock.advance(KEY_CACHE_TTL_MS + 1);
    expect(await auth.authenticate(`Bearer ${a.key}`)).toBeUndefined();

    const b = await createApiKey(db, { role: 'admin' }, clock.now());
    expect(await auth.authenticate(`Bearer ${b.key}`)).toBeDefined();
    await revokeApiKey(db, b.row.id, clock.now());
    ctx.events.emit(API_KEYS_CHANGED);
    expect(await auth.authenticate(`Bearer ${b.key}`)).toBeUndefined();
    auth.close();
  });
});

describeEachStore('first start without TRACKWIRE_ADMIN_KEY', (current) => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tw-banner-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints a new admin key in the banner on the first start only, and that key works', async () => {
    const config = testConfig({
      adminKey: undefined,
      port: 0,
      host: '127.0.0.1',
      dataDir,
      databaseUrl: current().databaseUrl,
    });
    const log = pino({ level: 'silent' });
    const first = await startServer({ ...config, role: 'api' }, log);
    try {
      const key = first.banner.map((l) => l.trim()).find((l) => l.startsWith('tw_'));
      expect(key).toMatch(/^tw_/);
      const ok = await fetch(`${first.address}/api/v1/advertisers`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(ok.status).toBe(200);
    } finally {
      await first.close();
    }
    const second = await startServer({ ...config, role: 'api' }, log);
    try {
      expect(second.banner.join('\n')).not.toMatch(/tw_/);
    } finally {
      await second.close();
    }
  });
});
