// `trackwire users create --email E --role R [--advertiser ID | --publisher ID]` and
// `trackwire users reset-password --email E`; the password comes from standard input.
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.types.ts';
import { openMigratedStore } from '../server/context.ts';
import { AppError } from '../shared/errors.ts';
import { createUser, resetPassword } from '../users/user.service.ts';
import type { UserRole } from '../users/user.table.ts';
import { positiveInt, UsageError } from './keys.command.ts';
import { readNewPassword } from './read-password.ts';

export const USERS_USAGE = `  users create --email E --role admin|advertiser|publisher [--advertiser ID | --publisher ID]
                                 create a dashboard user; the password is read from standard input
                                 (first line when piped, a prompt without echo on a terminal)
  users reset-password --email E set a new password (read the same way) and sign the user out`;

interface UsersArgs {
  action: 'create' | 'reset-password';
  email: string;
  role?: UserRole;
  advertiserId?: number;
  publisherId?: number;
}

export function parseUsersArgs(args: string[]): UsersArgs {
  const [action, ...rest] = args;
  if (action !== 'create' && action !== 'reset-password')
    throw new UsageError('expected "users create" or "users reset-password"');
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        email: { type: 'string' },
        role: { type: 'string' },
        advertiser: { type: 'string' },
        publisher: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.email) throw new UsageError('--email is required');
  if (action === 'reset-password') {
    if (values.role || values.advertiser || values.publisher)
      throw new UsageError('reset-password takes only --email');
    return { action, email: values.email };
  }
  const role = values.role as UserRole | undefined;
  if (!role || !['admin', 'advertiser', 'publisher'].includes(role))
    throw new UsageError('--role must be admin, advertiser or publisher');
  return {
    action,
    email: values.email,
    role,
    advertiserId: positiveInt('advertiser', values.advertiser),
    publisherId: positiveInt('publisher', values.publisher),
  };
}

export async function applyUsersCommand(
  db: Db,
  args: UsersArgs,
  password: string,
  now: number,
): Promise<string> {
  if (args.action === 'reset-password') {
    const user = await resetPassword(db, args.email, password, now);
    return `Password of ${user.email} changed; its sessions were signed out.`;
  }
  const user = await createUser(
    db,
    {
      email: args.email,
      password,
      role: args.role ?? 'admin',
      advertiserId: args.advertiserId,
      publisherId: args.publisherId,
    },
    now,
  );
  const owner = user.advertiser_id
    ? ` for advertiser ${user.advertiser_id}`
    : user.publisher_id
      ? ` for publisher ${user.publisher_id}`
      : '';
  return `Created ${user.role} user #${user.id} ${user.email}${owner}. Sign in at the dashboard.`;
}

export async function runUsers(config: Config, log: Logger, args: string[]): Promise<number> {
  let parsed: UsersArgs;
  let password: string;
  try {
    parsed = parseUsersArgs(args);
    password = await readNewPassword(process.stdin, process.stderr);
  } catch (error) {
    console.error(`users: ${(error as Error).message}`);
    return 2;
  }
  const store = await openMigratedStore(config, log);
  try {
    console.log(await applyUsersCommand(store.db, parsed, password, Date.now()));
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      console.error(`users: ${error.message}`);
      return 2;
    }
    throw error;
  } finally {
    await store.close();
  }
}
