// npm run bench:web — the dashboard's speed with the bench's data set (1 000 offers, 5 000 links,
// 200 publishers each with a postback): the initial JavaScript the browser must fetch (gzipped),
// and how long each screen takes to be usable after navigation, in Debian's Chromium over loopback.
// `--screenshots` also writes the main screens to docs/screenshots/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { migrateToLatest } from '../src/db/migrate.ts';
import { openStore } from '../src/db/store.ts';
import { createUser } from '../src/users/user.service.ts';
import { launchChromium } from '../test/support/browser.ts';
import { createBenchDatabase } from './lib/bench-database.ts';
import { median } from './lib/load.ts';
import { startTrackwire } from './lib/processes.ts';
import { FULL_SIZES, seedCatalog } from './lib/seed.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'web', 'dist');
const SHOTS = join(ROOT, 'docs', 'screenshots');
const EMAIL = 'bench@example.com';
const PASSWORD = 'bench password 1';
const ROUNDS = 5;
const TARGET_MS = 1000;
const TARGET_KB = 200;
const screenshots = process.argv.includes('--screenshots');

/** The scripts and styles index.html makes the browser fetch before the first screen. */
function measureInitialAssets(): { jsKb: number; cssKb: number; files: string[] } {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  let js = 0;
  let css = 0;
  for (const ref of refs) {
    const size = gzipSync(readFileSync(join(DIST, ref))).length;
    if (ref.endsWith('.js')) js += size;
    else css += size;
  }
  return { jsKb: js / 1024, cssKb: css / 1024, files: refs };
}

/** A screen is usable when its heading shows and nothing on it is still loading. */
async function waitUsable(page: Page, heading: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForFunction(() => document.querySelector('[aria-busy="true"]') === null);
}

