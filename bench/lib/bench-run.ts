// What every benchmark entry point sets up: its arguments, the receiver, a fresh store seeded with
// the full data set, and the run state the phases share; and what it tears down afterwards.
import { cpus } from 'node:os';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { openStore } from '../../src/db/store.ts';
import { createBenchDatabase } from './bench-database.ts';
import type { RunState } from './phases.ts';
import { startReceiver } from './receiver.ts';
import type { Report } from './report.ts';
import { FULL_SIZES, seedCatalog } from './seed.ts';

/** `--name=value` and bare `--flag` (as "true") arguments. */
export function parseArgs(argv: string[]): Map<string, string> {
  return new Map(
    argv.map((a) => {
      const [k, v] = a.replace(/^--/, '').split('=');
      return [k, v ?? 'true'] as const;
    }),
  );
}

export interface BenchRunOptions {
  /** PostgreSQL server to create the bench database on; SQLite when absent. */
  databaseUrl?: string;
  smoke: boolean;
  phaseSeconds: number;
  /** Whether the rollups are caught up during ingest (default on). */
  rollupCatchUp?: boolean;
}

export async function openBenchRun(
  options: BenchRunOptions,
): Promise<{ state: RunState; close(): Promise<void> }> {
  const receiver = await startReceiver();
  const database = await createBenchDatabase(options.databaseUrl);
  const store = openStore(database.storeOptions);
  await migrateToLatest(store.db, store.capabilities);
  const seeded = await seedCatalog(store.db, FULL_SIZES, receiver.url);
  const state: RunState = {
    store,
    seeded,
    receiver,
    env: {
      ...database.env,
      TRACKWIRE_ADMIN_KEY: 'tw_bench_admin_key_0123456789',
      TRACKWIRE_ALLOW_PRIVATE_TARGETS: 'true',
      TRACKWIRE_ENDPOINT_INFLIGHT_CAP: '64',
      // The load generator is one source IP; the per-IP limit would otherwise answer most of it 429.
      TRACKWIRE_INBOUND_RATE_LIMIT: '0',
    },
    smoke: options.smoke,
    phaseSeconds: options.phaseSeconds,
    rollupCatchUp: options.rollupCatchUp ?? true,
    rounds: options.smoke ? 1 : 3,
    report: {
      machine: { cpus: cpus().length, dialect: store.capabilities.dialect, smoke: options.smoke },
    } as Report,
    peakRssMb: 0,
    peaks: {},
  };
  return {
    state,
    async close() {
      await store.close();
      await receiver.close();
      await database.drop();
    },
  };
}
