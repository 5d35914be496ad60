import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreTarget } from '../../src/config.ts';
import { makeTestStore, TEST_DATABASE_URL, type TestStore } from '../helpers/store.ts';
import { sleep } from '../helpers/eventually.ts';

/**
 * `kill -9` in the middle of work: a real child process enqueues jobs and claims one, then
 * dies without closing anything. A fresh Store must find every job, and the claimed one
 * must come back once its lease runs out.
 */

const STORE_MODULE = fileURLToPath(new URL('../../src/store/index.ts', import.meta.url));
/** Long enough to see the job still leased after the re-open on a loaded machine. */
const LEASE_MS = 2_000;

const CHILD = `
const { openStore } = await import(process.env.STORE_MODULE);
const store = await openStore(JSON.parse(process.env.STORE_TARGET), { schema: process.env.STORE_SCHEMA || undefined });
for (const k of ['a', 'b', 'c']) await store.enqueue({ lane: 'thread-1', kind: 'relay', payload: { k }, idempotencyKey: 'crash-' + k });
const [job] = await store.claimJobs('doomed', 10, ${LEASE_MS});
process.stdout.write('claimed ' + job.id + '\\n');
setInterval(() => {}, 1000);
`;

function runChildAndKill(target: StoreTarget, schema: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      env: {
        PATH: process.env.PATH,
        STORE_MODULE,
        STORE_TARGET: JSON.stringify(target),
        STORE_SCHEMA: schema ?? '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const m = /claimed (\d+)/.exec(out);
      if (m) {
        child.kill('SIGKILL');
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited (${code}) before claiming: ${err}`));
    });
  });
}

const engines: { name: string; make: () => Promise<TestStore>; skip: boolean }[] = [
  { name: 'SQLite file', make: () => makeTestStore('sqlite', { file: true }), skip: false },
  { name: 'PostgreSQL', make: () => makeTestStore('postgres'), skip: !TEST_DATABASE_URL },
];

for (const engine of engines) {
  describe.skipIf(engine.skip)(`Store survives kill -9: ${engine.name}`, () => {
    let fx: TestStore | undefined;
    afterEach(async () => {
      await fx?.cleanup();
    });

    it("keeps every job and hands the dead worker's job out again after its lease", async () => {
      fx = await engine.make();
      await fx.store.close();
      const claimedId = await runChildAndKill(fx.target, fx.schema);
      const store = await fx.reopen!();
      const jobs = await store.listJobs({ lane: 'thread-1' });
      expect(jobs.map((j) => [j.idempotencyKey, j.state])).toEqual([
        ['crash-a', 'running'],
        ['crash-b', 'pending'],
        ['crash-c', 'pending'],
      ]);
      expect(jobs[0]).toMatchObject({ id: claimedId, lockedBy: 'doomed' });
      const lockedUntil = jobs[0]!.lockedUntil!;
      // Still leased (unless the re-open itself outlasted the lease): nobody may take it.
      if (Date.now() < lockedUntil - 200) expect(await store.claimJobs('survivor', 10, 60_000)).toEqual([]);
      await sleep(Math.max(0, lockedUntil - Date.now()) + 50);
      const again = await store.claimJobs('survivor', 10, 60_000);
      expect(again.map((j) => [j.id, j.lockedBy, j.attempts])).toEqual([[claimedId, 'survivor', 0]]);
      expect((await store.enqueue({ lane: 'thread-1', kind: 'relay', payload: {}, idempotencyKey: 'crash-a' })).created).toBe(false);
    });
  });
}
