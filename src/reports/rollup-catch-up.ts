// Keeps the rollups close behind the writers: every few seconds, the clicks stored since the last
// catch-up are added to the click rollup (src/db/common/click-rollup.ts), and on stores that do not
// add new conversions in their own transaction, the conversions to the conversion rollup
// (src/db/common/conversion-rollup.ts). Reports are exact without it (they add the rows after each
// mark themselves); it keeps the raw tails they read short.
import type { Logger } from 'pino';
import { CATCH_UP_CHUNK } from '../db/common/click-rollup.ts';
import { CONVERSION_CATCH_UP_CHUNK } from '../db/common/conversion-rollup.ts';
import type { Store } from '../db/store.ts';

export const CATCH_UP_EVERY_MS = 5_000;

export interface RollupCatchUp {
  stop(): Promise<void>;
}

export function startRollupCatchUp(store: Store, log: Logger, everyMs = CATCH_UP_EVERY_MS): RollupCatchUp {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  // A backlog (after downtime) goes in chunks, one transaction each.
  const drain = async (name: string, step: () => Promise<number>, chunk: number) => {
    try {
      let added = chunk;
      while (!stopped && added === chunk) added = await step();
    } catch (error) {
      log.warn({ err: error }, `${name} rollup catch-up failed; retried on the next round`);
    }
  };
  const round = async () => {
    await drain('click', () => store.clicks.catchUpRollup(), CATCH_UP_CHUNK);
    await drain('conversion', () => store.conversionRollup.catchUp(), CONVERSION_CATCH_UP_CHUNK);
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
