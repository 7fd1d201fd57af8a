import type { Capabilities } from '../capabilities.ts';

export const POSTGRES_CAPABILITIES: Capabilities = Object.freeze({
  dialect: 'postgres',
  skipLocked: true,
  listenNotify: true,
});
