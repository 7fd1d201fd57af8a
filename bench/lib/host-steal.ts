// How much of the machine's CPU time the hypervisor gave to other guests while the bench ran
// (/proc/stat's "steal" column). On a shared VM it comes and goes, and while it runs high every
// figure drifts, the references' too, and latency suffers most; the report prints it so a run's
// figures can be read with it.
import { readFileSync } from 'node:fs';

export interface CpuTimes {
  steal: number;
  total: number;
}

/** The machine's CPU times so far, in ticks; undefined where /proc/stat cannot be read. */
export function readCpuTimes(): CpuTimes | undefined {
  try {
    // "cpu  user nice system idle iowait irq softirq steal guest guest_nice" (guest time is
    // already counted in user and nice, so it is left out of the total).
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1, 9)
      .map(Number);
    if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return undefined;
    return { steal: fields[7], total: fields.reduce((sum, n) => sum + n, 0) };
  } catch {
    return undefined;
  }
}

/** The share of CPU time stolen between two readings, or undefined without both. */
export function stolenShare(before: CpuTimes | undefined, after: CpuTimes | undefined): number | undefined {
  if (!before || !after || after.total <= before.total) return undefined;
  return (after.steal - before.steal) / (after.total - before.total);
}
