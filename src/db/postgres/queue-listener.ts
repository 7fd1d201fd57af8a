// LISTEN for commit-time wake-ups from other nodes (PostgreSQL). A dedicated client, not a pooled
// one: a LISTEN lives on its connection. It reconnects after errors; polling covers the gap.
import pg from 'pg';
import type { Logger } from 'pino';
import type { QueueListener } from '../notify.ts';
import { DELIVERIES_CHANNEL } from './notify.ts';

const RECONNECT_MS = 1_000;

export function listenForQueuedDeliveries(url: string, onWake: () => void, log: Logger): QueueListener {
  let client: pg.Client | undefined;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, RECONNECT_MS);
  };

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url });
    client = c;
    c.on('notification', () => onWake());
    c.on('error', (err) => {
      // A client already replaced can still report its end; only the current one reconnects.
      if (client !== c) return;
      log.warn({ err: err.message }, 'delivery LISTEN connection lost; reconnecting');
      void c.end().catch(() => {});
      scheduleReconnect();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${DELIVERIES_CHANNEL}`);
      if (closed) await c.end();
      // Anything queued while we were away is found now rather than at the next poll.
      else onWake();
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'delivery LISTEN could not connect; retrying');
      void c.end().catch(() => {});
      scheduleReconnect();
    }
  }

  void connect();
  return {
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      await client?.end().catch(() => {});
    },
  };
}
