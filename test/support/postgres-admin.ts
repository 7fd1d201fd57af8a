// The test PostgreSQL server: whether it answers, and throwaway databases on it, empty or copied
// from a migrated template.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_ADMIN_URL =
  process.env.TRACKWIRE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** What the global setup migrated once per run for the stores to copy. */
export interface StoreTemplates {
  sqlitePath: string;
  postgresDatabase?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    storeTemplates: StoreTemplates;
  }
}

/** Why PostgreSQL cannot be used, or undefined when it answers. */
export async function probePostgres(): Promise<string | undefined> {
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

async function onAdmin(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/**
 * Creates a PostgreSQL database, empty or as a copy of `template` (which nobody may be connected
 * to), and returns its name, its URL and a function that drops it.
 */
export async function createPostgresDatabase(
  template?: string,
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `tw_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onAdmin(template ? `create database ${name} template ${template}` : `create database ${name}`);
  // No test crashes the PostgreSQL server itself, so waiting for each commit's WAL flush proves
  // nothing here; a commit is as visible to every connection without it.
  await onAdmin(`alter database ${name} set synchronous_commit = off`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => onAdmin(`drop database if exists ${name} with (force)`),
  };
}
