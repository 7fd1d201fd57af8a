import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { openStore } from '../db/store.ts';
import { storeOptionsFor } from '../server/context.ts';

export async function runMigrate(config: Config, log: Logger): Promise<number> {
  const store = openStore(storeOptionsFor(config, log));
  try {
    const applied = await migrateToLatest(store.db, store.capabilities);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
    return 0;
  } finally {
    await store.close();
  }
}
