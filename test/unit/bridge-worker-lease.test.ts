/**
 * The worker's side of job leases, over a real store: a job slower than its lease keeps it
 * (renewal), and on a sole worker (SQLite) jobs a previous run left running are handed
 * back at start instead of waiting out their lease.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { noopMetrics } from '../../src/bridge/ports.ts';
import { createWorker, type Worker, type WorkerDeps } from '../../src/bridge/worker.ts';
import type { Job, Store } from '../../src/store/types.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

let ts: TestStore;
let store: Store;
const workers: Worker[] = [];
beforeEach(async () => {
  ts = await makeTestStore('sqlite', { file: true });
  store = ts.store;
});
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop(1000);
  await ts.cleanup();
});

function start(workerId: string, handle: (job: Job) => Promise<void>, over: Partial<WorkerDeps> = {}): Worker {
  const worker = createWorker({
    store,
    logger: silentLogger,
    metrics: noopMetrics,
    workerId,
    concurrency: 4,
    retry: { baseMs: 10, maxMs: 40, maxAttempts: 4 },
    pollMs: 10,
    leaseMs: 10_000,
    now: Date.now,
    handle,
    ...over,
  });
  worker.start();
  workers.push(worker);
  return worker;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('worker leases', () => {
  it('a job slower than its lease keeps it: another worker never runs it, and it completes', async () => {
    // Long enough that a loaded host renews in time (renewal every third), short enough to outlast.
    const LEASE = 600;
    const runs: string[] = [];
    const slow = async (name: string) => {
      runs.push(name);
      await sleep(LEASE * 3);
    };
    const { job } = await store.enqueue({ lane: 'L', kind: 'test', payload: {}, idempotencyKey: 'slow' });
    const a = start('a', () => slow('a'), { leaseMs: LEASE });
    await sleep(30);
    start('b', () => slow('b'), { leaseMs: LEASE });
    await a.drain(5_000);
    expect(runs).toEqual(['a']);
    expect((await store.getJob(job.id))!.state).toBe('done');
  });

  it('a sole worker hands back at start what its previous run left running, without waiting out the lease', async () => {
    const { job } = await store.enqueue({ lane: 'L', kind: 'test', payload: {}, idempotencyKey: 'left' });
    await store.claimJobs('previous-run', 1, 3_600_000);
    const ran: number[] = [];
    const w = start('next-run', async (j) => void ran.push(j.id), { soleWorker: true });
    await w.drain(2_000);
    expect(ran).toEqual([job.id]);
    expect((await store.getJob(job.id))!.state).toBe('done');
  });

  it("a worker that is not alone leaves another worker's running job to its lease", async () => {
    await store.enqueue({ lane: 'L', kind: 'test', payload: {}, idempotencyKey: 'held' });
    await store.claimJobs('other-replica', 1, 3_600_000);
    const ran: number[] = [];
    start('replica', async (j) => void ran.push(j.id));
    await sleep(100);
    expect(ran).toEqual([]);
    expect(await store.countJobs()).toMatchObject({ running: 1 });
  });
});
