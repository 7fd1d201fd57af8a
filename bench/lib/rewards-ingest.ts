// Inbound ingest with rewards and five inbound rules on, as a share of plain ingest in the same
// run: alternated plain / rewards on fresh API processes, after an uncounted warm-up round, the
// figures medians.
// Every publisher credits its users (sub1); none of the five rules matches, so every postback is
// a new accepted conversion in both arms and the difference is the cost of checking and crediting.
import type { Store } from '../../src/db/store.ts';
import { median, runLoad } from './load.ts';
import type { RunState } from './phases.ts';
import { startTrackwire } from './processes.ts';
import type { Report } from './report.ts';

export interface RewardsIngestReport {
  plainRps: number;
  rewardsRps: number;
  ratio: number;
  plainByRound: number[];
  rewardsByRound: number[];
  /** The API process's CPU time per accepted conversion (µs), medians: steadier than rates on a shared host. */
  plainCpuUs: number;
  rewardsCpuUs: number;
  credited: number;
}

const RULES = [
  { kind: 'payout_ratio', params: { maxRatio: 100 } },
  { kind: 'payout_range', params: { min: 0, max: 10_000 } },
  { kind: 'sale_amount', params: { max: 1_000_000 } },
  { kind: 'time_to_conversion', params: { minSeconds: 0, maxSeconds: 365 * 86_400 } },
  // Reads the click's sub ids: the one rule that costs a query.
  { kind: 'sub_id', params: { sub: 'sub2', in: ['blocked_source'] } },
] as const;

async function switchRewardsAndRules(store: Store, on: boolean): Promise<void> {
  const db = store.db;
  await db.deleteFrom('inbound_rules').execute();
  await db.deleteFrom('reward_settings').execute();
  if (!on) return;
  const now = Date.now();
  await db
    .insertInto('inbound_rules')
    .values(
      RULES.map((r, i) => ({
        position: i,
        scope: 'all' as const,
        scope_id: null,
        kind: r.kind,
        params: JSON.stringify(r.params),
        action: 'hold' as const,
        reason_code: `bench_${r.kind}`,
        enabled: 1,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  const publishers = await db.selectFrom('publishers').select('id').execute();
  await db
    .insertInto('reward_settings')
    .values(
      publishers.map((p) => ({
        publisher_id: p.id,
        enabled: 1,
        user_sub_id: 'sub1',
        currency: 'coins',
        points_per_unit: 100,
        points_per_goal: '{}',
        rounding: 'floor' as const,
        credit_on: 'approved' as const,
        allow_negative: 1,
        updated_at: now,
      })),
    )
    .execute();
}

let next = 0;

export async function runRewardsIngestPhase(state: RunState): Promise<void> {
  const clicks = await state.store.db
    .selectFrom('clicks')
    .select(['id', 'advertiser_id'])
    .where('sub1', 'is not', null)
    .limit(200_000)
    .execute();
  if (clicks.length === 0) throw new Error('rewards ingest: no clicks with sub1 (run the click phase first)');
  const seconds = state.phaseSeconds;
  const postbacks = () =>
    Array.from({ length: 30_000 * seconds }, () => {
      const n = next++;
      const c = clicks[n % clicks.length];
      return `/postback?token=${state.seeded.tokens.get(c.advertiser_id)}&click_id=${c.id}&txn_id=rw${n}&payout=1.50&status=approved`;
    });
  const rates = { plain: [] as number[], rewards: [] as number[] };
  const cpuUs = { plain: [] as number[], rewards: [] as number[] };
  const creditedBefore = await countEntries(state.store);
  // Round 0 warms the store (the click phase's journal import and checkpoints) and is not counted.
  for (let round = 0; round < 3; round++) {
    for (const arm of ['plain', 'rewards'] as const) {
      await switchRewardsAndRules(state.store, arm === 'rewards');
      const api = await startTrackwire(state.env, 'api');
      try {
        // A short warm-up, then the measured run.
        await runLoad({ url: api.url, seconds: 1, paths: postbacks(), once: true });
        const cpuBefore = api.cpuMs();
        const run = await runLoad({ url: api.url, seconds, paths: postbacks(), once: true });
        if (round === 0) continue;
        rates[arm].push(run.answers['2xx'] / seconds);
        cpuUs[arm].push(((api.cpuMs() - cpuBefore) * 1000) / Math.max(1, run.answers['2xx']));
      } finally {
        await api.stop();
      }
    }
  }
  await switchRewardsAndRules(state.store, false);
  const plainRps = median(rates.plain);
  const rewardsRps = median(rates.rewards);
  state.report.rewardsIngest = {
    plainRps,
    rewardsRps,
    ratio: rewardsRps / plainRps,
    plainByRound: rates.plain,
    rewardsByRound: rates.rewards,
    plainCpuUs: median(cpuUs.plain),
    rewardsCpuUs: median(cpuUs.rewards),
    credited: (await countEntries(state.store)) - creditedBefore,
  };
}

async function countEntries(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('reward_entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function printRewardsIngest(report: Report): void {
  const r = report.rewardsIngest;
  if (!r) return;
  const pct = (n: number) => `${(n * 100).toFixed(0)} %`;
  console.log(
    `ingest with rewards + 5 rules: ${r.rewardsRps.toFixed(0)} conv/s, ${pct(r.ratio)} of plain ingest (${r.plainRps.toFixed(0)} conv/s) in the same run; rounds plain ${r.plainByRound.map((v) => v.toFixed(0)).join(' / ')}, rewards ${r.rewardsByRound.map((v) => v.toFixed(0)).join(' / ')}; ${r.credited} credits; CPU ${r.rewardsCpuUs.toFixed(0)} vs ${r.plainCpuUs.toFixed(0)} µs per conversion (${pct(r.plainCpuUs / r.rewardsCpuUs)}); ≥ 80 %: ${r.ratio >= 0.8 ? 'ok' : 'MISSED'}`,
  );
}
