import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';

export async function runDemo(_config: Config, _log: Logger): Promise<number> {
  console.error('demo: not available yet');
  return 1;
}
