// What the account routes of one app share: the origin policy and the sign-in throttle.

import type { AppContext } from '../server/app-context.ts';
import { parseCidrList } from '../shared/cidr.ts';
import { createOriginPolicy, type OriginPolicy } from './request-origin.ts';
import { SignInThrottle } from './sign-in-throttle.ts';

export interface Accounts {
  origins: OriginPolicy;
  throttle: SignInThrottle;
}

const perContext = new WeakMap<AppContext, Accounts>();

export function accountsOf(ctx: AppContext): Accounts {
  let accounts = perContext.get(ctx);
  if (!accounts) {
    accounts = {
      origins: createOriginPolicy(ctx, parseCidrList(ctx.config.trustedProxies)),
      throttle: new SignInThrottle(),
    };
    perContext.set(ctx, accounts);
  }
  return accounts;
}
