// Keeps the click rollup close behind the click writers: every few seconds, the clicks stored since
// the last catch-up are added to it (src/db/common/click-rollup.ts). Reports are exact without it
// (they add the clicks after the mark themselves); it keeps the raw tail they read short.
import type { Logger } from 'pino';
import { CATCH_UP_CHUNK } from '../db/common/click-rollup.ts';
import type { Store } from '../db/store.ts';

export const CATCH_UP_EVERY_MS = 5_000;

export interface RollupCatchUp {
  stop(): Promise<void>;
}

export function startRollupCatchUp(store: Store, log: Logger, everyMs = CATCH_UP_EVERY_MS): RollupCatchUp {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const round = async () => {
    try {
      // A backlog (after downtime) goes in chunks, one transaction each.
      let added = CATCH_UP_CHUNK;
      while (!stopped && added === CATCH_UP_CHUNK) added = await store.clicks.catchUpRollup();
    } catch (error) {
      log.warn({ err: error }, 'click rollup catch-up failed; retried on the next round');
    }
  };
  const timer = setInterval(() => {
    running = running.then(round);
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
