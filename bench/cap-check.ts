// The click path's cap check in one process, without HTTP or a store: CPU time per click of building
// the click and its redirect without the check (as before caps reached the click path) and with it
// (no cap reached; one reached on another offer; this offer's cap reached with a fallback URL), and
// of choosing a SmartLink offer with every offer available or through the reached caps. Rounds are
// alternated, and CPU time is read rather than wall time, so a busy shared machine moves the figures
// less. `node bin/run-ts.js bench/cap-check.ts [--rounds=7] [--clicks=200000]`
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { createReachedCaps } from '../src/caps/reached-caps.ts';
import type { Db } from '../src/db/database.types.ts';
import { systemClock } from '../src/shared/clock.ts';
import { everyOfferAvailable, type OfferAvailability } from '../src/smartlinks/offer-availability.ts';
import { compileSmartLink } from '../src/smartlinks/smartlink-resolver.ts';
import { buildClick, destinationFor } from '../src/tracking/capture/click.service.ts';
import { toClickTarget } from '../src/tracking/capture/click-target.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const rounds = Number(args.get('rounds') ?? 7);
const clicks = Number(args.get('clicks') ?? 200_000);

const row = {
  link_id: 1,
  slug: 'bench',
  offer_id: 7,
  publisher_id: 3,
  advertiser_id: 2,
  subs: '{}',
  offer_url: 'https://offer.example/landing?click_id={click_id}&s1={sub1}',
  unique_window_hours: 24,
  smartlink_id: null,
};
const fallbackUrl = 'https://fallback.example/?c={click_id}';
const capRow = (offerId: number, clickAction: 'offer' | 'fallback') => ({
  id: offerId,
  offer_id: offerId,
  publisher_id: null,
  period: 'total' as const,
  metric: 'conversions' as const,
  cap_limit: 1,
  over_action: 'reject' as const,
  click_action: clickAction,
  fallback_url: fallbackUrl,
  created_at: 0,
});
const reachedCaps = (offers: [number, 'offer' | 'fallback'][]) => {
  const caps = createReachedCaps({
    db: undefined as unknown as Db, // never read: the state is marked, not loaded
    clock: systemClock,
    timeZone: 'Europe/Berlin',
    log: pino({ level: 'silent' }),
    events: new EventEmitter(),
  });
  for (const [offerId, action] of offers) caps.markReached(capRow(offerId, action), 'total');
  return caps;
};

const target = toClickTarget(row);
const visit = (i: number) => ({
  queryString: `sub1=s${i & 1023}&cid=x${i}`,
  ip: '203.0.113.9',
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0.0.0 Safari/537.36',
  referrer: undefined,
  now: Date.now(),
});
const none = reachedCaps([]);
const other = reachedCaps([[99, 'fallback']]);
const own = reachedCaps([[row.offer_id, 'fallback']]);

const single: Record<string, (i: number) => string> = {
  'no check (before)': (i) => destinationFor(target, buildClick(target, visit(i))),
  'check, none reached': (i) =>
    destinationFor(target, buildClick(target, visit(i)), none.overCapDestination(7, 3)),
  'check, another offer reached': (i) =>
    destinationFor(target, buildClick(target, visit(i)), other.overCapDestination(7, 3)),
  'check, this offer reached → fallback': (i) =>
    destinationFor(target, buildClick(target, visit(i)), own.overCapDestination(7, 3)),
};

const smartlinkOf = (isAvailable: OfferAvailability) => {
  const offers = new Map(
    [7, 8, 9].map((id) => [id, { advertiserId: 2, url: `https://o${id}.example/?c={click_id}` }]),
  );
  const link = compileSmartLink(
    {
      id: 1,
      rules: [
        ...[1, 2, 3, 4, 5].map((id) => ({
          id,
          name: `r${id}`,
          match: { countries: ['ZZ'] },
          offers: [{ offerId: 7, weight: 1, paused: false }],
        })),
        {
          id: 6,
          name: 'all',
          match: {},
          offers: [7, 8, 9].map((offerId) => ({ offerId, weight: 1, paused: false })),
        },
      ],
      fallbackUrl,
      optimizedWeights: null,
    },
    offers,
    isAvailable,
  );
  const smartTarget = { ...target, smartlink: link };
  return (i: number) => {
    const click = buildClick(smartTarget, visit(i));
    return destinationFor(smartTarget, click);
  };
};
const smart: Record<string, (i: number) => string> = {
  'SmartLink, every offer available (before)': smartlinkOf(everyOfferAvailable),
  'SmartLink, reached caps, none reached': smartlinkOf(none.isAvailable),
  'SmartLink, reached caps, another offer reached': smartlinkOf(other.isAvailable),
};

function cpuPerClick(fn: (i: number) => string): number {
  let sink = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < clicks; i++) sink += fn(i).length;
  const used = process.cpuUsage(start);
  if (sink === 0) throw new Error('nothing rendered');
  return (used.user + used.system) / clicks;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [title, cases] of [
  ['single-offer link', single],
  ['SmartLink (5 rules that never match, then 3 offers)', smart],
] as const) {
  const byCase = new Map<string, number[]>(Object.keys(cases).map((k) => [k, []]));
  for (const fn of Object.values(cases)) cpuPerClick(fn); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(cases)) byCase.get(name)?.push(cpuPerClick(fn));
  }
  const [baseName, ...rest] = Object.keys(cases);
  const base = median(byCase.get(baseName) ?? []);
  console.log(`${title}: CPU µs per click, median of ${rounds} alternated rounds of ${clicks}`);
  console.log(`  ${baseName}: ${base.toFixed(3)}`);
  for (const name of rest) {
    const m = median(byCase.get(name) ?? []);
    console.log(`  ${name}: ${m.toFixed(3)} (${((m / base) * 100).toFixed(1)} % of before)`);
  }
}

// The check alone, against the whole click's CPU in the HTTP bench (tens of µs).
const calls = clicks * 50;
for (const [name, caps] of [
  ['none reached', none],
  ['another offer reached', other],
  ['this offer reached', own],
] as const) {
  let found = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) if (caps.overCapDestination(7, 3 + (i & 1))) found++;
  const used = process.cpuUsage(start);
  console.log(
    `the check alone, ${name}: ${(((used.user + used.system) / calls) * 1000).toFixed(1)} ns (${found} redirects)`,
  );
}
