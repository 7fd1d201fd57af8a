// SmartLink click vs single-offer click, alternated A/B/A/B on one API process in one run. The
// SmartLink has five rules the bench traffic never matches (country, device, OS, browser,
// language) before a catch-all rule rotating three weighted offers, so every click walks every rule:
// the dearest route a SmartLink click can take. Target: within 10 % of the single-offer click rate.

import { median, runLoad } from './lib/load.ts';
import type { RunState } from './lib/phases.ts';
import { type Child, startTrackwire } from './lib/processes.ts';

const LINKS = 100;

export interface SmartLinkReport {
  singleRps: number;
  smartlinkRps: number;
  /**
   * SmartLink click rate over single-offer click rate, the median of each adjacent pair's ratio
   * (a pair shares the host's state of the moment, which on a shared machine drifts): ≥ 0.9 is the target.
   */
  ratio: number;
  ratioByPair: number[];
  singleRpsByRound: number[];
  smartlinkRpsByRound: number[];
  singleCpuUsPerClick: number;
  smartlinkCpuUsPerClick: number;
  /** SmartLink clicks stored with their SmartLink and rule. */
  routed: number;
  errors: number;
}

/** One SmartLink and LINKS links to it, beside the same number of the seeded single-offer links. */
async function seedSmartLink(state: RunState): Promise<{ single: string[]; smart: string[] }> {
  const db = state.store.db;
  const links = await db
    .selectFrom('links')
    .select(['slug', 'offer_id', 'publisher_id'])
    .orderBy('id')
    .limit(LINKS)
    .execute();
  const offers = links.slice(0, 3).map((l) => l.offer_id);
  const never = (match: object, id: number) => ({
    id,
    name: `r${id}`,
    match,
    offers: [{ offerId: offers[0], weight: 1, paused: false }],
  });
  const rules = [
    never({ countries: ['ZZ'] }, 1),
    never({ devices: ['console'] }, 2),
    never({ os: ['Plan 9'] }, 3),
    never({ browsers: ['Mosaic'] }, 4),
    never({ languages: ['tlh'] }, 5),
    {
      id: 6,
      name: 'rotation',
      match: {},
      offers: offers.map((offerId, i) => ({ offerId, weight: 5 - i, paused: false })),
    },
  ];
  const now = Date.now();
  const { id } = await db
    .insertInto('smartlinks')
    .values({
      name: 'bench',
      rules: JSON.stringify(rules),
      fallback_url: 'https://fallback.example/?c={click_id}',
      next_rule_id: 7,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const smart = links.map((l, i) => ({
    slug: `sl${i}x${now.toString(36)}`,
    offer_id: l.offer_id,
    publisher_id: l.publisher_id,
    smartlink_id: Number(id),
    subs: '{}',
    created_at: now,
    updated_at: now,
  }));
  await db.insertInto('links').values(smart).execute();
  return { single: links.map((l) => l.slug), smart: smart.map((l) => l.slug) };
}

/** The same query shape on both sides: only the slug differs. */
function pathsOf(slugs: string[]): string[] {
  return slugs.map((slug, i) => `/c/${slug}?sub1=s${i}&cid=ext${i}`);
}

async function measure(api: Child, paths: string[], seconds: number) {
  const before = api.cpuMs();
  const run = await runLoad({ url: api.url, seconds, paths });
  const cpuMs = api.cpuMs() - before;
  return { run, cpuUsPerClick: (cpuMs * 1000) / Math.max(1, run.answers['3xx']) };
}

export async function runSmartLinkPhase(state: RunState): Promise<SmartLinkReport> {
  const { single, smart } = await seedSmartLink(state);
  const singlePaths = pathsOf(single);
  const smartPaths = pathsOf(smart);
  const api = await startTrackwire(state.env, 'api');
  const report: SmartLinkReport = {
    singleRps: 0,
    smartlinkRps: 0,
    ratio: 0,
    ratioByPair: [],
    singleRpsByRound: [],
    smartlinkRpsByRound: [],
    singleCpuUsPerClick: 0,
    smartlinkCpuUsPerClick: 0,
    routed: 0,
    errors: 0,
  };
  const singleCpu: number[] = [];
  const smartCpu: number[] = [];
  try {
    const warm = state.smoke ? 1 : 2;
    await runLoad({ url: api.url, seconds: warm, paths: singlePaths });
    await runLoad({ url: api.url, seconds: warm, paths: smartPaths });
    for (let r = 0; r < state.rounds * 2; r++) {
      // A B B A …: neither side always runs second, when the process is warmer.
      const smartFirst = r % 2 === 1;
      for (const side of smartFirst ? ['smart', 'single'] : ['single', 'smart']) {
        const { run, cpuUsPerClick } = await measure(
          api,
          side === 'smart' ? smartPaths : singlePaths,
          state.phaseSeconds,
        );
        report.errors += run.answers['4xx'] + run.answers['5xx'] + run.answers.errors;
        (side === 'smart' ? report.smartlinkRpsByRound : report.singleRpsByRound).push(run.rps);
        (side === 'smart' ? smartCpu : singleCpu).push(cpuUsPerClick);
      }
      report.ratioByPair.push(
        (report.smartlinkRpsByRound.at(-1) ?? 0) / (report.singleRpsByRound.at(-1) ?? 1),
      );
    }
  } finally {
    await api.stop();
  }
  report.singleRps = median(report.singleRpsByRound);
  report.smartlinkRps = median(report.smartlinkRpsByRound);
  report.ratio = median(report.ratioByPair);
  report.singleCpuUsPerClick = median(singleCpu);
  report.smartlinkCpuUsPerClick = median(smartCpu);
  const routed = await state.store.db
    .selectFrom('clicks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('smartlink_rule', '=', 6)
    .executeTakeFirstOrThrow();
  report.routed = Number(routed.n);
  const f = (n: number, d = 0) => n.toFixed(d);
  console.log(
    `smartlink click: ${f(report.ratio * 100)} % of single-offer (median of pairs; ${f(report.smartlinkRps)} vs ${f(report.singleRps)} req/s), ` +
      `CPU ${f(report.smartlinkCpuUsPerClick, 1)} vs ${f(report.singleCpuUsPerClick, 1)} µs/click; ` +
      `pairs ${report.ratioByPair.map((v) => f(v * 100)).join('/')} %; ` +
      `rounds ${report.smartlinkRpsByRound.map((v) => f(v)).join('/')} vs ${report.singleRpsByRound.map((v) => f(v)).join('/')}; ` +
      `${report.routed} routed, ${report.errors} errors; ≥ 90 %: ${report.ratio >= 0.9 ? 'ok' : 'MISSED'}`,
  );
  return report;
}
