// Does the click rate hold up on a big clicks table? Measures the click phase on an empty SQLite
// store, bulk-inserts N synthetic clicks straight into the file, and measures the phase again.
//   node bin/run-ts.js bench/big-table.ts --preload=10000000 [--seconds=5]
// Target: the preloaded click rate is at least 80 % of the empty one (indexes and the write path
// must not degrade with size). SQLite only: the point is the embedded store's b-trees.
import type { Store } from '../src/db/store.ts';
import { newId } from '../src/shared/ids.ts';
import { openBenchRun, parseArgs } from './lib/bench-run.ts';
import { runClickPhase } from './lib/phases.ts';
import type { Report } from './lib/report.ts';
import type { Seeded } from './lib/seed.ts';

const args = parseArgs(process.argv.slice(2));
const preload = Number(args.get('preload') ?? 10_000_000);
const seconds = Number(args.get('seconds') ?? 5);
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0';

/** Inserts `count` clicks spread over the seeded links, timestamps spread over the past 30 days. */
function preloadClicks(store: Store, seeded: Seeded, count: number): void {
  const sqlite = store.sqlite;
  if (!sqlite) throw new Error('big-table runs on SQLite only');
  const links = sqlite.prepare('select id, offer_id, publisher_id from links').all() as Array<{
    id: number;
    offer_id: number;
    publisher_id: number;
  }>;
  const advertiserOf = new Map(
    (
      sqlite.prepare('select id, advertiser_id from offers').all() as Array<{
        id: number;
        advertiser_id: number;
      }>
    ).map((o) => [o.id, o.advertiser_id]),
  );
  const insert = sqlite.prepare(
    `insert into clicks (id, link_id, offer_id, publisher_id, advertiser_id, sub1, external_id, ip,
      user_agent, device, os, browser, is_bot, created_at) values (?, ?, ?, ?, ?, ?, ?, '127.0.0.1', ?,
      'desktop', 'Windows', 'Chrome', 0, ?)`,
  );
  const start = Date.now() - 30 * 86_400_000;
  const step = (30 * 86_400_000) / count; // in time order, as real clicks arrive
  const insertChunk = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const link = links[i % links.length];
      const at = Math.floor(start + i * step);
      insert.run(
        newId(at),
        link.id,
        link.offer_id,
        link.publisher_id,
        advertiserOf.get(link.offer_id),
        `s${i}`,
        `e${i}`,
        UA,
        at,
      );
    }
  });
  const began = Date.now();
  for (let i = 0; i < count; i += 50_000) {
    insertChunk(i, Math.min(count, i + 50_000));
    if (i % 1_000_000 === 0 && i > 0)
      console.log(`  ${i} clicks preloaded (${((Date.now() - began) / 1000).toFixed(0)} s)`);
  }
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  console.log(
    `preloaded ${count} clicks in ${((Date.now() - began) / 1000).toFixed(0)} s; seeded slugs ${seeded.slugs.length}`,
  );
}

async function main(): Promise<void> {
  const { state, close } = await openBenchRun({ smoke: false, phaseSeconds: seconds });
  const { store, seeded } = state;
  try {
    await runClickPhase(state);
    const empty = state.report.clicks;
    if (!empty) throw new Error('click phase reported nothing');
    preloadClicks(store, seeded, preload);
    await runClickPhase(state);
    const big = state.report.clicks;
    if (!big) throw new Error('click phase reported nothing');
    const line = (name: string, c: NonNullable<Report['clicks']>) =>
      `${name}: ${c.trackwireRps.toFixed(0)} clicks/s (${((c.ratio ?? 0) * 100).toFixed(0)} % of bare ${c.referenceRps.toFixed(0)}), p99 ${c.p99Ms.toFixed(1)} ms`;
    console.log(line('empty table', empty));
    console.log(line(`${preload} clicks`, big));
    const ratio = big.trackwireRps / empty.trackwireRps;
    const bareRatio = big.ratio / empty.ratio;
    console.log(
      `preloaded / empty: ${(ratio * 100).toFixed(0)} % raw, ${(bareRatio * 100).toFixed(0)} % against the bare server of each run (target ≥ 80 %)`,
    );
  } finally {
    await close();
  }
}

await main();
process.exit(0);
