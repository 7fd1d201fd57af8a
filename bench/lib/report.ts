// The benchmark's table: each figure beside its reference and the target it must meet.
export interface Report {
  machine: {
    cpus: number;
    dialect: string;
    smoke: boolean;
    /** Share of the machine's CPU time the hypervisor gave to other guests during the run. */
    stolen?: number;
  };
  clicks?: {
    referenceRps: number;
    trackwireRps: number;
    ratio: number;
    /** The API process's CPU time per redirect at saturation, and the bare server's per 302 (µs). */
    cpuUsPerClick: number;
    referenceCpuUsPerRequest: number;
    /** Trackwire's latency at `fixedRate`, from the paced generator: medians of the rounds. */
    p50Ms: number;
    p99Ms: number;
    p99MsByRound: number[];
    /** The bare node:http reference's latency at the same rate, same generator, alternated rounds. */
    referenceP50Ms: number;
    referenceP99Ms: number;
    referenceP99MsByRound: number[];
    fixedRate: number;
    /**
     * CPU during the paced runs: cores kept busy, and µs per answer. A paced request costs more than
     * one at saturation (fewer requests share each event-loop turn and each commit), so this shows
     * how much headroom the latency was measured with.
     */
    busyCoresAtFixedRate: number;
    cpuUsPerClickAtFixedRate: number;
    referenceBusyCoresAtFixedRate: number;
    referenceCpuUsAtFixedRate: number;
    redirected: number;
    stored: number;
    lost: number;
    errors: number;
  };
  ingest?: {
    acceptedRps: number;
    accepted: number;
    stored: number;
    lost: number;
    duplicateRps: number;
    rawInsertRps: number;
    /** Postbacks per transaction in the raw reference. */
    rawBatch: number;
    ratio: number;
    /** The API process's CPU time per accepted conversion at saturation (µs). */
    cpuUsPerAccepted: number;
    errors: number;
  };
  outbound?: {
    delivered: number;
    deliveriesPerSecond: number;
    receiverDistinct: number;
    slowPerSecond: number;
    slowIdealPerSecond: number;
    slowRatio: number;
  };
  scale?: { oneProcessRps: number; twoProcessesRps: number; ratio: number };
  soak?: { seconds: number; rate: number; firstMb: number; lastMb: number; growth: number };
  peakRssMb: number;
  peakRssByProcess: Record<string, number>;
  seconds: number;
  rewardsIngest?: import('./rewards-ingest.ts').RewardsIngestReport;
}

const f = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const pct = (n: number) => `${(n * 100).toFixed(0)} %`;
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
const rounds = (values: number[]) => values.map((v) => f(v, 1)).join(' / ');

