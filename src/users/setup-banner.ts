// While no dashboard user exists, each start prints a fresh one-time link to create the first admin.
import type { AppContext } from '../server/app-context.ts';
import { createSetupLinkIfNoUser } from './user-link.service.ts';

export async function setupLinkBanner(ctx: AppContext): Promise<string[]> {
  const link = await createSetupLinkIfNoUser(ctx.store.db, ctx.clock.now());
  if (!link) return [];
  return [
    '',
    'No dashboard user exists yet. Open this one-time link (valid 24 h) to create the first admin:',
    '',
    `  ${ctx.config.publicUrl}/setup?token=${link.token}`,
    '',
    '(or: trackwire users create --email you@example.com --role admin)',
    '',
  ];
}
