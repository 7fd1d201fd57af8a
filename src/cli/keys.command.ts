// `trackwire keys create --role admin|advertiser|publisher [--advertiser ID] [--publisher ID] [--label X]`
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { createApiKey, type NewApiKeyInput } from '../auth/api-key.service.ts';
import type { KeyRole } from '../auth/api-key.table.ts';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.types.ts';
import { openMigratedStore } from '../server/context.ts';
import { AppError } from '../shared/errors.ts';

export class UsageError extends Error {}

export function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`--${flag} must be a positive integer id`);
  return Number(raw);
}

export function parseKeysCreateArgs(args: string[]): NewApiKeyInput {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        role: { type: 'string' },
        advertiser: { type: 'string' },
        publisher: { type: 'string' },
        label: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const role = values.role as KeyRole | undefined;
  if (!role || !['admin', 'advertiser', 'publisher'].includes(role)) {
    throw new UsageError('--role must be admin, advertiser or publisher');
  }
  return {
    role,
    advertiserId: positiveInt('advertiser', values.advertiser),
    publisherId: positiveInt('publisher', values.publisher),
    label: values.label,
  };
}

/** Creates the key and returns the lines to print; the key appears in them once and nowhere else. */
export async function createKeyForCli(db: Db, input: NewApiKeyInput, now: number): Promise<string[]> {
  const { key, row } = await createApiKey(db, input, now);
  const owner = row.advertiser_id
    ? ` for advertiser ${row.advertiser_id}`
    : row.publisher_id
      ? ` for publisher ${row.publisher_id}`
      : '';
  return [
    `Created ${row.role} key #${row.id}${owner}. It is shown this once; store it now:`,
    '',
    `  ${key}`,
    '',
    'Use it as:  Authorization: Bearer <key>',
  ];
}

export async function runKeysCreate(config: Config, log: Logger, args: string[]): Promise<number> {
  let input: NewApiKeyInput;
  try {
    input = parseKeysCreateArgs(args);
  } catch (error) {
    console.error(`keys create: ${(error as Error).message}`);
    return 2;
  }
  const store = await openMigratedStore(config, log);
  try {
    for (const line of await createKeyForCli(store.db, input, Date.now())) console.log(line);
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      console.error(`keys create: ${error.message}`);
      return 2;
    }
    throw error;
  } finally {
    await store.close();
  }
}
