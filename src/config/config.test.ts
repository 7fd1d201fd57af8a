import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig: lease against attempt deadline', () => {
  it('refuses a lease shorter than twice the attempt deadline, naming both variables', () => {
    const load = () => loadConfig({ TRACKWIRE_LEASE: '20s', TRACKWIRE_ATTEMPT_TIMEOUT: '15s' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/TRACKWIRE_LEASE.*TRACKWIRE_ATTEMPT_TIMEOUT/);
    // The default deadline is 15 s: a lease of 29 s is too short even when the deadline is not set.
    expect(() => loadConfig({ TRACKWIRE_LEASE: '29s' })).toThrow(/TRACKWIRE_ATTEMPT_TIMEOUT/);
  });

  it('accepts a lease of exactly twice the deadline, and derives a long enough default', () => {
    expect(loadConfig({ TRACKWIRE_LEASE: '2s', TRACKWIRE_ATTEMPT_TIMEOUT: '1s' }).leaseMs).toBe(2_000);
    expect(loadConfig({ TRACKWIRE_ATTEMPT_TIMEOUT: '30s' }).leaseMs).toBe(70_000);
    expect(loadConfig({}).leaseMs).toBe(60_000);
  });
});
