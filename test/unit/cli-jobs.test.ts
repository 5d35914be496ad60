/**
 * `ouro-bridge jobs list|retry|drop`, run as the real binary against an SQLite store that
 * the test seeds (and reads back afterwards to see what the command did).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-jobs-'));
const dbPath = join(dir, 'bridge.db');
const target = { engine: 'sqlite' as const, path: dbPath };
let deadId = 0;
let pendingId = 0;

const jobs = (...args: string[]) =>
  spawnSync(process.execPath, [resolve(ROOT, 'bin/ouro-bridge.js'), 'jobs', ...args], {
    cwd: ROOT,
    env: { DATABASE_URL: `sqlite:${dbPath}`, LOG_LEVEL: 'error' },
    encoding: 'utf8',
    timeout: 20_000,
  });

beforeAll(async () => {
  const store = await openStore(target);
  const dead = await store.enqueue({ lane: 'chat:console/local/lab', kind: 'relay.posted', payload: { n: 1 }, idempotencyKey: 'k-dead' });
  const pending = await store.enqueue({ lane: 'conv:c-1', kind: 'sync.conversation', payload: {}, idempotencyKey: 'k-pending' });
  const [claimed] = await store.claimJobs('test', 1, 60_000);
  expect(claimed!.id).toBe(dead.job.id);
  await store.failJob(dead.job.id, 'test', 'OuroServerError: 500 from POST /conversations/c-1/messages', null);
  deadId = dead.job.id;
  pendingId = pending.job.id;
  await store.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ouro-bridge jobs', () => {
  it('lists dead jobs with their last error', () => {
    const r = jobs('list', '--state', 'dead');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^id\s+state\s+kind\s+attempts/);
    expect(lines[1]).toMatch(new RegExp(`^${deadId}\\s+dead\\s+relay\\.posted\\s+1\\s`));
    expect(lines[1]).toContain('OuroServerError: 500');
    expect(r.stdout).not.toContain('sync.conversation');
    expect(r.stdout).toContain('1 pending, 0 running, 0 done, 1 dead');
  });

  it('lists every job as JSON', () => {
    const r = jobs('list', '--json');
    expect(r.status).toBe(0);
    const list = JSON.parse(r.stdout) as { id: number; state: string }[];
    expect(list.map((j) => [j.id, j.state])).toEqual([
      [deadId, 'dead'],
      [pendingId, 'pending'],
    ]);
  });

  it('retries a dead job: pending again with attempts reset', async () => {
    const r = jobs('retry', String(deadId));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`job ${deadId} (relay.posted) is pending again`);
    const store = await openStore(target);
    try {
      expect(await store.getJob(deadId)).toMatchObject({ state: 'pending', attempts: 0 });
    } finally {
      await store.close();
    }
  });

  it('drops a job for good', async () => {
    const r = jobs('drop', String(pendingId));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`job ${pendingId} (sync.conversation, pending) dropped`);
    const store = await openStore(target);
    try {
      expect(await store.getJob(pendingId)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it.each<[string[], number, RegExp]>([
    [['retry', '999'], 1, /no job 999/],
    [['drop', '999'], 1, /no job 999/],
    [['retry', 'abc'], 2, /expected a job id \(a number\), got "abc"/],
    [['retry'], 2, /expected a job id \(a number\), got nothing/],
    [['list', '--state', 'stuck'], 2, /--state must be one of pending, running, done, dead/],
    [['list', '--limit', '0'], 2, /--limit must be a positive number/],
    [['list', '--frob'], 2, /unknown option --frob/],
    [['purge'], 2, /unknown jobs command "purge"/],
    [[], 2, /which one: list, retry or drop\?/],
  ])('jobs %j → exit %i', (args, status, message) => {
    const r = jobs(...args);
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(message);
  });
});
