// Prepared queries on every store, inside and outside transactions. On SQLite they run on the
// connection directly, skipping Kysely: these tests hold that path to what Kysely's would do
// (results, errors, the transaction's reach) and keep a query from outside an open transaction
// waiting for it instead of joining it. (Waiting out another process's lock is tested with the
// dialect, in sqlite-dialect.test.ts.)
import { type Generated, type Kysely, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.ts';
import type { Db } from './database.types.ts';
import { preparedQuery } from './prepared-query.ts';
import { openStore } from './store.ts';
import { isUniqueViolation } from './unique-violation.ts';

interface NotesDb {
  notes: { id: Generated<number>; body: string };
}
const notes = (db: Db) => db as unknown as Kysely<NotesDb>;

const insertNote = preparedQuery(1, (db, body) => notes(db).insertInto('notes').values({ body }));
const insertNoteReturningId = preparedQuery(1, (db, body) =>
  notes(db).insertInto('notes').values({ body }).returning('id'),
);
const findNote = preparedQuery(1, (db, body) =>
  notes(db).selectFrom('notes').select(['id', 'body']).where('body', '=', body),
);

describeEachStore('prepared queries', (current) => {
  const db = () => current().store.db;
  const stored = async (body: string) => (await findNote(db(), body)).rows;

  beforeAll(async () => {
    const id = current().dialect === 'postgres' ? sql`serial primary key` : sql`integer primary key`;
    await sql`create table notes (id ${id}, body text not null unique)`.execute(db());
  });

  it('in a transaction, reads see its writes and a rollback takes them back', async () => {
    const seen = await db()
      .transaction()
      .execute(async (trx) => {
        await insertNote(trx, 'kept');
        return (await findNote(trx, 'kept')).rows;
      });
    expect(seen).toMatchObject([{ body: 'kept' }]);
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await insertNote(trx, 'undone');
          expect(await findNote(trx, 'undone').then((r) => r.rows)).toHaveLength(1);
          throw new Error('roll back');
        }),
    ).rejects.toThrow('roll back');
    expect(await stored('kept')).toHaveLength(1);
    expect(await stored('undone')).toEqual([]);
  });

  it('gives the same results in a transaction as outside one', async () => {
    const outside = await insertNoteReturningId(db(), 'outside');
    const inside = await db()
      .transaction()
      .execute((trx) => insertNoteReturningId(trx, 'inside'));
    expect(inside.rows[0].id).toBe(Number(outside.rows[0].id) + 1);
    const plain = await db()
      .transaction()
      .execute((trx) => insertNote(trx, 'plain'));
    expect(plain.numAffectedRows).toBe(1n);
    const [row] = await stored('plain');
    // SQLite reports the new rowid with every insert; PostgreSQL only through RETURNING.
    expect(plain.insertId).toBe(current().dialect === 'sqlite' ? BigInt(row.id) : undefined);
  });

  it('a failing statement rejects with the driver error, and the transaction rolls back', async () => {
    await insertNote(db(), 'taken');
    let caught: unknown;
    await db()
      .transaction()
      .execute(async (trx) => {
        await insertNote(trx, 'before the failure');
        let attempt: Promise<unknown> | undefined;
        // Callers may hold the promise before awaiting it: the failure must come as a rejection.
        expect(() => {
          attempt = insertNote(trx, 'taken');
        }).not.toThrow();
        await attempt;
      })
      .catch((error) => {
        caught = error;
      });
    expect(isUniqueViolation(caught)).toBe(true);
    expect(await stored('before the failure')).toEqual([]);
  });

  it('a query from outside an open transaction waits for it and is not rolled back with it', async () => {
    let outside: Promise<unknown> | undefined;
    await db()
      .transaction()
      .execute(async (trx) => {
        await insertNote(trx, 'inside, undone');
        outside = insertNote(db(), 'outside, kept');
        await new Promise((r) => setTimeout(r, 20));
        await insertNote(trx, 'inside too');
        throw new Error('roll back');
      })
      .catch(() => {});
    await outside;
    expect(await stored('outside, kept')).toHaveLength(1);
    expect(await stored('inside, undone')).toEqual([]);
    expect(await stored('inside too')).toEqual([]);
  });
});

it('refuses a prepared query that selects * (its named statement would break when a column is added)', async () => {
  const store = openStore({ sqlitePath: ':memory:' });
  const selectAll = preparedQuery(0, (db) => notes(db).selectFrom('notes').selectAll());
  expect(() => selectAll(store.db)).toThrow('a prepared query must name its columns');
  await store.close();
});
