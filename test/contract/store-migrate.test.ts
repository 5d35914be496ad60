import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

/** `ouro-bridge migrate` as an operator runs it: a real process against a real file. */

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function migrate(...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['bin/ouro-bridge.js', 'migrate', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ouro-bridge migrate', () => {
  it('creates the SQLite file and its tables, then reports nothing to do', async () => {
    const file = join(dir, 'sub', 'bridge.db');
    const first = await migrate('--database-url', `sqlite:${file}`);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain(
      `SQLite ${file}: applied 5 migration(s):\n  0001_initial\n  0002_leases\n  0003_quests\n  0004_account_links\n  0005_follows`,
    );
    const db = new BetterSqlite3(file, { readonly: true });
    const tables = db.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all();
    const journal = db.pragma('journal_mode', { simple: true });
    db.close();
    expect(tables).toEqual(expect.arrayContaining(['jobs', 'message_map', 'thread_links', 'watches', 'kv_state']));
    expect(journal).toBe('wal');
    const second = await migrate('--database-url', file);
    expect(second.stdout).toContain('up to date (5 migration(s) applied earlier)');
  });

  it('answers bad usage with exit code 2 and the usage text', async () => {
    const r = await migrate('--schema', 'x', '--database-url', join(dir, 'y.db'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--schema is for PostgreSQL only');
    const typo = await migrate('--databse-url', 'x');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown option --databse-url');
  });

  it('says in one line, without credentials, that PostgreSQL cannot be reached', async () => {
    const r = await migrate('--database-url', 'postgres://bridge:hunter2@127.0.0.1:1/db');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('PostgreSQL postgres://127.0.0.1:1/db');
    expect(r.stderr).not.toContain('hunter2');
  });
});
