import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { liveCheckpointers } from '../../src/store/checkpoint.ts';
import { openSqlite } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/index.ts';

// 5,000 rows of 2 KB: over 10 MB of WAL frames when nothing checkpoints.
const ROWS = 5_000;
const ROW = 'x'.repeat(2_000);
const walSize = (path: string) => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-checkpoint-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite WAL checkpoint thread', () => {
  it('keeps the WAL bounded while the main connection never checkpoints', async () => {
    // Control: the same writes with auto-checkpoint off and no thread grow the WAL past 10 MB,
    // so the bound below is the thread's doing.
    const control = new BetterSqlite3(join(dir, 'control.db'));
    control.pragma('journal_mode = WAL');
    control.pragma('wal_autocheckpoint = 0');
    control.exec('create table t (id integer primary key, v text)');
    const insert = control.prepare('insert into t (v) values (?)');
    for (let i = 0; i < ROWS; i++) insert.run(ROW);
    const unbounded = walSize(join(dir, 'control.db'));
    expect(unbounded).toBeGreaterThan(10 * 1024 * 1024);
    control.close();

    const path = join(dir, 'bridge.db');
    const db = openSqlite(path, { checkpoint: { intervalMs: 5, restartAboveBytes: 1024 * 1024 } });
    try {
      await sql`create table t (id integer primary key, v text)`.execute(db);
      expect(liveCheckpointers()).toBe(1);
      let maxWal = 0;
      for (let i = 0; i < ROWS; i++) {
        await sql`insert into t (v) values (${ROW})`.execute(db);
        // Writes as a busy bridge does them: in bursts (20 KB of rows, a few MB/s), with the
        // event loop turning between.
        if (i % 10 === 0) {
          maxWal = Math.max(maxWal, walSize(path));
          await new Promise((r) => setTimeout(r, 2));
        }
      }
      maxWal = Math.max(maxWal, walSize(path));
      // The limit the thread enforces (1 MB) plus what the writes add while it checkpoints:
      // about 1.2 MB on a quiet machine; the margin is for a loaded one.
      expect(maxWal).toBeLessThan(unbounded * 0.4);
      const { count } = (await sql<{ count: number }>`select count(*) as count from t`.execute(db)).rows[0]!;
      expect(count).toBe(ROWS);
    } finally {
      await db.destroy();
    }
    expect(liveCheckpointers()).toBe(0);
    // The main connection closed last: its close copied the WAL back and removed it.
    expect(existsSync(`${path}-wal`)).toBe(false);
    const check = new BetterSqlite3(path, { readonly: true });
    expect(check.prepare('select count(*) as n from t').get()).toEqual({ n: ROWS });
    check.close();
  });

  it('a store closed leaves no checkpoint thread behind, including one that never ran a query', async () => {
    const path = join(dir, 'store.db');
    const store = await openStore({ engine: 'sqlite', path });
    expect(liveCheckpointers()).toBe(1);
    const { created } = await store.enqueue({ lane: 'l', kind: 'k', payload: {}, idempotencyKey: 'k1' });
    expect(created).toBe(true);
    await store.close();
    expect(liveCheckpointers()).toBe(0);

    const idle = openSqlite(join(dir, 'idle.db'));
    await idle.destroy();
    expect(liveCheckpointers()).toBe(0);
  });

  it('in-memory databases run without a thread', async () => {
    const db = openSqlite(':memory:');
    await sql`select 1`.execute(db);
    expect(liveCheckpointers()).toBe(0);
    await db.destroy();
  });
});
