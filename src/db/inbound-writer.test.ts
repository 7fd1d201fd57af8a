// Each store's inbound writer calls the conversions' steps in batch order: SQLite one hit at a
// time, PostgreSQL the new conversions together first and then every hit left, one at a time.
import { describe, expect, it } from 'vitest';
import type { InboundBatchSteps } from './inbound-writer.ts';
import { POSTGRES_INBOUND_WRITER } from './postgres/inbound-writer.ts';
import { SQLITE_INBOUND_WRITER } from './sqlite/inbound-writer.ts';

/** Steps that record their calls; writing together settles the hits named `new`, one is taken. */
function recordingSteps() {
  const calls: string[] = [];
  const steps: InboundBatchSteps<string, string, string> = {
    async writeNewTogether(batch, results) {
      calls.push(`together ${batch.join(' ')}`);
      batch.forEach((hit, i) => {
        if (hit === 'new') results[i] = `created ${i}`;
      });
      return new Map([[batch.indexOf('taken'), 'stored']]);
    },
    async writeOne(hit, taken) {
      calls.push(`one ${hit}${taken ? ` (${taken})` : ''}`);
      return `wrote ${hit}`;
    },
  };
  return { calls, steps };
}

const batch = ['new', 'taken', 'rejected', 'new', 'later'];

describe('inbound writers', () => {
  it('writes each hit one at a time in batch order on SQLite', async () => {
    const { calls, steps } = recordingSteps();
    const results = await SQLITE_INBOUND_WRITER.writeBatch(batch, steps);
    expect(calls).toEqual(['one new', 'one taken', 'one rejected', 'one new', 'one later']);
    expect(results).toEqual(batch.map((hit) => `wrote ${hit}`));
    expect(SQLITE_INBOUND_WRITER.concurrentBatches).toBe(1);
  });

  it('writes new conversions together first, then the hits left in batch order on PostgreSQL', async () => {
    const { calls, steps } = recordingSteps();
    const results = await POSTGRES_INBOUND_WRITER.writeBatch(batch, steps);
    expect(calls).toEqual([
      'together new taken rejected new later',
      'one taken (stored)',
      'one rejected',
      'one later',
    ]);
    expect(results).toEqual(['created 0', 'wrote taken', 'wrote rejected', 'created 3', 'wrote later']);
    expect(POSTGRES_INBOUND_WRITER.concurrentBatches).toBe(4);
  });

  it('reads each key alone on SQLite and the keys asked for in one turn together on PostgreSQL', async () => {
    const reads: string[][] = [];
    const one = async (key: string) => {
      reads.push([key]);
      return key.toUpperCase();
    };
    const many = async (keys: string[]) => {
      reads.push(keys);
      return new Map(keys.map((key) => [key, key.toUpperCase()]));
    };
    const sqlite = SQLITE_INBOUND_WRITER.lookUp(one, many);
    expect(await Promise.all([sqlite('a'), sqlite('b')])).toEqual(['A', 'B']);
    expect(reads.splice(0)).toEqual([['a'], ['b']]);
    const postgres = POSTGRES_INBOUND_WRITER.lookUp(one, many);
    expect(await Promise.all([postgres('a'), postgres('b'), postgres('a')])).toEqual(['A', 'B', 'A']);
    expect(reads).toEqual([['a', 'b']]);
  });
});
