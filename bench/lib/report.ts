// The benchmark's table: each figure beside its reference and the target it must meet.
export interface Report {
  machine: { cpus: number; dialect: string; smoke: boolean };
  clicks: {
    referenceRps: number;
    trackwireRps: number;
    ratio: number;
    p50Ms: number;
    p99Ms: number;
    fixedRate: number;
    redirected: number;
    stored: number;
    lost: number;
    errors: number;
  };
  ingest: {
    acceptedRps: number;
    accepted: number;
    stored: number;
    lost: number;
    duplicateRps: number;
    rawInsertRps: number;
    ratio: number;
    errors: number;
  };
  outbound: {
    delivered: number;
    deliveriesPerSecond: number;
    receiverDistinct: number;
    slowPerSecond: number;
    slowIdealPerSecond: number;
    slowRatio: number;
  };
  soak?: { seconds: number; firstMb: number; lastMb: number; growth: number };
  peakRssMb: number;
  seconds: number;
}

const f = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const pct = (n: number) => `${(n * 100).toFixed(0)} %`;
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

export function printReport(r: Report): void {
  const rows: Array<[string, string, string, string]> = [
    [
      'click redirect',
      `${f(r.clicks.trackwireRps)} req/s`,
      `${pct(r.clicks.ratio)} of bare node:http (${f(r.clicks.referenceRps)} req/s)`,
      `≥ 50 %: ${verdict(r.clicks.ratio >= 0.5)}`,
    ],
    [
      'click latency',
      `p50 ${f(r.clicks.p50Ms, 1)} ms, p99 ${f(r.clicks.p99Ms, 1)} ms`,
      `at ${r.clicks.fixedRate} req/s (half max)`,
      `p99 ≤ 10 ms: ${verdict(r.clicks.p99Ms <= 10)}`,
    ],
    [
      'clicks durable',
      `${r.clicks.stored} stored`,
      `${r.clicks.redirected} redirected, ${r.clicks.errors} errors`,
      `zero loss: ${verdict(r.clicks.lost === 0)}`,
    ],
    [
      'inbound ingest',
      `${f(r.ingest.acceptedRps)} conv/s`,
      `${pct(r.ingest.ratio)} of raw inserts (${f(r.ingest.rawInsertRps)} rows/s)`,
      `≥ 5 000/s: ${verdict(r.ingest.acceptedRps >= 5000)}`,
    ],
    [
      'duplicates',
      `${f(r.ingest.duplicateRps)} req/s`,
      `${pct(r.ingest.duplicateRps / r.ingest.acceptedRps)} of accepted rate`,
      `≥ accepted: ${verdict(r.ingest.duplicateRps >= r.ingest.acceptedRps)}`,
    ],
    [
      'conversions durable',
      `${r.ingest.stored} stored`,
      `${r.ingest.accepted} accepted, ${r.ingest.errors} errors`,
      `zero loss: ${verdict(r.ingest.lost === 0)}`,
    ],
    [
      'outbound',
      `${f(r.outbound.deliveriesPerSecond)} deliveries/s`,
      `${r.outbound.delivered} delivered, ${r.outbound.receiverDistinct} distinct at receiver`,
      `≥ 2 000/s: ${verdict(r.outbound.deliveriesPerSecond >= 2000)}`,
    ],
    [
      'outbound, 100 ms receiver',
      `${f(r.outbound.slowPerSecond)} deliveries/s`,
      `${pct(r.outbound.slowRatio)} of ideal ${f(r.outbound.slowIdealPerSecond)}/s`,
      `≥ 80 %: ${verdict(r.outbound.slowRatio >= 0.8)}`,
    ],
    [
      'peak RSS',
      `${f(r.peakRssMb)} MB`,
      'largest of the Trackwire processes',
      `≤ 300 MB: ${verdict(r.peakRssMb <= 300)}`,
    ],
  ];
  if (r.soak) {
    rows.push([
      'soak RSS',
      `${f(r.soak.firstMb)} → ${f(r.soak.lastMb)} MB`,
      `${r.soak.seconds} s at a fixed click rate`,
      `growth ≤ 10 %: ${verdict(r.soak.growth <= 0.1)}`,
    ]);
  }
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c].length)));
  console.log(
    `\nTrackwire benchmark — ${r.machine.dialect}, ${r.machine.cpus} CPUs${r.machine.smoke ? ' (smoke run: figures are not meaningful)' : ''}, ${f(r.seconds)} s\n`,
  );
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  │  '));
  console.log('');
}