export function printReport(r: Report): void {
  const rows: Array<[string, string, string, string]> = [];
  if (r.clicks) {
    const c = r.clicks;
    rows.push(
      [
        'click redirect',
        `${f(c.trackwireRps)} req/s`,
        `${pct(c.ratio)} of bare node:http (${f(c.referenceRps)} req/s)`,
        `≥ 50 %: ${verdict(c.ratio >= 0.5)}`,
      ],
      [
        'click latency',
        `p50 ${f(c.p50Ms, 1)} ms, p99 ${f(c.p99Ms, 1)} ms`,
        `at ${c.fixedRate} req/s (half max), medians; p99 by round ${rounds(c.p99MsByRound)}; bare node:http p50 ${f(c.referenceP50Ms, 1)} ms, p99 ${f(c.referenceP99Ms, 1)} ms (${rounds(c.referenceP99MsByRound)})`,
        `p99 ≤ 10 ms: ${verdict(c.p99Ms <= 10)}`,
      ],
      [
        'click CPU',
        `${f(c.cpuUsPerClick, 1)} µs per click`,
        `API process at saturation; bare node:http ${f(c.referenceCpuUsPerRequest, 1)} µs per 302 (${pct(c.referenceCpuUsPerRequest / c.cpuUsPerClick)})`,
        'diagnostic',
      ],
      [
        'click CPU, paced',
        `${f(c.busyCoresAtFixedRate, 2)} of a core`,
        `API process at half max, ${f(c.cpuUsPerClickAtFixedRate, 1)} µs per click; bare node:http ${f(c.referenceBusyCoresAtFixedRate, 2)} of a core, ${f(c.referenceCpuUsAtFixedRate, 1)} µs per 302`,
        'diagnostic',
      ],
      [
        'clicks durable',
        `${c.stored} stored`,
        `${c.redirected} redirected, ${c.errors} errors`,
        `zero loss: ${verdict(c.lost === 0)}`,
      ],
    );
  }
  if (r.ingest) {
    const i = r.ingest;
    rows.push(
      [
        'inbound ingest',
        `${f(i.acceptedRps)} conv/s`,
        `${pct(i.ratio)} of raw inserts, ${i.rawBatch} a commit (${f(i.rawInsertRps)} rows/s)`,
        `≥ 5 000/s: ${verdict(i.acceptedRps >= 5000)}`,
      ],
      [
        'ingest CPU',
        `${f(i.cpuUsPerAccepted, 1)} µs per conversion`,
        'API process at saturation, per accepted conversion',
        'diagnostic',
      ],
      [
        'duplicates',
        `${f(i.duplicateRps)} req/s`,
        `${pct(i.duplicateRps / i.acceptedRps)} of accepted rate`,
        `≥ accepted: ${verdict(i.duplicateRps >= i.acceptedRps)}`,
      ],
      [
        'conversions durable',
        `${i.stored} stored`,
        `${i.accepted} accepted, ${i.errors} errors`,
        `zero loss: ${verdict(i.lost === 0)}`,
      ],
    );
  }
  if (r.outbound) {
    const o = r.outbound;
    rows.push(
      [
        'outbound',
        `${f(o.deliveriesPerSecond)} deliveries/s`,
        `${o.delivered} delivered, ${o.receiverDistinct} distinct at receiver`,
        `≥ 2 000/s: ${verdict(o.deliveriesPerSecond >= 2000)}`,
      ],
      [
        'outbound, 100 ms receiver',
        `${f(o.slowPerSecond)} deliveries/s`,
        `${pct(o.slowRatio)} of ideal ${f(o.slowIdealPerSecond)}/s`,
        `≥ 80 %: ${verdict(o.slowRatio >= 0.8)}`,
      ],
    );
  }
  if (r.scale) {
    const c = r.scale;
    rows.push([
      'two API processes',
      `${f(c.twoProcessesRps)} clicks/s`,
      `${f(c.ratio, 2)}× one process (${f(c.oneProcessRps)} clicks/s)`,
      `two beat one: ${verdict(c.ratio > 1)}`,
    ]);
  }
  rows.push([
    'peak RSS',
    `${f(r.peakRssMb)} MB`,
    Object.entries(r.peakRssByProcess)
      .map(([label, mb]) => `${label} ${f(mb)}`)
      .join(', '),
    `≤ 300 MB: ${verdict(r.peakRssMb <= 300)}`,
  ]);
  if (r.soak) {
    rows.push([
      'soak RSS',
      `${f(r.soak.firstMb)} → ${f(r.soak.lastMb)} MB`,
      `${r.soak.seconds} s at ${r.soak.rate} clicks/s`,
      `growth ≤ 10 %: ${verdict(r.soak.growth <= 0.1)}`,
    ]);
  }
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c].length)));
  const stolen =
    r.machine.stolen === undefined ? '' : `, ${pct(r.machine.stolen)} of CPU time stolen by the host`;
  console.log(
    `\nTrackwire benchmark — ${r.machine.dialect}, ${r.machine.cpus} CPUs${r.machine.smoke ? ' (smoke run: figures are not meaningful)' : ''}, ${f(r.seconds)} s${stolen}\n`,
  );
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  │  '));
  console.log('');
}
