// PostgreSQL going away under load, as a restart or failover looks to its clients: every connection
// of the database dropped at once, again and again, and then new connections refused for a while.
// A real API process and a real worker process keep running through it: what they answered during
// the outage is 503, every conversion they accepted is stored, and every delivery owed is sent.
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { DELIVERIES_CHANNEL } from '../../src/db/notify.ts';
import type { ErrorBody } from '../../src/shared/errors.ts';
import { TEST_ADMIN_KEY } from '../support/app.ts';
import { createCatalog } from '../support/fixtures.ts';
import { freePort, sleep, spawnTrackwire, useSharedStore, waitFor } from '../support/processes.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { postbackRow } from '../support/rows.ts';
import { describePostgres, POSTGRES_ADMIN_URL } from '../support/stores.ts';

/** One answer of the load: its HTTP status, or what went wrong instead of one. */
interface Answer {
  kind: 'click' | 'inbound';
  status: number | 'no answer';
  at: number;
  txnId?: string;
  result?: string;
  clickId?: string;
}

const ANSWERS_EXPECTED = new Set(['click 302', 'click 503', 'inbound 200', 'inbound 503']);

describePostgres('PostgreSQL outage under load', (current) => {
  const sharedStore = useSharedStore(current, 'trackwire-outage-');
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
  });

  async function startAlive(command: 'serve' | 'worker', env: Record<string, string>) {
    const child = spawnTrackwire(command, env);
    sharedStore().children.push(child);
    const exits: string[] = [];
    child.process.on('exit', (code, signal) => exits.push(`${command} exited: ${code ?? signal}`));
    return { child, exits };
  }

  it('keeps every process alive, answers 503 during the outage, loses no accepted conversion', {
    timeout: 120_000,
  }, async () => {
    const { store: shared, env: storeEnv } = sharedStore();
    const db = shared.store.db;
    receiver = await startReceiver(() => ({ status: 200 }));
    const { link, advertiser, publisher } = await createCatalog(db);
    await db
      .insertInto('postbacks')
      .values(
        postbackRow({
          publisher_id: publisher.id,
          url: `${receiver.url}/pb?pid={postback_id}&txn={txn_id}`,
          timeout_ms: 1_000,
        }),
      )
      .execute();

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const api = await startAlive('serve', { ...storeEnv, PORT: String(port), TRACKWIRE_ROLE: 'api' });
    const worker = await startAlive('worker', storeEnv);
    const output = () => [...api.child.output, ...worker.child.output].join('');
    await waitFor('the API to answer', async () => {
      try {
        return (await fetch(`${url}/healthz`)).ok;
      } catch {
        return false;
      }
    }).catch((error) => {
      throw new Error(`${(error as Error).message}\n${output()}`);
    });

    const answers: Answer[] = [];
    const clickIds: string[] = [];
    let loading = true;
    let txn = 0;
    const request = async (kind: Answer['kind'], path: string) => {
      const at = Date.now();
      try {
        const res = await fetch(`${url}${path}`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
        const body = kind === 'inbound' ? ((await res.json()) as { result?: string }) : undefined;
        return { kind, status: res.status, at, result: body?.result, location: res.headers.get('location') };
      } catch {
        return { kind, status: 'no answer' as const, at };
      }
    };
    const clicking = (async () => {
      while (loading) {
        const a = await request('click', `/c/${link.slug}?sub1=outage`);
        const clickId = a.location ? new URL(a.location).searchParams.get('click_id') : null;
        if (a.status === 302 && clickId) clickIds.push(clickId);
        answers.push({ kind: a.kind, status: a.status, at: a.at, clickId: clickId ?? undefined });
        await sleep(5);
      }
    })();
    const posting = (async () => {
      while (loading) {
        const clickId = clickIds[clickIds.length - 1];
        if (!clickId) {
          await sleep(10);
          continue;
        }
        const txnId = `outage-${++txn}`;
        const q = new URLSearchParams({ token: advertiser.postback_token, click_id: clickId, txn_id: txnId });
        const a = await request('inbound', `/postback?${q}`);
        answers.push({ kind: a.kind, status: a.status, at: a.at, txnId, result: a.result });
        await sleep(5);
      }
    })();

    // From another database: a connection to this one could not refuse connections to it.
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    const dbName = new URL(shared.databaseUrl ?? '').pathname.slice(1);
    const terminateAll = () =>
      admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [dbName]);
    let outage = { from: 0, to: 0 };
    try {
      await waitFor('deliveries under way', () => receiver !== undefined && receiver.hits.length >= 20);
      // Every connection dropped, several times, while the processes work.
      for (let i = 0; i < 4; i++) {
        await terminateAll();
        await sleep(400);
      }
      // A restart: connections dropped, and new ones refused until the server is back.
      await admin.query(`alter database ${dbName} with allow_connections false`);
      await terminateAll();
      outage = { from: Date.now(), to: 0 };
      await sleep(1_500);
      // Requests that arrive while the store is away, beside the running load.
      const during = await Promise.all([
        request('click', `/c/${link.slug}?sub1=during`),
        request(
          'inbound',
          `/postback?${new URLSearchParams({ token: advertiser.postback_token, click_id: clickIds[0], txn_id: 'during-1' })}`,
        ),
      ]);
      const adminApi = await fetch(`${url}/api/v1/advertisers`, {
        headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
        signal: AbortSignal.timeout(10_000),
      });
      outage.to = Date.now();
      expect([adminApi.status, ((await adminApi.json()) as ErrorBody).error.code]).toEqual([
        503,
        'store_unavailable',
      ]);
      await admin.query(`alter database ${dbName} with allow_connections true`);
      expect(
        during.map((a) => a.status),
        output(),
      ).toEqual([503, 503]);
      await sleep(2_000);
    } finally {
      await admin.query(`alter database ${dbName} with allow_connections true`).catch(() => {});
      await admin.end().catch(() => {});
      loading = false;
      await Promise.all([clicking, posting]);
    }

    expect(api.exits.concat(worker.exits), output()).toEqual([]);
    // Every request had an answer: a redirect or an inbound answer, or 503 while the store was away.
    const unexpected = answers.filter((a) => !ANSWERS_EXPECTED.has(`${a.kind} ${a.status}`));
    expect(unexpected, output()).toEqual([]);
    const inOutage = answers.filter((a) => a.at >= outage.from + 200 && a.at <= outage.to - 200);
    expect(inOutage.length).toBeGreaterThan(0);
    expect(inOutage.every((a) => a.status === 503)).toBe(true);
    // The load went on after recovery.
    expect(
      answers.filter((a) => a.at > outage.to + 1_000 && (a.status === 302 || a.status === 200)).length,
    ).toBeGreaterThan(0);

    // Every redirected click and every accepted conversion is stored.
    const redirected = answers
      .filter((a) => a.kind === 'click' && a.status === 302)
      .map((a) => a.clickId ?? '');
    const storedClicks = await db.selectFrom('clicks').select('id').where('id', 'in', redirected).execute();
    expect(storedClicks.length).toBe(redirected.length);
    const accepted = answers
      .filter((a) => a.kind === 'inbound' && a.result === 'accepted')
      .map((a) => a.txnId ?? '');
    expect(accepted.length).toBeGreaterThan(0);
    const stored = await db
      .selectFrom('conversions')
      .select('txn_id')
      .where('txn_id', 'in', accepted)
      .execute();
    expect(stored.length).toBe(accepted.length);

    // Every delivery owed is sent once the store is back.
    const owed = await db
      .selectFrom('deliveries')
      .innerJoin('conversions', 'conversions.id', 'deliveries.conversion_id')
      .select(['deliveries.id', 'deliveries.status'])
      .where('conversions.txn_id', 'in', accepted)
      .execute();
    expect(owed.length).toBe(accepted.length);
    const ids = owed.map((d) => d.id);
    await waitFor('every owed delivery to succeed', async () => {
      const rows = await db.selectFrom('deliveries').select('status').where('id', 'in', ids).execute();
      return rows.every((r) => r.status === 'succeeded');
    }).catch((error) => {
      throw new Error(`${(error as Error).message}\n${output()}`);
    });
    for (const id of ids) expect(receiver.countOf(id)).toBeGreaterThanOrEqual(1);
    // The worker listens again: new deliveries wake it through NOTIFY, not only by polling.
    await waitFor('the worker to LISTEN again', async () => {
      const listening = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and query = ${`LISTEN ${DELIVERIES_CHANNEL}`}`.execute(db);
      return listening.rows[0].n === 1;
    });
    expect(api.exits.concat(worker.exits)).toEqual([]);
  });
});
