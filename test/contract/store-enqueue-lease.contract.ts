import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { LANE_LOCK_CLASS } from '../../src/store/claim.ts';
import type { NewJob, Store } from '../../src/store/types.ts';
import { TEST_DATABASE_URL } from '../helpers/store.ts';
import type { StoreFixture } from './store.contract.ts';

/**
 * Enqueue with `lease` (the inbox's fast path): part of the Store contract, run on every
 * engine from describeStoreContract. A leased enqueue must be exactly an enqueue followed
 * by a claim that took it, and nothing else.
 */

const LEASE = 60_000;
const SHORT_LEASE = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const job = (lane: string, key: string, extra: Partial<NewJob> = {}): NewJob => ({ lane, kind: 'relay', payload: { key }, idempotencyKey: key, ...extra });
const leased = (lane: string, key: string, worker = 'w1', leaseMs = LEASE, extra: Partial<NewJob> = {}) =>
  job(lane, key, { lease: { worker, leaseMs }, ...extra });

export function describeEnqueueLeaseContract(get: () => { store: Store; fx: StoreFixture }): void {
  describe('enqueue with a lease', () => {
    it('into an idle lane: recorded running, leased to the worker, and not claimable by others', async () => {
      const { store } = get();
      const before = Date.now();
      const { job: j, created } = await store.enqueue(leased('A', 'a1'));
      expect(created).toBe(true);
      expect(j).toMatchObject({ state: 'running', lockedBy: 'w1', attempts: 0 });
      expect(j.lockedUntil).toBeGreaterThanOrEqual(before + LEASE);
      expect(j.lockedUntil).toBeLessThanOrEqual(Date.now() + LEASE);
      expect(await store.claimJobs('w2', 5, LEASE)).toEqual([]);
      expect(await store.countJobs()).toMatchObject({ pending: 0, running: 1 });
      await store.completeJob(j.id, 'w1');
      expect((await store.getJob(j.id))?.state).toBe('done');
    });

    it('behind an unfinished job of its lane (pending or running): recorded pending, and runs in order', async () => {
      const { store } = get();
      const first = (await store.enqueue(job('A', 'a1'))).job;
      const second = (await store.enqueue(leased('A', 'a2'))).job;
      expect(second).toMatchObject({ state: 'pending', lockedBy: null, lockedUntil: null });
      const [claimed] = await store.claimJobs('w2', 5, LEASE);
      expect(claimed?.id).toBe(first.id);
      const third = (await store.enqueue(leased('A', 'a3'))).job;
      expect(third.state).toBe('pending');
      await store.completeJob(first.id, 'w2');
      expect((await store.claimJobs('w2', 5, LEASE)).map((x) => x.id)).toEqual([second.id]);
    });

    it('a dead or done job does not hold the lane', async () => {
      const { store } = get();
      const a = (await store.enqueue(job('A', 'a1'))).job;
      await store.claimJobs('w', 5, LEASE);
      await store.failJob(a.id, 'w', 'boom', null);
      const b = (await store.enqueue(leased('A', 'a2'))).job;
      expect(b.state).toBe('running');
      await store.completeJob(b.id, 'w1');
      expect((await store.enqueue(leased('A', 'a3'))).job.state).toBe('running');
    });

    it('in one batch, only the first job of a lane is leased; other lanes each get theirs', async () => {
      const { store } = get();
      const results = await Promise.all([leased('A', 'a1'), leased('A', 'a2'), leased('B', 'b1'), job('C', 'c1'), leased('C', 'c2')].map((j) => store.enqueue(j)));
      expect(results.map((r) => r.job.state)).toEqual(['running', 'pending', 'running', 'pending', 'pending']);
      const ids = results.map((r) => r.job.id);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    });

    it('a job due later is recorded pending', async () => {
      const { store } = get();
      const { job: j } = await store.enqueue(leased('A', 'a1', 'w1', LEASE, { runAt: Date.now() + 60_000 }));
      expect(j.state).toBe('pending');
    });

    it('a repeated key returns the first job untouched, leased or not', async () => {
      const { store } = get();
      const first = await store.enqueue(job('A', 'k'));
      const again = await store.enqueue(leased('B', 'k'));
      expect(again.created).toBe(false);
      expect(again.job).toEqual(first.job);
      const running = await store.enqueue(leased('C', 'k2'));
      const repeat = await store.enqueue(leased('C', 'k2', 'w2'));
      expect(repeat).toEqual({ job: running.job, created: false });
    });

    it('an expired lease makes a leased job claimable again (its process died)', async () => {
      const { store } = get();
      const { job: j } = await store.enqueue(leased('A', 'a1', 'dead-worker', SHORT_LEASE));
      expect(await store.claimJobs('w2', 5, LEASE)).toEqual([]);
      await sleep(SHORT_LEASE + 50);
      expect((await store.claimJobs('w2', 5, LEASE)).map((x) => x.id)).toEqual([j.id]);
    });

    it('rejects a malformed lease with a clear message', async () => {
      const { store } = get();
      await expect(store.enqueue(leased('A', 'a', ''))).rejects.toThrow(/lease\.worker/);
      await expect(store.enqueue(leased('A', 'b', 'w', 0))).rejects.toThrow(/lease\.leaseMs/);
    });

    it('two Stores leasing and claiming one set of lanes at once never run two jobs of a lane', async () => {
      const { store, fx } = get();
      const other = fx.reopen ? await fx.reopen() : store;
      const LANES = 6;
      const PER_LANE = 10;
      const running = new Map<string, number>();
      const violations: string[] = [];
      const done: number[] = [];
      const start = (j: { id: number; lane: string }) => {
        const r = running.get(j.lane);
        if (r !== undefined && r !== j.id) violations.push(`${j.lane}: ${j.id} started while ${r} runs`);
        running.set(j.lane, j.id);
      };
      const finish = async (s: Store, j: { id: number; lane: string; lockedBy: string | null }) => {
        await sleep(1);
        running.delete(j.lane);
        done.push(j.id);
        await s.completeJob(j.id, j.lockedBy!);
      };
      const producer = async (s: Store, name: string, from: number) => {
        for (let i = from; i < PER_LANE; i += 2) {
          for (let l = 0; l < LANES; l++) {
            const { job: j } = await s.enqueue(leased(`lane-${l}`, `j-${l}-${i}`, name));
            if (j.state === 'running' && j.lockedBy === name) {
              start(j);
              void finish(s, j);
            }
          }
        }
      };
      const claimer = async (s: Store, name: string) => {
        for (let idle = 0; idle < 20; ) {
          const claimed = await s.claimJobs(name, 4, LEASE);
          idle = claimed.length ? 0 : idle + 1;
          claimed.forEach(start);
          await Promise.all(claimed.map((j) => finish(s, j)));
          await sleep(2);
        }
      };
      await Promise.all([producer(store, 'p1', 0), producer(other, 'p2', 1), claimer(store, 'c1'), claimer(other, 'c2')]);
      await sleep(50);
      expect(violations).toEqual([]);
      expect(new Set(done).size).toBe(LANES * PER_LANE);
      expect(await store.countJobs()).toMatchObject({ pending: 0, running: 0, done: LANES * PER_LANE });
    });

    it.skipIf(!TEST_DATABASE_URL)('PostgreSQL: a lane whose lock another process holds is not leased', async (t) => {
      const { store } = get();
      if (store.engine !== 'postgres') return t.skip();
      // Advisory locks are database-wide: a lane name no other test uses.
      const lane = `locked-${randomBytes(6).toString('hex')}`;
      const holder = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await holder.connect();
      try {
        await holder.query('select pg_advisory_lock($1, hashtext($2))', [LANE_LOCK_CLASS, lane]);
        expect((await store.enqueue(leased(lane, `${lane}-1`))).job.state).toBe('pending');
        await holder.query('select pg_advisory_unlock($1, hashtext($2))', [LANE_LOCK_CLASS, lane]);
        const other = `${lane}-free`;
        expect((await store.enqueue(leased(other, `${other}-1`))).job.state).toBe('running');
      } finally {
        await holder.end();
      }
    });
  });
}
