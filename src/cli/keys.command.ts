import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';

export async function runKeysCreate(_config: Config, _log: Logger, _args: string[]): Promise<number> {
  console.error('keys create: not available yet');
  return 1;
}
