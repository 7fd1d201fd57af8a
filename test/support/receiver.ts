// Test helpers: a publisher's receiver on loopback that records every postback it gets (and how
// many of one delivery were in flight at once), and conversions seeded through the real outbox write.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Config } from '../../src/config/config.ts';
import type { Db } from '../../src/db/database.types.ts';
import type { Store } from '../../src/db/store.ts';
import { enqueueDeliveriesForEvent } from '../../src/deliveries/outbox/enqueue-deliveries.ts';
import type { NewPostbackRow } from '../../src/postbacks/postback.table.ts';
import type { AppContext } from '../../src/server/app-context.ts';
import { createContext } from '../../src/server/context.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { newId } from '../../src/shared/ids.ts';
import { testConfig } from './app.ts';
import { createCatalog } from './fixtures.ts';
import { conversionRow, postbackRow } from './rows.ts';

export interface Hit {
  /** The {postback_id} macro: the delivery id. */
  deliveryId: string;
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Answer {
  status: number;
  body?: string;
  delayMs?: number;
  headers?: Record<string, string>;
}

export interface Receiver {
  url: string;
  hits: Hit[];
  /** Highest number of requests of one delivery in flight at the same time. */
  maxConcurrentPerDelivery: number;
  maxConcurrent: number;
  /** How many times each delivery id arrived. */
  countOf(deliveryId: string): number;
  answer: (hit: Hit, nth: number) => Answer;
  close(): Promise<void>;
}

export async function startReceiver(answer: Receiver['answer'] = () => ({ status: 200 })): Promise<Receiver> {
  const inFlight = new Map<string, number>();
  let concurrent = 0;
  const counts = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      const deliveryId = url.searchParams.get('pid') ?? String(req.headers['webhook-id'] ?? '');
      const hit: Hit = {
        deliveryId,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
      };
      receiver.hits.push(hit);
      const nth = (counts.get(deliveryId) ?? 0) + 1;
      counts.set(deliveryId, nth);
      const now = (inFlight.get(deliveryId) ?? 0) + 1;
      inFlight.set(deliveryId, now);
      concurrent += 1;
      receiver.maxConcurrentPerDelivery = Math.max(receiver.maxConcurrentPerDelivery, now);
      receiver.maxConcurrent = Math.max(receiver.maxConcurrent, concurrent);
      const a = receiver.answer(hit, nth);
      const finish = () => {
        inFlight.set(deliveryId, (inFlight.get(deliveryId) ?? 1) - 1);
        concurrent -= 1;
        if (res.destroyed) return;
        res.writeHead(a.status, a.headers ?? {});
        res.end(a.body ?? 'ok');
      };
      if (a.delayMs) setTimeout(finish, a.delayMs);
      else finish();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}`,
    hits: [],
    maxConcurrentPerDelivery: 0,
    maxConcurrent: 0,
    countOf: (id) => counts.get(id) ?? 0,
    answer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

/** A context for a worker on a test store (silent log unless TRACKWIRE_TEST_LOG is set). */
export function workerContext(store: Store, overrides: Partial<Config> = {}, clock?: Clock): AppContext {
  const log = pino({ level: process.env.TRACKWIRE_TEST_LOG ?? 'silent' });
  return createContext(testConfig(overrides), store, log, clock);
}

export interface Seeded {
  postbackId: number;
  publisherId: number;
  deliveryIds: string[];
}

/** A publisher with one global GET postback to `receiverUrl`, and `count` approved conversions. */
export async function seedDeliveries(
  db: Db,
  receiverUrl: string,
  count: number,
  options: { now?: number; postback?: Partial<NewPostbackRow> } = {},
): Promise<Seeded> {
  const now = options.now ?? Date.now();
  const catalog = await createCatalog(db, { now });
  const postback = await db
    .insertInto('postbacks')
    .values(
      postbackRow({
        publisher_id: catalog.publisher.id,
        url: `${receiverUrl}/pb?pid={postback_id}&status={status}&payout={payout}`,
        timeout_ms: 5_000,
        created_at: now,
        ...options.postback,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  const before = await db
    .selectFrom('deliveries')
    .select('id')
    .where('postback_id', '=', postback.id)
    .execute();
  for (let i = 0; i < count; i++) {
    const id = newId(now, 'cv_');
    const conversion = await db
      .insertInto('conversions')
      .values(
        conversionRow({
          id,
          click_id: newId(now, 'ck_'),
          offer_id: catalog.offer.id,
          publisher_id: catalog.publisher.id,
          advertiser_id: catalog.advertiser.id,
          link_id: catalog.link.id,
          txn_id: `txn-${id}`,
          dedupe_key: id,
          created_at: now,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    const event = await db
      .insertInto('conversion_events')
      .values({
        conversion_id: id,
        from_status: null,
        to_status: 'approved',
        status_raw: null,
        payout: 1.5,
        source: 'postback',
        reason: null,
        postback_log_id: null,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await enqueueDeliveriesForEvent(db, conversion, event, now);
  }
  const known = new Set(before.map((r) => r.id));
  const rows = await db
    .selectFrom('deliveries')
    .select('id')
    .where('postback_id', '=', postback.id)
    .orderBy('id')
    .execute();
  return {
    postbackId: postback.id,
    publisherId: catalog.publisher.id,
    deliveryIds: rows.map((r) => r.id).filter((id) => !known.has(id)),
  };
}

export function deliveryRows(db: Db, ids: string[]) {
  return db.selectFrom('deliveries').selectAll().where('id', 'in', ids).orderBy('id').execute();
}
