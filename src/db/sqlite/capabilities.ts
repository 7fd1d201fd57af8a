import type { Capabilities } from '../capabilities.ts';

export const SQLITE_CAPABILITIES: Capabilities = Object.freeze({
  dialect: 'sqlite',
  skipLocked: false,
  listenNotify: false,
});
