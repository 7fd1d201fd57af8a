// The reference for inbound ingest: raw better-sqlite3 inserts of the rows one accepted postback
// writes (conversion, history event, log row, one delivery), in the batching Trackwire's group
// commit can reach at best under the bench's load: one transaction per `batch` postbacks, where
// `batch` is the load's connection count (no more postbacks than that can wait for one commit).
// The rows spread over the bench's publishers and advertisers as the real ones do, so they land on
// the same index pages.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONVERSION_ID_PREFIX } from '../../src/conversions/conversion.table.ts';
import { sqliteHandleOf } from '../../src/db/driver-handles.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { openStore } from '../../src/db/store.ts';
import { DELIVERY_ID_PREFIX } from '../../src/deliveries/delivery.table.ts';
import { newId } from '../../src/shared/ids.ts';
import type { SeedSizes } from './seed.ts';

export async function measureRawIngest(count: number, batch: number, sizes: SeedSizes): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-bench-raw-'));
  const store = openStore({ dataDir: dir });
  await migrateToLatest(store.db, store.capabilities);
  const sqlite = sqliteHandleOf(store);
  const insertConversion = sqlite.prepare(
    `insert into conversions (id, click_id, offer_id, publisher_id, advertiser_id, link_id, goal, txn_id, dedupe_key,
      status, status_raw, payout, revenue, sale_amount, currency, needs_review, review_reason, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, 'default', ?, ?, 'approved', 'approved', 1.5, 2, null, 'USD', 0, null, ?, ?)
     on conflict (dedupe_key) do nothing`,
  );
  const insertLog = sqlite.prepare(
    `insert into postback_log (received_at, method, url, ip, scheme, headers, body, advertiser_id, result, code, http_status, conversion_id, insecure)
     values (?, 'GET', ?, '127.0.0.1', 'http', ?, ?, ?, 'accepted', 'conversion_created', 200, ?, 0)`,
  );
  const insertEvent = sqlite.prepare(
    `insert into conversion_events (conversion_id, from_status, to_status, status_raw, payout, source, reason, postback_log_id, created_at)
     values (?, null, 'approved', 'approved', 1.5, 'postback', null, ?, ?)`,
  );
  const insertDelivery = sqlite.prepare(
    `insert into deliveries (id, conversion_event_id, postback_id, conversion_id, publisher_id, status, attempts, next_run_at,
      claim_id, lease_until, last_status_code, last_error, created_at, updated_at, completed_at)
     values (?, ?, ?, ?, ?, 'pending', 0, ?, null, null, null, null, ?, ?, null)
     on conflict (conversion_event_id, postback_id) do nothing`,
  );
  const headers = '{}'; // what the log keeps of wrk's requests, which carry none of the headers it records
  const one = (i: number, now: number) => {
    const id = newId(now, CONVERSION_ID_PREFIX);
    const clickId = newId(now - 60_000);
    const publisher = 1 + (i % sizes.publishers);
    const advertiser = 1 + (i % sizes.advertisers);
    const txn = `t${i}`;
    insertConversion.run(
      id,
      clickId,
      1 + (i % sizes.offers),
      publisher,
      advertiser,
      1 + (i % sizes.links),
      txn,
      `${advertiser}:default:${txn}`,
      now,
      now,
    );
    const url = `/postback?token=REDACTED&click_id=${clickId}&txn_id=${txn}&payout=1.50&status=approved`;
    const body = JSON.stringify({
      token: 'REDACTED',
      click_id: clickId,
      txn_id: txn,
      payout: '1.50',
      status: 'approved',
    });
    const log = insertLog.run(now, url, headers, body, advertiser, id).lastInsertRowid;
    const event = insertEvent.run(id, log, now).lastInsertRowid;
    insertDelivery.run(newId(now, DELIVERY_ID_PREFIX), event, publisher, id, publisher, now, now, now);
  };
  const commit = sqlite.transaction((first: number, size: number) => {
    const now = Date.now();
    for (let i = first; i < first + size; i++) one(i, now);
  });
  const started = performance.now();
  for (let i = 0; i < count; i += batch) commit.immediate(i, Math.min(batch, count - i));
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return count / seconds;
}
