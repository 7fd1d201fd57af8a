// Does the click rate hold up on a big clicks table? Two SQLite stores, one of them with N synthetic
// clicks bulk-inserted straight into the file, and the click phase measured on each, alternated.
//   node bin/run-ts.js bench/big-table.ts --preload=10000000 [--seconds=5]
// Target: the preloaded click rate is at least 80 % of the empty one (indexes and the write path
// must not degrade with size). SQLite only: the point is the embedded store's b-trees.
import { sqliteHandleOf } from '../src/db/driver-handles.ts';
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
  const sqlite = sqliteHandleOf(store); // big-table runs on SQLite only
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

type ClickFigures = NonNullable<Report['clicks']>;

const line = (name: string, c: ClickFigures) =>
  `${name}: ${c.trackwireRps.toFixed(0)} clicks/s (${(c.ratio * 100).toFixed(0)} % of bare ${c.referenceRps.toFixed(0)}), p99 ${c.p99Ms.toFixed(1)} ms`;
const sum = (runs: ClickFigures[], pick: (c: ClickFigures) => number) =>
  runs.reduce((total, c) => total + pick(c), 0);

async function main(): Promise<void> {
  // Two stores side by side, one preloaded, measured in the order empty, big, big, empty: the two
  // sizes are compared over the same stretch of time, so the machine drifting (which moves rates
  // by ±20 % between runs minutes apart) weighs on both alike.
  const empty = await openBenchRun({ smoke: false, phaseSeconds: seconds });
  const big = await openBenchRun({ smoke: false, phaseSeconds: seconds });
  try {
    preloadClicks(big.state.store, big.state.seeded, preload);
    const measured = { empty: [] as ClickFigures[], big: [] as ClickFigures[] };
    for (const size of ['empty', 'big', 'big', 'empty'] as const) {
      const { state } = size === 'empty' ? empty : big;
      await runClickPhase(state);
      if (!state.report.clicks) throw new Error('click phase reported nothing');
      measured[size].push(state.report.clicks);
      console.log(line(size === 'empty' ? 'empty table' : `${preload} clicks`, state.report.clicks));
    }
    const ratio = sum(measured.big, (c) => c.trackwireRps) / sum(measured.empty, (c) => c.trackwireRps);
    const bareRatio = sum(measured.big, (c) => c.ratio) / sum(measured.empty, (c) => c.ratio);
    console.log(
      `preloaded / empty over both runs of each: ${(ratio * 100).toFixed(0)} % raw, ${(bareRatio * 100).toFixed(0)} % against the bare server of each run (target ≥ 80 %)`,
    );
  } finally {
    await big.close();
    await empty.close();
  }
}

await main();
process.exit(0);
