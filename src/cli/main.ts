// `trackwire <command>`: serve (default), migrate, worker, keys create, users, demo.
import { ConfigError, loadConfig } from '../config/config.ts';
import { createLogger } from '../server/logger.ts';
import { runDemo } from './demo.command.ts';
import { runKeysCreate } from './keys.command.ts';
import { runMigrate } from './migrate.command.ts';
import { runServe } from './serve.command.ts';
import { runUsers, USERS_USAGE } from './users.command.ts';

const USAGE = `usage: trackwire <command>

  serve                          run the HTTP server (and the delivery worker unless TRACKWIRE_ROLE=api)
  worker                         run only the delivery worker
  migrate                        apply database migrations and exit
  keys create --role admin|advertiser|publisher [--advertiser ID] [--publisher ID] [--label TEXT]
                                 create an API key and print it once
${USERS_USAGE}
  demo                           create a sample advertiser, offer, publisher and link, and print
                                 a tracking link and an inbound postback URL to try

Configuration comes from environment variables; see README.md.`;

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  switch (command) {
    case 'serve':
      return runServe(config, log);
    case 'worker':
      return runServe({ ...config, role: 'worker' }, log);
    case 'migrate':
      return runMigrate(config, log);
    case 'keys':
      if (rest[0] !== 'create') break;
      return runKeysCreate(config, log, rest.slice(1));
    case 'users':
      return runUsers(config, log, rest);
    case 'demo':
      return runDemo(config, log);
  }
  console.error(USAGE);
  return 2;
}

try {
  const code = await main(process.argv.slice(2));
  if (code !== 0 || !['serve', 'worker', undefined].includes(process.argv[2])) process.exit(code);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`trackwire: configuration error: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
}
