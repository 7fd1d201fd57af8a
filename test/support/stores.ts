// Runs a suite on every store: embedded SQLite and a real PostgreSQL (a fresh database per suite,
// so test files run in parallel), each a copy of the schema migrated once per run. Without PostgreSQL the second half is skipped, loudly; in CI
// (CI=true) a missing PostgreSQL fails the run instead.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { openStore, type Store } from '../../src/db/store.ts';
import { createPostgresDatabase, POSTGRES_ADMIN_URL, probePostgres } from './postgres-admin.ts';

export { createPostgresDatabase, POSTGRES_ADMIN_URL };

const postgresProblem = await probePostgres();
if (postgresProblem && process.env.CI) {
  throw new Error(
    `PostgreSQL is required in CI but unreachable at ${POSTGRES_ADMIN_URL}: ${postgresProblem}`,
  );
}
if (postgresProblem) {
  console.warn(
    `\n!!! PostgreSQL unreachable (${postgresProblem}): the PostgreSQL half of the suite is SKIPPED !!!\n`,
  );
}

// Migrated once per run by store-templates.global.ts; absent when a config runs without it.
const templates = inject('storeTemplates');

export type Dialect = 'sqlite' | 'postgres';

export interface TestStore {
  store: Store;
  dialect: Dialect;
  /** For tests that start a second process or connection on the same store. */
  databaseUrl?: string;
  sqlitePath?: string;
  close(): Promise<void>;
}

export async function openTestStore(
  dialect: Dialect,
  options: { sqlitePath?: string } = {},
): Promise<TestStore> {
  if (dialect === 'postgres') {
    const template = templates?.postgresDatabase;
    const database = await createPostgresDatabase(template);
    const store = openStore({ databaseUrl: database.url });
    if (!template) await migrateToLatest(store.db, store.capabilities);
    return {
      store,
      dialect,
      databaseUrl: database.url,
      async close() {
        await store.close();
        await database.drop();
      },
    };
  }
  // A file, as in production: clicks then go through the click journal, which ':memory:' skips.
  const ownDir = options.sqlitePath ? undefined : mkdtempSync(join(tmpdir(), 'trackwire-test-'));
  const sqlitePath = options.sqlitePath ?? join(ownDir as string, 'trackwire.sqlite');
  const copied = templates !== undefined && !existsSync(sqlitePath);
  if (copied) copyFileSync(templates.sqlitePath, sqlitePath);
  const store = openStore({ sqlitePath });
  if (!copied) await migrateToLatest(store.db, store.capabilities);
  return {
    store,
    dialect,
    sqlitePath,
    async close() {
      await store.close();
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

/** Declares `body` on one store; the PostgreSQL suite is skipped, loudly, when PostgreSQL is down. */
function describeOnStore(dialect: Dialect, name: string, body: (current: () => TestStore) => void): void {
  const skip = dialect === 'postgres' && postgresProblem !== undefined;
  const title = skip ? `${name} [postgres — SKIPPED: PostgreSQL unreachable]` : `${name} [${dialect}]`;
  (skip ? describe.skip : describe)(title, () => {
    let testStore: TestStore | undefined;
    beforeAll(async () => {
      testStore = await openTestStore(dialect);
    });
    afterAll(async () => {
      await testStore?.close();
    });
    body(() => {
      if (!testStore) throw new Error('store not open yet');
      return testStore;
    });
  });
}

/**
 * Declares `body` once per store. Inside, `current()` gives the suite's migrated store.
 * Each suite gets its own store, shared by the tests in it.
 */
export function describeEachStore(name: string, body: (current: () => TestStore) => void): void {
  for (const dialect of ['sqlite', 'postgres'] as const) describeOnStore(dialect, name, body);
}

/** For code that exists only on PostgreSQL: declares `body` on a PostgreSQL store alone. */
export function describePostgres(name: string, body: (current: () => TestStore) => void): void {
  describeOnStore('postgres', name, body);
}
