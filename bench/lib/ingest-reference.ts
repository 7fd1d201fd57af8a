// The reference for inbound ingest: raw better-sqlite3 inserts of the rows one accepted postback
// writes (conversion, history event, log row, one delivery), one transaction each, as Trackwire does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { openStore } from '../../src/db/store.ts';

export async function measureRawIngest(count: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-bench-raw-'));
  const store = openStore({ dataDir: dir });
  await migrateToLatest(store.db, store.capabilities);
  const sqlite = store.sqlite!;
  const insertConversion = sqlite.prepare(
    `insert into conversions (id, click_id, offer_id, publisher_id, advertiser_id, link_id, goal, txn_id, dedupe_key,
      status, status_raw, payout, revenue, sale_amount, currency, needs_review, review_reason, created_at, updated_at)
     values (?, ?, 1, 1, 1, 1, 'default', ?, ?, 'approved', 'approved', 1.5, 2, null, 'USD', 0, null, ?, ?)`,
  );
  const insertEvent = sqlite.prepare(
    `insert into conversion_events (conversion_id, from_status, to_status, status_raw, payout, source, reason, postback_log_id, created_at)
     values (?, null, 'approved', 'approved', 1.5, 'postback', null, null, ?)`,
  );
  const insertLog = sqlite.prepare(
    `insert into postback_log (received_at, method, url, ip, scheme, headers, body, advertiser_id, result, code, http_status, conversion_id, insecure)
     values (?, 'GET', ?, '127.0.0.1', 'http', '{}', null, 1, 'accepted', 'accepted', 200, ?, 0)`,
  );
  const insertDelivery = sqlite.prepare(
    `insert into deliveries (id, conversion_event_id, postback_id, conversion_id, publisher_id, status, attempts, next_run_at,
      claim_id, lease_until, last_status_code, last_error, created_at, updated_at, completed_at)
     values (?, ?, 1, ?, 1, 'pending', 0, ?, null, null, null, null, ?, ?, null)`,
  );
  const one = sqlite.transaction((i: number, now: number) => {
    const id = `cv_${i}`;
    insertConversion.run(id, `click${i}`, `txn${i}`, `t:1:default:txn${i}`, now, now);
    const event = insertEvent.run(id, now);
    insertLog.run(now, `/postback?click_id=click${i}&txn_id=txn${i}`, id);
    insertDelivery.run(`dlv_${i}`, event.lastInsertRowid, id, now, now, now);
  });
  const started = performance.now();
  for (let i = 0; i < count; i++) one(i, Date.now());
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return count / seconds;
}
