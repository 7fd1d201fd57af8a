// The click benchmark's reference must answer the same 302 as a tracking link, or the ratio
// compares two different answers: same headers in the same order, same framing, same keep-alive.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBenchDatabase } from '../../bench/lib/bench-database.ts';
import {
  type Child,
  runTrackwireFromSource,
  startReference302,
  startTrackwire,
} from '../../bench/lib/processes.ts';
import { seedCatalog } from '../../bench/lib/seed.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { openStore } from '../../src/db/store.ts';

/** The raw head of the answer to one GET, read off the socket as the load generator sees it. */
function rawHead(url: string, path: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      text += chunk;
      const end = text.indexOf('\r\n\r\n');
      if (end >= 0) {
        socket.destroy();
        resolve(text.slice(0, end));
      }
    });
    socket.on('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nUser-Agent: wrk\r\n\r\n`);
  });
}

/** Status line and header names in order; the values of the headers that vary per answer left out. */
function shape(head: string): { lines: string[]; location: string } {
  const [status, ...headers] = head.split('\r\n');
  let location = '';
  const lines = headers.map((line) => {
    const name = line.slice(0, line.indexOf(':'));
    if (name === 'location') location = line.slice(name.length + 2);
    return name === 'location' || name === 'Date' ? name : line;
  });
  return { lines: [status, ...lines], location };
}

describe('the reference 302 server', () => {
  let trackwire: Child;
  let reference: Child;
  let slug: string;
  let dropDatabase: () => Promise<void>;

  beforeAll(async () => {
    runTrackwireFromSource();
    const database = await createBenchDatabase(undefined);
    dropDatabase = () => database.drop();
    const store = openStore(database.storeOptions);
    await migrateToLatest(store.db, store.capabilities);
    const sizes = { advertisers: 2, offers: 400, publishers: 10, links: 400 };
    const seeded = await seedCatalog(store.db, sizes, 'http://127.0.0.1:9');
    await store.close();
    slug = seeded.slugs[385];
    [trackwire, reference] = await Promise.all([
      startTrackwire({ ...database.env, TRACKWIRE_ADMIN_KEY: 'tw_bench_admin_key_0123456789' }),
      startReference302(),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([trackwire?.stop(), reference?.stop()]);
    await dropDatabase?.();
  });

  it('answers a click with the same status, headers, framing and keep-alive as Trackwire', async () => {
    const path = `/c/${slug}?sub1=s12345&cid=ext12345`;
    const ours = shape(await rawHead(trackwire.url, path));
    const bare = shape(await rawHead(reference.url, path));
    expect(ours.lines[0]).toBe('HTTP/1.1 302 Found');
    expect(ours.lines).toContain('content-length: 0');
    expect(bare.lines).toEqual(ours.lines);
    // A location of the same shape and length: the bytes on the wire are the same.
    expect(ours.location).toMatch(
      /^https:\/\/offer\d+\.example\.com\/landing\?click_id=[\w-]{24}&sub1=s12345&pub=\d+$/,
    );
    expect(bare.location.length).toBe(ours.location.length);
  });
});
