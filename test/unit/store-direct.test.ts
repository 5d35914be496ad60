/**
 * engine.ts runs SQLite statements on the connection directly, outside Kysely's executor
 * (execute, sqliteBatch, writeTx's own handle). These pin what that must not change:
 * a statement never lands inside someone else's open transaction, a batch is one
 * transaction, and the results have Kysely's shape.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execute, openSqlite, sqliteBatch, writeTx } from '../../src/store/engine.ts';
import type { Db } from '../../src/store/schema.ts';

const insert = (v: string) => CompiledQuery.raw('insert into t (v) values (?)', [v]);
const all = CompiledQuery.raw('select v from t order by id') as CompiledQuery<{ v: string }>;
const values = async (db: Db) => (await execute(db, all)).rows.map((r) => r.v);

let dir: string;
const opened: Db[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-direct-'));
});
afterEach(async () => {
  for (const db of opened.splice(0)) await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

// A WAL file (checkpoint thread and all) and an in-memory database: openSqlite's two shapes.
describe.each([
  ['file (WAL)', () => join(dir, 'direct.db')],
  ['in memory', () => ':memory:'],
])('SQLite direct statements: %s', (_name, path) => {
  async function open(): Promise<Db> {
    const db = openSqlite(path());
    opened.push(db);
    await sql`create table t (id integer primary key, v text not null unique)`.execute(db);
    return db;
  }

  it('returns what Kysely returns: rows of a read, counts and the rowid of a write', async () => {
    const db = await open();
    const direct = await execute(db, insert('a'));
    const viaKysely = await db.executeQuery(insert('b'));
    expect(direct).toEqual({ rows: [], numAffectedRows: 1n, insertId: 1n });
    expect(viaKysely).toEqual({ rows: [], numAffectedRows: 1n, insertId: 2n });
    expect((await execute(db, all)).rows).toEqual((await db.executeQuery(all)).rows);
    await expect(execute(db, insert('a'))).rejects.toThrow(/UNIQUE/);
  });

  it('a statement made while a writeTx is open waits for it and is not rolled back with it', async () => {
    const db = await open();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = writeTx(db, 'sqlite', async (t) => {
      await execute(t, insert('inside'));
      await held;
      throw new Error('the transaction fails');
    });
    // Let the transaction begin and write its row.
    await new Promise((r) => setImmediate(r));
    let outsideDone = false;
    const outside = execute(db, insert('outside')).then(() => (outsideDone = true));
    await new Promise((r) => setImmediate(r));
    expect(outsideDone).toBe(false);
    release();
    await expect(tx).rejects.toThrow('the transaction fails');
    await outside;
    expect(await values(db)).toEqual(['outside']);
  });

  it('statements on writeTx’s handle are part of its transaction', async () => {
    const db = await open();
    await expect(
      writeTx(db, 'sqlite', async (t) => {
        await execute(t, insert('x'));
        expect(await values(t)).toEqual(['x']);
        await execute(t, insert('x')); // UNIQUE: the whole transaction rolls back
      }),
    ).rejects.toThrow(/UNIQUE/);
    expect(await values(db)).toEqual([]);
    await writeTx(db, 'sqlite', async (t) => {
      await execute(t, insert('y'));
    });
    expect(await values(db)).toEqual(['y']);
  });

  it('a batch is one transaction: one failing statement leaves none of it', async () => {
    const db = await open();
    await execute(db, insert('taken'));
    await expect(sqliteBatch(db, [insert('p'), insert('q'), insert('taken')])).rejects.toThrow(/UNIQUE/);
    expect(await values(db)).toEqual(['taken']);
    const rows = await sqliteBatch(db, [insert('p'), all, insert('q')]);
    expect(rows).toEqual([[], [{ v: 'taken' }, { v: 'p' }], []]);
    expect(await values(db)).toEqual(['taken', 'p', 'q']);
  });

  it('a batch on writeTx’s handle joins that transaction', async () => {
    const db = await open();
    await expect(
      writeTx(db, 'sqlite', async (t) => {
        await sqliteBatch(t, [insert('m'), insert('n')]);
        throw new Error('later failure');
      }),
    ).rejects.toThrow('later failure');
    expect(await values(db)).toEqual([]);
  });
});
