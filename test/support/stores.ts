// Runs a suite on every store: embedded SQLite and a real PostgreSQL (a fresh database per suite,
// so test files run in parallel). Without PostgreSQL the second half is skipped, loudly; in CI
// (CI=true) a missing PostgreSQL fails the run instead.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { openStore, type Store } from '../../src/db/store.ts';

export const POSTGRES_ADMIN_URL =
  process.env.TRACKWIRE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

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

export type Dialect = 'sqlite' | 'postgres';

/** Creates an empty PostgreSQL database and returns its URL and a function that drops it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tw_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

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
    const database = await createPostgresDatabase();
    const store = openStore({ databaseUrl: database.url });
    await migrateToLatest(store.db, store.capabilities);
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
  const store = openStore({ sqlitePath });
  await migrateToLatest(store.db, store.capabilities);
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
