// Runs the schema migrations in src/db/migrations in name order; safe to call on every start.
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Capabilities } from './capabilities.ts';
import { migrations } from './migrations/index.ts';

export interface MigrationContext {
  capabilities: Capabilities;
}

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly context: MigrationContext) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, make] of Object.entries(migrations)) out[name] = make(this.context);
    return out;
  }
}

// A migration runs against the schema as it was at its point in history, not today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
export async function migrateToLatest(db: Kysely<any>, capabilities: Capabilities): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider({ capabilities }) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has run (what /healthz reports). */
// biome-ignore lint/suspicious/noExplicitAny: as for migrateToLatest
export async function isMigrated(db: Kysely<any>, capabilities: Capabilities): Promise<boolean> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider({ capabilities }) });
  const list = await migrator.getMigrations();
  return list.every((m) => m.executedAt !== undefined);
}
