// Runs applyRetention once a day in this process. A stand-in until the shared job runner (a lease
// in the store, one node at a time) takes the job over: several nodes running it at once only
// repeat idempotent batches, since each pass resumes from the cursor the others left.
import type { AppContext } from '../server/app-context.ts';
import { applyRetention } from './retention.service.ts';

export const RETENTION_INTERVAL_MS = 86_400_000;
export const RETENTION_BATCH_SIZE = 500;

export interface RetentionScheduler {
  stop(): Promise<void>;
}

export function startRetentionScheduler(
  ctx: AppContext,
  options: { intervalMs?: number; firstRunMs?: number; batchSize?: number } = {},
): RetentionScheduler {
  const intervalMs = options.intervalMs ?? RETENTION_INTERVAL_MS;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout;
  const tick = () => {
    running = applyRetention(ctx, {
      now: ctx.clock.now(),
      batchSize: options.batchSize ?? RETENTION_BATCH_SIZE,
    })
      .then((run) => ctx.log.info({ run }, 'retention applied'))
      .catch((err) => ctx.log.warn({ err }, 'retention run failed; the next run resumes where it stopped'))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  timer = setTimeout(tick, options.firstRunMs ?? 60_000).unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
