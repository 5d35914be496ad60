import { describe, expect, it } from 'vitest';
import type { NewJob, Store } from '../../src/store/types.ts';
import type { StoreFixture } from './store.contract.ts';
import { sleep } from '../helpers/eventually.ts';

/** The job queue half of the Store contract (called from describeStoreContract). */

const job = (lane: string, key: string, extra: Partial<NewJob> = {}): NewJob => ({
  lane,
  kind: 'relay',
  payload: { key },
  idempotencyKey: key,
  ...extra,
});
const ids = (jobs: { id: number }[]) => jobs.map((j) => j.id);
const LEASE = 60_000;
/** Long enough that two round trips never outlast it, short enough to wait for. */
const SHORT_LEASE = 300;

export function describeJobQueueContract(get: () => { store: Store; fx: StoreFixture }): void {
  describe('job queue', () => {
    it('enqueue is idempotent on the key and keeps the first job', async () => {
      const { store } = get();
      const a = await store.enqueue(job('L', 'k1', { payload: { v: 1 } }));
      const b = await store.enqueue(job('L', 'k1', { payload: { v: 2 } }));
      expect(a.created).toBe(true);
      expect(b.created).toBe(false);
      expect(b.job).toEqual(a.job);
      expect(a.job).toMatchObject({ lane: 'L', kind: 'relay', state: 'pending', attempts: 0, lockedBy: null, payload: { v: 1 } });
      expect((await store.listJobs()).length).toBe(1);
    });

    it('concurrent enqueues of one key create one job, also from a second Store', async () => {
      const { store, fx } = get();
      const other = fx.reopen ? await fx.reopen() : store;
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? other : store).enqueue(job('L', 'same', { payload: { i } }))));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
      expect((await store.countJobs()).pending).toBe(1);
    });

    it('enqueues made in one tick get ids in call order; a bad one fails alone', async () => {
      const { store } = get();
      const calls = ['a', 'b', 'a', 'c'].map((k, i) => store.enqueue(job('L', k, { payload: { i } })));
      const bad = expect(store.enqueue(job('L', '', {}))).rejects.toThrow(/idempotencyKey/);
      const results = await Promise.all(calls);
      await bad;
      expect(results.map((r) => r.created)).toEqual([true, true, false, true]);
      expect(results[2]!.job).toEqual(results[0]!.job);
      const [a, b, , c] = results.map((r) => r.job.id);
      expect(a! < b! && b! < c!).toBe(true);
      expect((await store.listJobs()).map((j) => j.payload)).toEqual([{ i: 0 }, { i: 1 }, { i: 3 }]);
    });

    it('claims a lane in enqueue order, one job at a time', async () => {
      const { store } = get();
      const jobs = [];
      for (const k of ['a1', 'a2', 'a3']) jobs.push((await store.enqueue(job('A', k))).job);
      for (const expected of jobs) {
        const claimed = await store.claimJobs('w1', 10, LEASE);
        expect(ids(claimed)).toEqual([expected.id]);
        expect(claimed[0]).toMatchObject({ state: 'running', lockedBy: 'w1', attempts: 0 });
        expect(claimed[0]!.lockedUntil).toBeGreaterThan(Date.now());
        expect(await store.claimJobs('w2', 10, LEASE)).toEqual([]);
        await store.completeJob(expected.id, 'w1');
        expect(await store.getJob(expected.id)).toMatchObject({ state: 'done', lockedBy: null, lockedUntil: null });
      }
      expect(await store.claimJobs('w1', 10, LEASE)).toEqual([]);
    });

    it('claims at most one job per lane, oldest lanes first, up to the limit', async () => {
      const { store } = get();
      const heads: number[] = [];
      for (const lane of ['A', 'B', 'C', 'D']) {
        heads.push((await store.enqueue(job(lane, `${lane}1`))).job.id);
        await store.enqueue(job(lane, `${lane}2`));
      }
      const first = await store.claimJobs('w1', 3, LEASE);
      expect(ids(first)).toEqual(heads.slice(0, 3));
      const rest = await store.claimJobs('w2', 10, LEASE);
      expect(ids(rest)).toEqual([heads[3]]);
      expect(rest[0]!.lockedBy).toBe('w2');
      expect(await store.countJobs()).toEqual({ pending: 4, running: 4, done: 0, dead: 0 });
    });

    it('a job that is not due yet holds its lane; other lanes flow', async () => {
      const { store } = get();
      const later = await store.enqueue(job('A', 'later', { runAt: Date.now() + 60_000 }));
      await store.enqueue(job('A', 'after-later'));
      const b = await store.enqueue(job('B', 'b'));
      expect(ids(await store.claimJobs('w1', 10, LEASE))).toEqual([b.job.id]);
      expect(later.job.nextAttemptAt).toBeGreaterThan(Date.now());
    });

    it('an expired lease makes the job claimable again (the worker died)', async () => {
      const { store } = get();
      const { job: j } = await store.enqueue(job('A', 'a'));
      expect(ids(await store.claimJobs('dead-worker', 5, SHORT_LEASE))).toEqual([j.id]);
      expect(await store.claimJobs('w2', 5, LEASE)).toEqual([]);
      await sleep(SHORT_LEASE + 50);
      const again = await store.claimJobs('w2', 5, LEASE);
      expect(ids(again)).toEqual([j.id]);
      expect(again[0]).toMatchObject({ lockedBy: 'w2', attempts: 0, state: 'running' });
    });

    it('failJob schedules a retry with attempts+1, and null makes the job dead', async () => {
      const { store } = get();
      const { job: j } = await store.enqueue(job('A', 'a'));
      await store.claimJobs('w1', 1, LEASE);
      const retryAt = Date.now() + 60_000;
      await store.failJob(j.id, 'w1', 'HTTP 503', retryAt);
      expect(await store.getJob(j.id)).toMatchObject({
        state: 'pending',
        attempts: 1,
        lastError: 'HTTP 503',
        nextAttemptAt: retryAt,
        lockedBy: null,
        lockedUntil: null,
      });
      expect(await store.claimJobs('w1', 1, LEASE)).toEqual([]);
      await store.failJob(j.id, 'w1', 'not running', null);
      expect((await store.getJob(j.id))!.state).toBe('pending');
      await store.failJob(j.id, 'w1', 'x', Date.now() - 1);
      expect(await store.getJob(j.id)).toMatchObject({ state: 'pending', attempts: 1 });
      await store.retryJob(j.id);
      await store.claimJobs('w1', 1, LEASE);
      await store.failJob(j.id, 'w1', 'HTTP 400: bad request', null);
      expect(await store.getJob(j.id)).toMatchObject({ state: 'dead', attempts: 1, lastError: 'HTTP 400: bad request' });
    });

    it('failJob with countAttempt false postpones without spending an attempt', async () => {
      const { store } = get();
      const { job: j } = await store.enqueue(job('A', 'a'));
      await store.claimJobs('w1', 1, LEASE);
      const runAt = Date.now() + 60_000;
      await store.failJob(j.id, 'w1', 'waiting for the root', runAt, { countAttempt: false });
      expect(await store.getJob(j.id)).toMatchObject({
        state: 'pending',
        attempts: 0,
        nextAttemptAt: runAt,
        lastError: 'waiting for the root',
        lockedBy: null,
      });
      expect(await store.claimJobs('w1', 1, LEASE)).toEqual([]);
    });

    it('a dead job does not block its lane; retryJob revives it', async () => {
      const { store } = get();
      const first = (await store.enqueue(job('A', 'a1'))).job;
      const second = (await store.enqueue(job('A', 'a2'))).job;
      await store.claimJobs('w1', 5, LEASE);
      await store.failJob(first.id, 'w1', 'gave up', null);
      expect(ids(await store.claimJobs('w1', 5, LEASE))).toEqual([second.id]);
      await store.completeJob(second.id, 'w1');
      expect(await store.retryJob(first.id)).toBe(true);
      expect(await store.getJob(first.id)).toMatchObject({ state: 'pending', attempts: 0, lockedBy: null });
      expect(ids(await store.claimJobs('w1', 5, LEASE))).toEqual([first.id]);
      expect(await store.retryJob(first.id)).toBe(false);
      expect(await store.retryJob(second.id)).toBe(false);
      expect(await store.retryJob(999_999)).toBe(false);
    });

    it('a revived older job waits while a newer job of its lane runs', async () => {
      const { store } = get();
      const old = (await store.enqueue(job('A', 'old'))).job;
      const newer = (await store.enqueue(job('A', 'newer'))).job;
      const newest = (await store.enqueue(job('A', 'newest'))).job;
      await store.claimJobs('w1', 5, LEASE);
      await store.failJob(old.id, 'w1', 'boom', null);
      expect(ids(await store.claimJobs('w1', 5, LEASE))).toEqual([newer.id]);
      await store.retryJob(old.id);
      expect(await store.claimJobs('w2', 5, LEASE)).toEqual([]);
      await store.completeJob(newer.id, 'w1');
      expect(ids(await store.claimJobs('w2', 5, LEASE))).toEqual([old.id]);
      await store.completeJob(old.id, 'w2');
      expect(ids(await store.claimJobs('w2', 5, LEASE))).toEqual([newest.id]);
    });

    it('retryJob makes a pending job in backoff due now', async () => {
      const { store } = get();
      const j = (await store.enqueue(job('A', 'a'))).job;
      await store.claimJobs('w1', 1, LEASE);
      await store.failJob(j.id, 'w1', 'slow down', Date.now() + 3_600_000);
      expect(await store.retryJob(j.id)).toBe(true);
      expect((await store.getJob(j.id))!.nextAttemptAt).toBeLessThanOrEqual(Date.now());
      expect(ids(await store.claimJobs('w1', 1, LEASE))).toEqual([j.id]);
    });

    it('completing a job that is not running changes nothing', async () => {
      const { store } = get();
      const j = (await store.enqueue(job('A', 'a'))).job;
      await store.completeJob(j.id, 'w1');
      expect((await store.getJob(j.id))!.state).toBe('pending');
      await store.claimJobs('w1', 1, LEASE);
      await store.failJob(j.id, 'w1', 'dead', null);
      await store.completeJob(j.id, 'w1');
      expect((await store.getJob(j.id))!.state).toBe('dead');
      await expect(store.completeJob(424_242, 'w1')).resolves.toBeUndefined();
    });

    it('drops jobs, lists with filters and counts by state', async () => {
      const { store } = get();
      const a = (await store.enqueue(job('A', 'a'))).job;
      const b = (await store.enqueue(job('B', 'b'))).job;
      const c = (await store.enqueue(job('B', 'c'))).job;
      await store.claimJobs('w1', 1, LEASE);
      expect(await store.dropJob(b.id)).toBe(true);
      expect(await store.dropJob(b.id)).toBe(false);
      expect(await store.getJob(b.id)).toBeUndefined();
      expect(ids(await store.listJobs())).toEqual([a.id, c.id]);
      expect(ids(await store.listJobs({ state: 'running' }))).toEqual([a.id]);
      expect(ids(await store.listJobs({ lane: 'B' }))).toEqual([c.id]);
      expect(ids(await store.listJobs({ limit: 1 }))).toEqual([a.id]);
      expect(await store.countJobs()).toEqual({ pending: 1, running: 1, done: 0, dead: 0 });
      await expect(store.listJobs({ state: 'lost' as never })).rejects.toThrow(/state/);
    });

    it('purges old done jobs, after which their keys can be enqueued again', async () => {
      const { store } = get();
      const a = (await store.enqueue(job('A', 'a'))).job;
      const b = (await store.enqueue(job('B', 'b'))).job;
      await store.claimJobs('w1', 5, LEASE);
      await store.completeJob(a.id, 'w1');
      expect(await store.purgeDoneJobs(60_000)).toBe(0);
      await sleep(5);
      expect(await store.purgeDoneJobs(0)).toBe(1);
      expect(await store.getJob(a.id)).toBeUndefined();
      expect((await store.getJob(b.id))!.state).toBe('running');
      const again = await store.enqueue(job('A', 'a'));
      expect(again.created).toBe(true);
      expect(again.job.id).toBeGreaterThan(b.id);
    });

    it('rejects bad queue input with a clear message', async () => {
      const { store } = get();
      await expect(store.enqueue(job('', 'k'))).rejects.toThrow(/lane/);
      await expect(store.enqueue(job('A', ''))).rejects.toThrow(/idempotencyKey/);
      await expect(store.enqueue(job('A', 'k', { runAt: Number.NaN }))).rejects.toThrow(/runAt/);
      await expect(store.claimJobs('w', 0, LEASE)).rejects.toThrow(/limit/);
      await expect(store.claimJobs('w', 1, 0)).rejects.toThrow(/leaseMs/);
      await expect(store.claimJobs('', 1, LEASE)).rejects.toThrow(/worker/);
      expect(await store.listJobs()).toEqual([]);
    });

    it('two Stores claiming concurrently never share a job or run two jobs of a lane', async () => {
      const { store, fx } = get();
      const other = fx.reopen ? await fx.reopen() : store;
      const LANES = 8;
      const PER_LANE = 12;
      for (let i = 0; i < PER_LANE; i++) {
        for (let l = 0; l < LANES; l++) await store.enqueue(job(`lane-${l}`, `j-${l}-${i}`, { payload: { l, i } }));
      }
      const inFlight = new Map<string, number>();
      const claimedOrder = new Map<string, number[]>();
      const seen = new Set<number>();
      const violations: string[] = [];
      const worker = async (s: Store, name: string) => {
        let idle = 0;
        while (idle < 3) {
          const claimed = await s.claimJobs(name, 3, LEASE);
          idle = claimed.length === 0 ? idle + 1 : 0;
          for (const j of claimed) {
            if (seen.has(j.id)) violations.push(`job ${j.id} claimed twice`);
            seen.add(j.id);
            const running = inFlight.get(j.lane);
            if (running !== undefined) violations.push(`${j.lane}: ${j.id} claimed while ${running} runs`);
            inFlight.set(j.lane, j.id);
            claimedOrder.set(j.lane, [...(claimedOrder.get(j.lane) ?? []), j.id]);
          }
          await sleep(0);
          for (const j of claimed) {
            // The lane is released just before completeJob is sent: a claim of its next
            // job before this point is a violation; after it, the store may already have
            // committed the completion, so that claim is legitimate.
            inFlight.delete(j.lane);
            await s.completeJob(j.id, name);
          }
        }
      };
      await Promise.all([worker(store, 'w1'), worker(other, 'w2'), worker(store, 'w3'), worker(other, 'w4')]);
      expect(violations).toEqual([]);
      expect(seen.size).toBe(LANES * PER_LANE);
      for (const [, order] of claimedOrder) expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(await store.countJobs()).toEqual({ pending: 0, running: 0, done: LANES * PER_LANE, dead: 0 });
    });
  });
}
