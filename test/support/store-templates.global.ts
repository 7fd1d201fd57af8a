// Vitest global setup: the schema is migrated once per run, into a SQLite file and a PostgreSQL
// template database; each suite's store starts as a copy of it (see stores.ts) instead of running
// every migration again.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { openStore } from '../../src/db/store.ts';
import { createPostgresDatabase, probePostgres, type StoreTemplates } from './postgres-admin.ts';

async function migratedSqliteFile(dir: string): Promise<string> {
  const path = join(dir, 'template.sqlite');
  const store = openStore({ sqlitePath: path });
  await migrateToLatest(store.db, store.capabilities);
  await store.close();
  // A copy of the file alone must hold the whole schema: the last connection's close folds the WAL in.
  if (existsSync(`${path}-wal`)) throw new Error(`the SQLite template kept its WAL: ${path}-wal`);
  return path;
}

export default async function migrateStoreTemplates(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'trackwire-template-'));
  const templates: StoreTemplates = { sqlitePath: await migratedSqliteFile(dir) };
  let dropPostgres = async () => {};
  if ((await probePostgres()) === undefined) {
    const database = await createPostgresDatabase();
    const store = openStore({ databaseUrl: database.url });
    await migrateToLatest(store.db, store.capabilities);
    await store.close();
    templates.postgresDatabase = database.name;
    dropPostgres = database.drop;
  }
  project.provide('storeTemplates', templates);
  return async () => {
    await dropPostgres();
    rmSync(dir, { recursive: true, force: true });
  };
}
