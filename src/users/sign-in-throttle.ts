// Counts failed sign-ins per account and per client address in a sliding window, in memory:
// each API node throttles on its own, which bounds guessing per node without a shared store.
import { AppError } from '../shared/errors.ts';
import { SIGN_IN_FAILURES_PER_ACCOUNT, SIGN_IN_FAILURES_PER_IP, SIGN_IN_WINDOW_MS } from './limits.ts';

const MAX_TRACKED = 100_000;

export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly perAccount = SIGN_IN_FAILURES_PER_ACCOUNT,
    private readonly perIp = SIGN_IN_FAILURES_PER_IP,
    private readonly windowMs = SIGN_IN_WINDOW_MS,
  ) {}

  /** Throws rate_limited when either the account or the address has failed too often lately. */
  assertAllowed(email: string, ip: string, now: number): void {
    this.refuseOver(`account:${email}`, this.perAccount, now, 'for this account');
    this.refuseOver(`ip:${ip}`, this.perIp, now, 'from your address');
  }

  recordFailure(email: string, ip: string, now: number): void {
    if (this.failures.size >= MAX_TRACKED) this.failures.clear();
    for (const key of [`account:${email}`, `ip:${ip}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
  }

  recordSuccess(email: string): void {
    this.failures.delete(`account:${email}`);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  private refuseOver(key: string, limit: number, now: number, where: string): void {
    const list = this.recent(key, now);
    if (list.length < limit) return;
    const minutes = Math.max(1, Math.ceil((list[0] + this.windowMs - now) / 60_000));
    throw new AppError(
      'rate_limited',
      `Too many failed sign-ins ${where}. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      { retryAfterSeconds: minutes * 60 },
    );
  }
}
