/**
 * The claim loop over a real (in-memory SQLite) store, with job handlers written for each
 * case: order within a lane, lanes in parallel, retries, Retry-After, dead jobs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { noopMetrics, type BridgeMetrics } from '../../src/bridge/ports.ts';
import { PermanentError, RetryLaterError } from '../../src/bridge/retry.ts';
import { createWorker, type Worker, type WorkerDeps } from '../../src/bridge/worker.ts';
import type { Job, Store } from '../../src/store/types.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';
import { sleep } from '../helpers/eventually.ts';

let ts: TestStore;
let store: Store;
let worker: Worker | undefined;
beforeEach(async () => {
  ts = await makeTestStore('sqlite');
  store = ts.store;
});
afterEach(async () => {
  await worker?.stop(1000);
  worker = undefined;
  await ts.cleanup();
});

function start(handle: (job: Job) => Promise<void>, over: Partial<WorkerDeps> = {}): Worker {
  worker = createWorker({
    store,
    logger: silentLogger,
    metrics: noopMetrics,
    workerId: 'w1',
    concurrency: 4,
    retry: { baseMs: 10, maxMs: 40, maxAttempts: 4 },
    pollMs: 10,
    leaseMs: 10_000,
    now: Date.now,
    handle,
    ...over,
  });
  worker.start();
  return worker;
}

const enqueue = (lane: string, n: number) => store.enqueue({ lane, kind: 'test', payload: { n }, idempotencyKey: `${lane}:${n}` });

describe('worker', () => {
  it('runs a lane in order, one at a time, and lanes in parallel', async () => {
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const perLane = new Map<string, number>();
    let overlapped = false;
    for (let i = 0; i < 5; i++) for (const lane of ['a', 'b', 'c']) await enqueue(lane, i);
    const w = start(async (job) => {
      const n = (job.payload as { n: number }).n;
      running++;
      maxRunning = Math.max(maxRunning, running);
      perLane.set(job.lane, (perLane.get(job.lane) ?? 0) + 1);
      if (perLane.get(job.lane) !== 1) overlapped = true; // (an expect here would only fail the job)
      await sleep(5);
      log.push(`${job.lane}${n}`);
      perLane.set(job.lane, perLane.get(job.lane)! - 1);
      running--;
    });
    await w.drain(5000);
    for (const lane of ['a', 'b', 'c']) expect(log.filter((x) => x.startsWith(lane))).toEqual([0, 1, 2, 3, 4].map((n) => `${lane}${n}`));
    expect(maxRunning).toBe(3);
    expect(overlapped).toBe(false);
    expect(await store.countJobs()).toMatchObject({ done: 15, pending: 0 });
  });

  it('retries a failing job with backoff, holding its lane, then succeeds', async () => {
    const runs: string[] = [];
    let failures = 2;
    await enqueue('a', 1);
    await enqueue('a', 2);
    const retried: string[] = [];
    const metrics: BridgeMetrics = { ...noopMetrics, retried: (k) => retried.push(k) };
    const w = start(
      async (job) => {
        const n = (job.payload as { n: number }).n;
        runs.push(`${n}@${job.attempts}`);
        if (n === 1 && failures-- > 0) throw Object.assign(new Error('Ouro 503'), { status: 503 });
      },
      { metrics },
    );
    await w.drain(5000);
    expect(runs).toEqual(['1@0', '1@1', '1@2', '2@0']);
    expect(retried).toEqual(['test', 'test']);
  });

  it('honours retryAfterMs on the error', async () => {
    const at: number[] = [];
    await enqueue('a', 1);
    const w = start(async () => {
      at.push(Date.now());
      if (at.length === 1) throw Object.assign(new Error('rate limited'), { status: 429, retryAfterMs: 300 });
    });
    await w.drain(5000);
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(295);
  });

  it('a wait on other work spends no attempt: it outlasts the retry budget and keeps its lane', async () => {
    await enqueue('a', 1);
    await enqueue('a', 2);
    const runs: number[] = [];
    const w = start(async (job) => {
      const n = (job.payload as { n: number }).n;
      runs.push(n);
      if (n === 1 && runs.length <= 6) throw new RetryLaterError('waiting for another lane', 5, { countsAsAttempt: false });
    });
    await w.drain(5000);
    // Budget 4, yet six waits and then success; the lane's second job only after it.
    expect(runs).toEqual([1, 1, 1, 1, 1, 1, 1, 2]);
    expect(await store.countJobs()).toMatchObject({ done: 2, dead: 0 });
    expect((await store.listJobs({ state: 'done' })).map((j) => j.attempts)).toEqual([0, 0]);
  });

  it('makes a job dead after its budget, and at once for a permanent error, keeping the error', async () => {
    await enqueue('a', 1);
    await enqueue('b', 1);
    await enqueue('a', 2);
    const dead: string[] = [];
    const w = start(
      async (job) => {
        if (job.lane === 'a' && (job.payload as { n: number }).n === 1) throw Object.assign(new Error('still down'), { status: 500 });
        if (job.lane === 'b') throw new PermanentError('payload makes no sense');
      },
      { metrics: { ...noopMetrics, dead: (k) => dead.push(k) } },
    );
    await w.drain(5000);
    const jobs = await store.listJobs({ state: 'dead' });
    expect(jobs.map((j) => [j.lane, j.attempts, j.lastError])).toEqual([
      ['a', 4, 'Error: still down'],
      ['b', 1, 'PermanentError: payload makes no sense'],
    ]);
    expect(dead).toEqual(['test', 'test']);
    expect(await store.countJobs()).toMatchObject({ done: 1, dead: 2 });
  });

  it('stop waits for running jobs and leaves the rest pending', async () => {
    await enqueue('a', 1);
    await enqueue('a', 2);
    let finished = 0;
    const w = start(async () => {
      await sleep(100);
      finished++;
    });
    await sleep(30);
    await w.stop(2000);
    expect(finished).toBe(1);
    expect(await store.countJobs()).toMatchObject({ done: 1, pending: 1, running: 0 });
  });

  it('drain says what is left when it times out', async () => {
    await enqueue('a', 1);
    const w = start(
      async () => {
        throw Object.assign(new Error('down'), { status: 500 });
      },
      { retry: { baseMs: 10_000, maxMs: 10_000, maxAttempts: 5 } },
    );
    await expect(w.drain(200)).rejects.toThrow(/drain timed out after 200 ms: 1 pending/);
  });
});
