import { expect, it } from 'vitest';
import { GroupCommit, GroupCommitClosedError } from './group-commit.ts';

it('hands items submitted together to one run and answers each with its own output', async () => {
  const runs: number[][] = [];
  const group = new GroupCommit<number, number>(async (items) => {
    runs.push(items);
    return items.map((n) => n * 10);
  });
  const outputs = await Promise.all([1, 2, 3].map((n) => group.submit(n)));
  expect(outputs).toEqual([10, 20, 30]);
  expect(runs).toEqual([[1, 2, 3]]);
});

it('queues items that arrive during a run for the next batch, capped at maxBatch', async () => {
  const runs: number[][] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const group = new GroupCommit<number, number>(
    async (items) => {
      runs.push(items);
      if (runs.length === 1) await gate;
      return items;
    },
    { maxBatch: 2 },
  );
  const first = group.submit(1);
  await new Promise((resolve) => setImmediate(resolve));
  const later = [2, 3, 4].map((n) => group.submit(n));
  release();
  expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4]);
  expect(runs).toEqual([[1], [2, 3], [4]]);
});

it('runs every item of a failed batch alone, so only the bad one fails', async () => {
  const errors: number[] = [];
  const group = new GroupCommit<number, number>(
    async (items) => {
      if (items.includes(2)) throw new Error('bad item');
      return items;
    },
    { onBatchError: (_error, size) => errors.push(size) },
  );
  const settled = await Promise.allSettled([1, 2, 3].map((n) => group.submit(n)));
  expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(errors).toEqual([3]);
});

it('commits queued items on close and refuses items after it', async () => {
  const batches: number[][] = [];
  const group = new GroupCommit<number, number>(async (items) => {
    batches.push(items);
    return items;
  });
  const pending = group.submit(7);
  await group.close();
  expect(await pending).toBe(7);
  expect(batches).toEqual([[7]]);
  await expect(group.submit(8)).rejects.toBeInstanceOf(GroupCommitClosedError);
});

it('runs up to `concurrency` batches at once, and no more', async () => {
  let running = 0;
  let most = 0;
  const group = new GroupCommit<number, number>(
    async (items) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return items;
    },
    { maxBatch: 1, concurrency: 2 },
  );
  const outputs = await Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(n)));
  expect(outputs).toEqual([1, 2, 3, 4, 5]);
  expect(most).toBe(2);
});