interface Screen {
  name: string;
  path: string;
  heading: string | RegExp;
  nav?: string;
  shot?: string;
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, 'bin/build-web.js'), '--if-stale'], { stdio: 'inherit' });
  const assets = measureInitialAssets();

  const database = await createBenchDatabase(process.env.DATABASE_URL);
  const store = openStore(database.storeOptions);
  await migrateToLatest(store.db, store.capabilities);
  const seeded = await seedCatalog(store.db, FULL_SIZES, 'http://127.0.0.1:9');
  await createUser(store.db, { email: EMAIL, password: PASSWORD, role: 'admin' }, Date.now());
  const link = await store.db
    .selectFrom('links')
    .select(['id', 'offer_id', 'publisher_id'])
    .orderBy('id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const linkSearch = `offerId=${link.offer_id}&publisherId=${link.publisher_id}&linkId=${link.id}`;
  const traffic = await store.db
    .selectFrom('links')
    .innerJoin('offers', 'offers.id', 'links.offer_id')
    .innerJoin('advertisers', 'advertisers.id', 'offers.advertiser_id')
    .select(['links.slug', 'advertisers.postback_token'])
    .orderBy('links.id')
    .limit(40)
    .execute();
  await store.close();
  const server = await startTrackwire(
    { ...database.env, TRACKWIRE_LOG_LEVEL: 'warn', TRACKWIRE_ALLOW_PRIVATE_TARGETS: 'true' },
    'all',
  );
  // Some traffic, so the overview, conversions and inbound hits have something to show.
  const clicks: { clickId: string; token: string }[] = [];
  for (const { slug, postback_token } of traffic) {
    const follow = await fetch(`${server.url}/c/${slug}?sub1=instagram`, { redirect: 'manual' });
    const clickId = /click_id=([^&]+)/.exec(follow.headers.get('location') ?? '')?.[1];
    if (clickId) clicks.push({ clickId, token: postback_token });
  }
  for (const [i, { clickId, token }] of clicks.entries()) {
    if (i % 4 !== 0) continue;
    const status = i % 8 === 0 ? 'approved' : 'pending';
    await fetch(
      `${server.url}/postback/${token}?click_id=${clickId}&payout=1.5&txn_id=bench-${i}&status=${status}`,
    );
  }
  await fetch(`${server.url}/postback?token=wrong&click_id=nope`);

  const browser = await launchChromium();
  const rows: { name: string; coldMs: number; navMs: number | null }[] = [];
  try {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await page.goto(`${server.url}/signin`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitUsable(page, 'Overview');
    const postbackId = seeded.postbackIds[0];
    const screens: Screen[] = [
      { name: 'Overview', path: '/', heading: 'Overview', nav: 'Overview', shot: 'overview' },
      { name: 'Advertisers', path: '/advertisers', heading: 'Advertisers', nav: 'Advertisers' },
      { name: 'Advertiser', path: '/advertisers/1', heading: 'Advertiser 1', shot: 'advertiser' },
      { name: 'Offers', path: '/offers', heading: 'Offers', nav: 'Offers', shot: 'offers' },
      { name: 'Offers, searched', path: '/offers?q=Offer%2099', heading: 'Offers' },
      { name: 'Offer', path: '/offers/1', heading: 'Offer 1', shot: 'offer' },
      { name: 'Publishers', path: '/publishers', heading: 'Publishers', nav: 'Publishers' },
      {
        name: 'Links & Promotion',
        path: `/links?${linkSearch}`,
        heading: 'Links & Promotion',
        nav: 'Links & Promotion',
      },
      { name: 'Postbacks', path: '/postbacks', heading: 'Postbacks', nav: 'Postbacks', shot: 'postbacks' },
      { name: 'Postback editor', path: `/postbacks/${postbackId}`, heading: `Postback #${postbackId}` },
      {
        name: 'Conversions',
        path: '/conversions',
        heading: 'Conversions',
        nav: 'Conversions',
        shot: 'conversions',
      },
      { name: 'Users', path: '/users', heading: 'Users', nav: 'Users' },
      { name: 'API keys', path: '/keys', heading: 'API keys', nav: 'API keys' },
    ];
    for (const s of screens) {
      const cold: number[] = [];
      const nav: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Cold: a full page load of the screen's URL (HTML, scripts, session, data).
        let started = performance.now();
        await page.goto(`${server.url}${s.path}`);
        await waitUsable(page, s.heading);
        cold.push(performance.now() - started);
        if (!s.nav) continue;
        // Navigation: from the sidebar, as a user moves between screens (no page reload).
        await page.goto(`${server.url}${s.path === '/' ? '/conversions' : '/'}`);
        await waitUsable(page, s.path === '/' ? 'Conversions' : 'Overview');
        await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
        started = performance.now();
        await page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: s.nav, exact: true })
          .click();
        await waitUsable(page, s.heading);
        nav.push(performance.now() - started);
      }
      rows.push({ name: s.name, coldMs: median(cold), navMs: nav.length ? median(nav) : null });
      if (screenshots && s.shot) {
        mkdirSync(SHOTS, { recursive: true });
        await page.goto(`${server.url}${s.path}`);
        await waitUsable(page, s.heading);
        await page.screenshot({ path: join(SHOTS, `${s.shot}.png`) });
      }
    }
    if (screenshots) await takeEditorShots(page, server.url, postbackId, linkSearch);
  } finally {
    await browser.close();
    await server.stop();
    await database.drop();
  }

  console.log(
    `\nInitial JavaScript: ${assets.jsKb.toFixed(1)} KB gzipped (target ≤ ${TARGET_KB} KB), CSS ${assets.cssKb.toFixed(1)} KB`,
  );
  console.log(`  ${assets.files.join(' ')}`);
  console.log(`\nScreen usable after navigation, median of ${ROUNDS} (target ≤ ${TARGET_MS} ms):`);
  console.log('  screen                 full load   from the sidebar');
  for (const r of rows) {
    console.log(
      `  ${r.name.padEnd(22)} ${`${r.coldMs.toFixed(0)} ms`.padStart(9)}   ${r.navMs === null ? '—' : `${r.navMs.toFixed(0)} ms`}`,
    );
  }
  const worst = Math.max(...rows.map((r) => Math.max(r.coldMs, r.navMs ?? 0)));
  console.log(
    `\nslowest: ${worst.toFixed(0)} ms; ${worst <= TARGET_MS && assets.jsKb <= TARGET_KB ? 'targets met' : 'TARGET MISSED'}`,
  );
}

/** The editor with the macro picker open and a misspelled macro flagged; a publisher at 390 px. */
async function takeEditorShots(
  page: Page,
  url: string,
  postbackId: number,
  linkSearch: string,
): Promise<void> {
  await page.goto(`${url}/postbacks/${postbackId}`);
  await waitUsable(page, `Postback #${postbackId}`);
  const field = page.getByLabel('Postback URL');
  await field.fill('https://tracker.example.com/pb?cid={external_id}&p={payot}&sub=');
  await page.getByText(/did you mean/).waitFor();
  await field.press('End');
  await field.pressSequentially('{sub');
  await page.getByRole('listbox', { name: 'Macros' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'postback-editor.png'), fullPage: true });
  await page.goto(`${url}/links?${linkSearch}`);
  await waitUsable(page, 'Links & Promotion');
  await page.getByRole('button', { name: 'Add Sub IDs' }).click();
  await page.getByLabel('Sub ID 1', { exact: true }).fill('instagram');
  await page.getByLabel('Sub ID 2').fill('story');
  await page.getByLabel('Sub ID 3').fill('summerlaunch');
  await page.screenshot({ path: join(SHOTS, 'links.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${url}/`);
  await waitUsable(page, 'Overview');
  await page.screenshot({ path: join(SHOTS, 'overview-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in to Trackwire' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'sign-in.png') });
}

await main();
