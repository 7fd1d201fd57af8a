// Retention under click load: the click rate while the retention job anonymises old clicks and
// empties old bodies, against the click rate without it, alternated A/B so drift hits both alike.
// The job runs inside the Trackwire process (POST /api/v1/retention/run, the same function the
// daily scheduler calls, batches of 500); it is restarted from the first row whenever it finishes
// before the load does, so it works through every B round from start to end.
import { randomBytes } from 'node:crypto';
import type { Store } from '../../src/db/store.ts';
import { newId } from '../../src/shared/ids.ts';
import { median, runLoad } from './load.ts';
import type { RunState } from './phases.ts';
import { startTrackwire } from './processes.ts';

const DAY = 86_400_000;

export interface RetentionBenchResult {
  oldClicks: number;
  withoutRetention: number[];
  withRetention: number[];
  /** Median rate with the job running over the median rate without it. */
  ratio: number;
  /** Rows the job changed per second while the load ran. */
  retentionRowsPerSecond: number;
}

async function seedOldRows(store: Store, count: number): Promise<void> {
  const link = await store.db
    .selectFrom('links')
    .innerJoin('offers', 'offers.id', 'links.offer_id')
    .select(['links.id', 'links.offer_id', 'links.publisher_id', 'offers.advertiser_id'])
    .executeTakeFirstOrThrow();
  const start = Date.now() - 120 * DAY;
  const chunk = 500;
  for (let i = 0; i < count; i += chunk) {
    const rows = [];
    for (let j = i; j < Math.min(count, i + chunk); j++) {
      const at = start + j * 10;
      rows.push({
        id: newId(at),
        link_id: link.id,
        offer_id: link.offer_id,
        publisher_id: link.publisher_id,
        advertiser_id: Number(link.advertiser_id),
        sub1: `s${j}`,
        ip: `198.51.${(j >> 8) & 255}.${j & 255}`,
        user_agent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15',
        country: 'DE',
        is_bot: 0,
        created_at: at,
      });
    }
    await store.db.insertInto('clicks').values(rows).execute();
    const logs = rows.slice(0, 50).map((r) => ({
      received_at: r.created_at,
      method: 'GET',
      url: '/postback?click_id=x',
      scheme: 'https',
      headers: '{}',
      body: JSON.stringify({ click_id: r.id, payout: '1.00', note: randomBytes(64).toString('hex') }),
      result: 'accepted' as const,
      code: 'conversion_created',
      http_status: 200,
      insecure: 0,
    }));
    await store.db.insertInto('postback_log').values(logs).execute();
  }
}

export async function runRetentionPhase(state: RunState): Promise<RetentionBenchResult> {
  const oldClicks = state.smoke ? 20_000 : 400_000;
  await seedOldRows(state.store, oldClicks);
  const { slugs } = state.seeded;
  const paths = Array.from({ length: 100 }, (_, i) => `/c/${slugs[i % slugs.length]}?sub1=r${i}`);
  const api = await startTrackwire(state.env, 'api');
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${api.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${state.env.TRACKWIRE_ADMIN_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (r) => {
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return r.json();
    });
  const withoutRetention: number[] = [];
  const withRetention: number[] = [];
  let changed = 0;
  let busyMs = 0;
  try {
    await admin('PATCH', '/retention', { anonymizeAfterDays: 30, purgeBodiesAfterDays: 30 });
    await runLoad({ url: api.url, seconds: state.smoke ? 1 : 2, paths });
    for (let r = 0; r < state.rounds; r++) {
      withoutRetention.push((await runLoad({ url: api.url, seconds: state.phaseSeconds, paths })).rps);
      let loading = true;
      const job = (async () => {
        while (loading) {
          await state.store.db
            .updateTable('retention_settings')
            .set({ click_cursor: '', log_cursor: 0 })
            .execute();
          const started = Date.now();
          const run = await admin('POST', '/retention/run');
          busyMs += Date.now() - started;
          changed += run.clicksAnonymized + run.logBodiesDeleted;
        }
      })();
      withRetention.push((await runLoad({ url: api.url, seconds: state.phaseSeconds, paths })).rps);
      loading = false;
      await job;
    }
  } finally {
    await api.stop();
  }
  const result = {
    oldClicks,
    withoutRetention,
    withRetention,
    ratio: median(withRetention) / median(withoutRetention),
    retentionRowsPerSecond: Math.round((changed * 1000) / Math.max(1, busyMs)),
  };
  console.log(
    `retention under click load: ${Math.round(median(withRetention))} clicks/s with the job, ` +
      `${Math.round(median(withoutRetention))} without (${(result.ratio * 100).toFixed(1)} %); ` +
      `the job changed ${result.retentionRowsPerSecond} rows/s over ${oldClicks} old clicks ` +
      `(rounds without: ${withoutRetention.map(Math.round).join(', ')}; with: ${withRetention.map(Math.round).join(', ')})`,
  );
  return result;
}
