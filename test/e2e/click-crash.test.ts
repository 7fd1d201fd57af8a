// The real server as a child process: kill -9 it right after it redirected clicks, start it again,
// and every redirected click is in the database, once. On SQLite the clicks are held out of the
// database until the crash (another connection keeps the write lock), so they can only come back
// from the click journal; on PostgreSQL each was committed before its redirect.
import { readdirSync } from 'node:fs';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { ID_PATTERN } from '../../src/shared/ids.ts';
import { createCatalog } from '../support/fixtures.ts';
import { killHard, startServer, stopGracefully, useSharedStore, waitFor } from '../support/processes.ts';
import { describeEachStore } from '../support/stores.ts';

const CLICKS = 60;

describeEachStore('click crash recovery', (current) => {
  const sharedStore = useSharedStore(current, 'trackwire-click-crash-');
  const journals = () => readdirSync(sharedStore().dir).filter((name) => name.endsWith('.journal'));

  const start = () => startServer(sharedStore(), { TRACKWIRE_ROLE: 'api' });

  async function storedOf(ids: string[]): Promise<number> {
    const rows = await sharedStore()
      .store.store.db.selectFrom('clicks')
      .select('id')
      .where('id', 'in', ids)
      .execute();
    return rows.length;
  }

  it('stores every redirected click after the server is killed right after redirecting them', {
    timeout: 60_000,
  }, async () => {
    const shared = sharedStore().store;
    const { link } = await createCatalog(shared.store.db);
    const first = await start();
    // SQLite: hold the write lock from this process, so the server cannot import a single click.
    let release = () => {};
    const lockHeld =
      shared.dialect === 'sqlite'
        ? shared.store.db.transaction().execute(async (trx) => {
            await sql`update links set updated_at = updated_at where id = ${link.id}`.execute(trx);
            await new Promise<void>((resolve) => {
              release = resolve;
            });
          })
        : Promise.resolve();
    const ids: string[] = [];
    try {
      for (let i = 0; i < CLICKS; i++) {
        const res = await fetch(`${first.url}/c/${link.slug}?sub1=crash${i}`, { redirect: 'manual' });
        expect(res.status).toBe(302);
        const id = new URL(res.headers.get('location') ?? '').searchParams.get('click_id') ?? '';
        expect(id).toMatch(ID_PATTERN);
        ids.push(id);
      }
      await killHard(first.child);
    } finally {
      release();
      await lockHeld;
    }

    if (shared.dialect === 'sqlite') {
      expect(await storedOf(ids)).toBe(0); // none was imported before the crash
      expect(journals()).toHaveLength(1);
    } else {
      expect(await storedOf(ids)).toBe(CLICKS);
    }

    const second = await start();
    await waitFor('every redirected click to be stored', async () => (await storedOf(ids)) === CLICKS);
    const subs = await shared.store.db
      .selectFrom('clicks')
      .select('sub1')
      .where('id', 'in', ids)
      .orderBy('sub1')
      .execute();
    expect(subs.map((r) => r.sub1)).toEqual(Array.from({ length: CLICKS }, (_, i) => `crash${i}`).sort());
    // The dead server's journal is gone once replayed; a graceful stop leaves none of its own.
    await waitFor('the replayed journal to be removed', () => journals().length <= 1);
    await stopGracefully(second.child);
    expect(journals()).toEqual([]);
  });
});
