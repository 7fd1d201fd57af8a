import { describe, expect, it } from 'vitest';
import { ClickWriter, ClickWriterClosedError } from './click-writer.ts';

/** An insert function that records its batches; rows named in `poison` make a batch fail. */
function recorder(poison: Set<string> = new Set()) {
  const batches: string[][] = [];
  const insert = async (rows: string[]) => {
    await new Promise((r) => setTimeout(r, 1));
    if (rows.some((row) => poison.has(row))) throw new Error('bad row');
    batches.push([...rows]);
  };
  return { batches, insert };
}

describe('ClickWriter', () => {
  it('writes rows that arrive together in one batch and resolves each after it', async () => {
    const { batches, insert } = recorder();
    const writer = new ClickWriter(insert);
    const settled: string[] = [];
    await Promise.all(['a', 'b', 'c'].map((row) => writer.write(row).then(() => settled.push(row))));
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(settled.sort()).toEqual(['a', 'b', 'c']);
  });

  it('collects rows arriving during a write into the next batch, never more than maxBatch', async () => {
    const { batches, insert } = recorder();
    const writer = new ClickWriter(insert, { maxBatch: 4 });
    const first = writer.write('r0');
    await new Promise((r) => setImmediate(r)); // r0's batch is now being written
    const rest = Array.from({ length: 9 }, (_, i) => writer.write(`r${i + 1}`));
    await Promise.all([first, ...rest]);
    expect(batches[0]).toEqual(['r0']);
    expect(batches.flat()).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(4);
    expect(batches.length).toBeLessThan(10);
  });

  it('fails only the bad row of a failed batch, after retrying rows one by one', async () => {
    const { batches, insert } = recorder(new Set(['bad']));
    const errors: number[] = [];
    const writer = new ClickWriter(insert, { onBatchError: (_e, size) => errors.push(size) });
    const results = await Promise.allSettled(['x', 'bad', 'y'].map((row) => writer.write(row)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([['x'], ['y']]);
    expect(errors).toEqual([3]);
  });

  it('flushes queued rows on close and refuses rows after it', async () => {
    const { batches, insert } = recorder();
    const writer = new ClickWriter(insert, { lingerMs: 10_000 });
    const pending = writer.write('last');
    await writer.close();
    await pending;
    expect(batches).toEqual([['last']]);
    await expect(writer.write('late')).rejects.toBeInstanceOf(ClickWriterClosedError);
  });
});
