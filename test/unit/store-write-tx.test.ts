/**
 * writeTx on SQLite (engine.ts) holds Kysely's one connection for its transaction: a
 * statement of this process made meanwhile waits for it and never lands inside it, and
 * statements on the transaction's own handle are part of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, writeTx } from '../../src/store/engine.ts';
import type { Db } from '../../src/store/schema.ts';

const insert = (db: Db, v: string) => sql`insert into t (v) values (${v})`.execute(db);
const values = async (db: Db) => (await sql<{ v: string }>`select v from t order by id`.execute(db)).rows.map((r) => r.v);

let dir: string;
const opened: Db[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-tx-'));
});
afterEach(async () => {
  for (const db of opened.splice(0)) await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

// A WAL file and an in-memory database: openSqlite's two shapes.
describe.each([
  ['file (WAL)', () => join(dir, 'tx.db')],
  ['in memory', () => ':memory:'],
])('SQLite writeTx: %s', (_name, path) => {
  async function open(): Promise<Db> {
    const db = openSqlite(path());
    opened.push(db);
    await sql`create table t (id integer primary key, v text not null unique)`.execute(db);
    return db;
  }

  it('a statement made while a writeTx is open waits for it and is not rolled back with it', async () => {
    const db = await open();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = writeTx(db, 'sqlite', async (t) => {
      await insert(t, 'inside');
      await held;
      throw new Error('the transaction fails');
    });
    await new Promise((r) => setImmediate(r));
    let outsideDone = false;
    const outside = insert(db, 'outside').then(() => (outsideDone = true));
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
        await insert(t, 'x');
        expect(await values(t)).toEqual(['x']);
        await insert(t, 'x'); // UNIQUE: the whole transaction rolls back
      }),
    ).rejects.toThrow(/UNIQUE/);
    expect(await values(db)).toEqual([]);
    await writeTx(db, 'sqlite', (t) => insert(t, 'y'));
    expect(await values(db)).toEqual(['y']);
  });
});
