import { expect, it } from 'vitest';
import { readCpuTimes, stolenShare } from '../../bench/lib/host-steal.ts';

it('reads the machine’s CPU times, steal within the total, and both only grow', async () => {
  const before = readCpuTimes();
  expect(before).toBeDefined();
  expect(before?.steal).toBeGreaterThanOrEqual(0);
  expect(before?.total).toBeGreaterThan(before?.steal ?? 0);
  const end = Date.now() + 50;
  while (Date.now() < end); // keep a core busy so the total moves
  const after = readCpuTimes();
  expect(after?.total).toBeGreaterThan(before?.total ?? 0);
  expect(after?.steal).toBeGreaterThanOrEqual(before?.steal ?? 0);
  const share = stolenShare(before, after);
  expect(share).toBeGreaterThanOrEqual(0);
  expect(share).toBeLessThanOrEqual(1);
});

it('gives the stolen share of the time between two readings, and nothing without two', () => {
  expect(stolenShare({ steal: 10, total: 1_000 }, { steal: 40, total: 1_200 })).toBeCloseTo(0.15);
  expect(stolenShare(undefined, { steal: 40, total: 1_200 })).toBeUndefined();
  expect(stolenShare({ steal: 10, total: 1_000 }, { steal: 10, total: 1_000 })).toBeUndefined();
});
