/**
 * The inbox's fast path over a real (in-memory SQLite) store: a worker slot reserved
 * before recording, the job recorded already leased and run without a claim; a busy lane
 * or a full worker falls back to the queue, in order.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/bridge/inbox.ts';
import { noopMetrics } from '../../src/bridge/ports.ts';
import type { InboundEvent } from '../../src/bridge/types.ts';
import { createWorker, type Worker } from '../../src/bridge/worker.ts';
import { silentLogger } from '../../src/log.ts';
import type { Job, Store } from '../../src/store/types.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

let ts: TestStore;
let store: Store;
let worker: Worker;
let claims: number;
let claimCalls: number;
const ran: Job[] = [];
let gate: Promise<void> = Promise.resolve();

beforeEach(async () => {
  ts = await makeTestStore('sqlite');
  store = ts.store;
  claims = 0;
  claimCalls = 0;
  ran.length = 0;
  gate = Promise.resolve();
  const claim = store.claimJobs.bind(store);
  store.claimJobs = async (...args) => {
    claimCalls++;
    const jobs = await claim(...args);
    claims += jobs.length;
    return jobs;
  };
  worker = createWorker({
    store,
    logger: silentLogger,
    metrics: noopMetrics,
    workerId: 'w1',
    concurrency: 2,
    retry: { baseMs: 10, maxMs: 40, maxAttempts: 3 },
    pollMs: 60_000, // no poll: whatever runs was handed over or woken
    leaseMs: 10_000,
    now: Date.now,
    handle: async (job) => {
      ran.push(job);
      await gate;
    },
  });
  worker.start();
  await sleep(20); // the start-up claim (every lane) is done
  claimCalls = 0;
});
afterEach(async () => {
  await worker.stop(1000);
  await ts.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const posted = (thread: string, n: number): InboundEvent => ({
  kind: 'message.posted',
  key: `m-${thread}-${n}`,
  ref: { platform: 'console', workspace: 'local', channel: 'lab', thread },
  messageId: `${thread}-${n}`,
  author: { id: 'U1', name: 'ada' },
  text: `message ${n}`,
  at: Date.now(),
});
const inbox = () =>
  createInbox({ store, metrics: noopMetrics, logger: silentLogger, now: Date.now, wake: worker.wake, reserve: worker.reserve, interactive: () => undefined });

describe('worker slots and the inbox fast path', () => {
  it('a message into an idle thread is recorded leased and runs without a claim', async () => {
    expect(await inbox().receive(posted('t1', 1))).toEqual({ accepted: true });
    const [job] = await store.listJobs();
    expect(job?.lockedBy).toBe('w1');
    for (let i = 0; i < 100 && (await store.getJob(job!.id))?.state !== 'done'; i++) await sleep(10);
    await sleep(20);
    expect(ran.map((j) => j.id)).toEqual([job!.id]);
    expect((await store.getJob(job!.id))?.state).toBe('done');
    // Not even a look at the lane afterwards: nothing was recorded in it meanwhile.
    expect(claimCalls).toBe(0);
    expect((await store.getJob(job!.id))?.state).toBe('done');
  });

  it('a second message of a busy thread is queued and claimed after the first, in order', async () => {
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    const box = inbox();
    await box.receive(posted('t1', 1));
    await box.receive(posted('t1', 2));
    const jobs = await store.listJobs();
    expect(jobs.map((j) => j.state)).toEqual(['running', 'pending']);
    await sleep(20);
    expect(ran).toHaveLength(1);
    // The lane's job runs here, so no claim can take the second one yet: none is tried.
    expect(claimCalls).toBe(0);
    open();
    await worker.drain(2000);
    expect(ran.map((j) => (j.payload as { event: { text: string } }).event.text)).toEqual(['message 1', 'message 2']);
    expect(claims).toBe(1);
  });

  it('with every slot taken, reserve says no and the message waits in the queue', async () => {
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    const box = inbox();
    await box.receive(posted('t1', 1));
    await box.receive(posted('t2', 1));
    expect(worker.reserve()).toBeUndefined();
    await box.receive(posted('t3', 1));
    expect((await store.listJobs()).map((j) => j.state)).toEqual(['running', 'running', 'pending']);
    open();
    await worker.drain(2000);
    expect(ran).toHaveLength(3);
    expect(claims).toBe(1);
  });

  it('a reserved slot counts as busy until released, and a release lets the waiting claim run', async () => {
    const a = worker.reserve();
    const b = worker.reserve();
    expect(a && b).toBeTruthy();
    await store.enqueue({ lane: 'x', kind: 'test', payload: {}, idempotencyKey: 'x1' });
    worker.wake('x');
    await sleep(30);
    expect(ran).toHaveLength(0);
    a!.release();
    a!.release(); // a second end of one slot changes nothing
    await sleep(30);
    expect(ran).toHaveLength(1);
    b!.release();
    expect(worker.reserve()).toBeDefined();
  });

  it('a repeated event releases its slot and runs nothing twice', async () => {
    const box = inbox();
    await box.receive(posted('t1', 1));
    await worker.drain(2000);
    expect(await box.receive(posted('t1', 1))).toEqual({ accepted: false });
    await worker.drain(2000);
    expect(ran).toHaveLength(1);
    expect([worker.reserve(), worker.reserve()].every(Boolean)).toBe(true);
  });

  it('the ack does not wait for the job: it starts on the next turn of the event loop', async () => {
    expect(await inbox().receive(posted('t1', 1))).toEqual({ accepted: true });
    // The handler records the job as its first step, so it has not been called yet.
    expect(ran).toHaveLength(0);
    await new Promise((r) => setImmediate(r));
    expect(ran).toHaveLength(1);
  });

  it('a job handed over just before stop() runs, and stop waits for it', async () => {
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    await inbox().receive(posted('t1', 1));
    let stopped = false;
    const stopping = worker.stop(2000).then(() => (stopped = true));
    expect(ran).toHaveLength(1);
    await sleep(20);
    expect(stopped).toBe(false);
    open();
    await stopping;
    expect((await store.listJobs()).map((j) => j.state)).toEqual(['done']);
  });

  it('a stopped worker hands out no slot', async () => {
    await worker.stop(100);
    expect(worker.reserve()).toBeUndefined();
  });
});
