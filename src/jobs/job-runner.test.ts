import pino from 'pino';
import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.ts';
import { ManualClock } from '../shared/clock.ts';
import { listJobLeases } from './job-lease.repository.ts';
import { createJobRunner } from './job-runner.ts';

const log = pino({ level: 'silent' });

describeEachStore('periodic job runner', (current) => {
  it('runs a due job on exactly one of two nodes, then not again until it is due', async () => {
    const clock = new ManualClock(Date.UTC(2026, 3, 1));
    const runs: string[] = [];
    const nodes = ['node_a', 'node_b'].map((holder) => {
      const runner = createJobRunner({ db: current().store.db, clock, log, holder });
      runner.registerJob({
        name: 'count-runs',
        everyMs: 60_000,
        run: async () => {
          runs.push(holder);
        },
      });
      return runner;
    });
    const first = await Promise.all(nodes.map((n) => n.runDue()));
    expect(runs).toHaveLength(1);
    expect(first.flat()).toEqual(['count-runs']);
    // Not due yet: neither node runs it.
    clock.advance(59_000);
    await Promise.all(nodes.map((n) => n.runDue()));
    expect(runs).toHaveLength(1);
    clock.advance(1_000);
    await Promise.all(nodes.map((n) => n.runDue()));
    expect(runs).toHaveLength(2);
    const [lease] = await listJobLeases(current().store.db);
    expect(lease).toMatchObject({ name: 'count-runs', lease_until: 0, next_run_at: clock.now() + 60_000 });
  });

  it('keeps a held job away from other nodes until its lease expires', async () => {
    const clock = new ManualClock(Date.UTC(2026, 3, 2));
    let release: () => void = () => {};
    const started: string[] = [];
    const make = (holder: string) => {
      const runner = createJobRunner({ db: current().store.db, clock, log, holder });
      runner.registerJob({
        name: 'slow',
        everyMs: 1_000,
        leaseMs: 30_000,
        run: () => {
          started.push(holder);
          return holder === 'stuck' ? new Promise<void>((r) => (release = r)) : Promise.resolve();
        },
      });
      return runner;
    };
    const stuck = make('stuck');
    const other = make('other');
    const running = stuck.runDue();
    await expect.poll(() => started).toEqual(['stuck']);
    clock.advance(10_000);
    expect(await other.runDue()).toEqual([]);
    // The holder died (its lease was never renewed): once it expires, another node takes the job.
    clock.advance(21_000);
    expect(await other.runDue()).toEqual(['slow']);
    expect(started).toEqual(['stuck', 'other']);
    release();
    await running;
  });

  it('records a failing run and runs it again when next due', async () => {
    const clock = new ManualClock(Date.UTC(2026, 3, 3));
    let calls = 0;
    const runner = createJobRunner({ db: current().store.db, clock, log, holder: 'solo' });
    runner.registerJob({
      name: 'flaky',
      everyMs: 5_000,
      run: async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
      },
    });
    await runner.runDue();
    const failed = (await listJobLeases(current().store.db)).find((l) => l.name === 'flaky');
    expect(failed?.last_error).toBe('boom');
    clock.advance(5_000);
    await runner.runDue();
    const fine = (await listJobLeases(current().store.db)).find((l) => l.name === 'flaky');
    expect(calls).toBe(2);
    expect(fine?.last_error).toBeNull();
  });
});
