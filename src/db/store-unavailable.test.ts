import { type AddressInfo, createServer, type Socket } from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { expect, it } from 'vitest';
import { describePostgres } from '../../test/support/stores.ts';
import { openStore } from './store.ts';
import { isStoreUnavailable } from './store-unavailable.ts';

describePostgres('a PostgreSQL connection ended by the server', (current) => {
  const terminate = async (pid: number) => {
    const admin = new pg.Client({ connectionString: current().databaseUrl });
    await admin.connect();
    await admin.query('select pg_terminate_backend($1)', [pid]);
    await admin.end();
  };

  it('fails the transaction holding it with an unavailable-store error; the pool connects anew', async () => {
    const { db } = current().store;
    const failed = await db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        // Ended while checked out and idle between two statements: the client emits 'error' with
        // no statement to take it, which without a listener of its own ends the process.
        await terminate(rows[0].pid);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await trx.selectFrom('advertisers').select('id').execute();
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isStoreUnavailable(failed)).toBe(true);
    expect(await db.selectFrom('advertisers').select('id').execute()).toEqual([]);
  });
});

it('fails a statement when the server does not answer, rather than waiting for it', async () => {
  // A server that takes the connection and never says a word, as one behind a moved address does.
  const sockets: Socket[] = [];
  const silent = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as AddressInfo;
  const store = openStore({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/x`, connectTimeoutMs: 200 });
  try {
    const failed = await store.db
      .selectFrom('advertisers')
      .select('id')
      .execute()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isStoreUnavailable(failed)).toBe(true);
  } finally {
    await store.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

it('tells a lost store from a wrong statement', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
  expect(isStoreUnavailable(withCode('terminating connection due to administrator command', '57P01'))).toBe(
    true,
  );
  expect(isStoreUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
  expect(isStoreUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  expect(isStoreUnavailable(withCode('database "x" is not currently accepting connections', '55000'))).toBe(
    true,
  );
  expect(isStoreUnavailable(withCode('duplicate key value violates unique constraint', '23505'))).toBe(false);
  expect(isStoreUnavailable(withCode('syntax error at or near "x"', '42601'))).toBe(false);
  expect(isStoreUnavailable('not an error')).toBe(false);
});
