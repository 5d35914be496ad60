/**
 * Lane-targeted wakes: a job recorded (or a lane's job finished) in this process is claimed
 * by a claim that looks at its lane only, without waiting for the poll. The poll is set to a
 * minute here, so anything that runs ran because of a wake. Real in-memory SQLite store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { noopMetrics } from '../../src/bridge/ports.ts';
import { createWorker, type Worker } from '../../src/bridge/worker.ts';
import type { Job, Store } from '../../src/store/types.ts';
import { eventually, sleep } from '../helpers/eventually.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

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

const enqueue = (lane: string, n: number) => store.enqueue({ lane, kind: 'test', payload: { n }, idempotencyKey: `${lane}:${n}` });

function start(concurrency: number, handle: (job: Job) => Promise<void>, soleWorker = false): Worker {
  worker = createWorker({
    store,
    logger: silentLogger,
    metrics: noopMetrics,
    workerId: 'w1',
    concurrency,
    retry: { baseMs: 10, maxMs: 40, maxAttempts: 4 },
    pollMs: 60_000,
    leaseMs: 10_000,
    now: Date.now,
    handle,
    soleWorker,
  });
  worker.start();
  return worker;
}

const tag = (job: Job) => `${job.lane}${(job.payload as { n: number }).n}`;

describe('worker: lane-targeted wakes', () => {
  it('a woken lane runs at once; a lane nobody woke waits for a full wake', async () => {
    const ran: string[] = [];
    const w = start(4, async (job) => {
      ran.push(tag(job));
    });
    await sleep(20); // the start-up claim has found nothing
    await enqueue('b', 0); // recorded without a wake, as by another process
    await enqueue('a', 0);
    w.wake('a');
    await eventually(() => expect(ran.includes('a0')).toBe(true));
    await sleep(50);
    expect(ran).toEqual(['a0']);
    w.wake();
    await eventually(() => expect(ran.includes('b0')).toBe(true));
  });

  it("a finished job wakes its lane: the lane's next jobs run in order without a poll", async () => {
    for (let n = 0; n < 5; n++) await enqueue('a', n);
    const ran: string[] = [];
    start(2, async (job) => {
      ran.push(tag(job));
    });
    await eventually(() => expect(ran.length === 5).toBe(true));
    expect(ran).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    // `ran` fills when a handler starts; the last completion commits a moment later (batched).
    await eventually(async () => expect(await store.countJobs()).toMatchObject({ done: 5, pending: 0, running: 0 }), 2000);
  });

  it('a wake that comes while the queue depth is being sampled is not lost', async () => {
    // A slow database: the depth count (run at the end of a claim round, at most once a
    // second) waits until released, as a PostgreSQL round trip would.
    let release!: () => void;
    const counted = new Promise<void>((r) => (release = r));
    let sampling = false;
    const count = store.countJobs.bind(store);
    store.countJobs = async () => {
      sampling = true;
      await counted;
      return count();
    };
    const ran: string[] = [];
    const w = start(2, async (job) => {
      ran.push(tag(job));
    });
    await eventually(() => expect(sampling).toBe(true)); // the start-up claim round is sampling the depth
    await enqueue('a', 0);
    w.wake('a');
    await sleep(20); // the wake's claim round has found one already running
    release();
    // With the poll a minute away, only the wake can have run it.
    await eventually(() => expect(ran.includes('a0')).toBe(true), 5000);
  });

  it('woken lanes beyond the free slots are kept and claimed when a slot frees', async () => {
    const ran: string[] = [];
    const w = start(2, async (job) => {
      await sleep(20);
      ran.push(tag(job));
    });
    await sleep(20);
    for (const lane of ['a', 'b', 'c', 'd']) {
      await enqueue(lane, 0);
      w.wake(lane);
    }
    await eventually(() => expect(ran.length === 4).toBe(true));
    expect([...ran].sort()).toEqual(['a0', 'b0', 'c0', 'd0']);
  });

  describe('a sole worker (SQLite)', () => {
    const claims = () => {
      const asked: (readonly string[] | undefined)[] = [];
      const claim = store.claimJobs.bind(store);
      store.claimJobs = (w, limit, lease, lanes) => {
        asked.push(lanes);
        return claim(w, limit, lease, lanes);
      };
      return asked;
    };

    it("a message at a steady pace costs one claim: a job's end does not look into a lane nobody woke", async () => {
      const ran: string[] = [];
      const w = start(4, async (job) => void ran.push(tag(job)), true);
      await w.drain(2000); // the start-up claims are done
      const asked = claims();
      for (let n = 0; n < 5; n++) {
        await enqueue(`t${n}`, 0);
        w.wake(`t${n}`);
        await eventually(() => expect(ran.length).toBe(n + 1));
        await sleep(10);
      }
      expect(asked).toEqual([['t0'], ['t1'], ['t2'], ['t3'], ['t4']]);
    });

    it('two jobs recorded in one idle lane in one tick both run, in order, without a poll', async () => {
      const ran: string[] = [];
      const w = start(
        4,
        async (job) => {
          await sleep(5);
          ran.push(tag(job));
        },
        true,
      );
      await w.drain(2000);
      await Promise.all([enqueue('a', 0), enqueue('a', 1)]);
      w.wake('a');
      w.wake('a');
      await eventually(() => expect(ran.length).toBe(2));
      expect(ran).toEqual(['a0', 'a1']);
    });

    it('a backlog found at start runs lane by lane without a poll', async () => {
      for (let n = 0; n < 3; n++) await enqueue('a', n);
      const ran: string[] = [];
      start(4, async (job) => void ran.push(tag(job)), true);
      await eventually(() => expect(ran.length).toBe(3));
      expect(ran).toEqual(['a0', 'a1', 'a2']);
    });
  });
});
