import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewJob } from '../../src/store/types.ts';
import { makeTestStore, TEST_DATABASE_URL, type TestStore } from '../helpers/store.ts';

/**
 * `claimJobs(…, lanes)`: the worker's claim for lanes it knows just became runnable. It must
 * follow exactly the rules of the full claim (head only, due, no live lease in the lane),
 * and look at the named lanes and nothing else.
 */

const job = (lane: string, key: string, extra: Partial<NewJob> = {}): NewJob => ({ lane, kind: 'relay', payload: { key }, idempotencyKey: key, ...extra });
const LEASE = 60_000;

function claimByLaneContract(name: string, make: () => Promise<TestStore>) {
  describe(`claimJobs with lanes: ${name}`, () => {
    let fx: TestStore;
    beforeEach(async () => {
      fx = await make();
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    it('takes the head of each named lane only, oldest first', async () => {
      const { store } = fx;
      const a1 = (await store.enqueue(job('A', 'a1'))).job;
      await store.enqueue(job('A', 'a2'));
      const b1 = (await store.enqueue(job('B', 'b1'))).job;
      await store.enqueue(job('C', 'c1'));
      const got = await store.claimJobs('w', 10, LEASE, ['B', 'A', 'nobody']);
      expect(got.map((j) => j.id)).toEqual([a1.id, b1.id]);
      expect(got.every((j) => j.state === 'running' && j.lockedBy === 'w')).toBe(true);
      expect((await store.listJobs({ lane: 'C' }))[0]!.state).toBe('pending');
    });

    it('respects the limit, a running head, and a head not yet due', async () => {
      const { store } = fx;
      await store.enqueue(job('A', 'a1'));
      await store.enqueue(job('B', 'b1'));
      await store.enqueue(job('D', 'd1', { runAt: Date.now() + 60_000 }));
      expect(await store.claimJobs('w', 1, LEASE, ['A', 'B', 'D'])).toHaveLength(1);
      // A is running now: its lane yields nothing more; B is free; D is not due.
      const rest = await store.claimJobs('w', 10, LEASE, ['A', 'B', 'D']);
      expect(rest.map((j) => j.lane)).toEqual(['B']);
      expect(await store.claimJobs('w', 10, LEASE, ['A', 'B', 'D'])).toEqual([]);
    });

    it('after the head completes, the lane yields its next job', async () => {
      const { store } = fx;
      const a1 = (await store.enqueue(job('A', 'a1'))).job;
      const a2 = (await store.enqueue(job('A', 'a2'))).job;
      expect((await store.claimJobs('w', 5, LEASE, ['A'])).map((j) => j.id)).toEqual([a1.id]);
      expect(await store.claimJobs('w', 5, LEASE, ['A'])).toEqual([]);
      await store.completeJob(a1.id, 'w');
      expect((await store.claimJobs('w', 5, LEASE, ['A'])).map((j) => j.id)).toEqual([a2.id]);
    });

    it('an empty list claims nothing; a bad lane name is refused', async () => {
      const { store } = fx;
      await store.enqueue(job('A', 'a1'));
      expect(await store.claimJobs('w', 5, LEASE, [])).toEqual([]);
      await expect(store.claimJobs('w', 5, LEASE, [''])).rejects.toThrow(/lanes\[0\]/);
      expect((await store.countJobs()).pending).toBe(1);
    });
  });
}

claimByLaneContract('SQLite :memory:', () => makeTestStore('sqlite'));
claimByLaneContract('SQLite file (WAL)', () => makeTestStore('sqlite', { file: true }));
if (TEST_DATABASE_URL) claimByLaneContract('PostgreSQL (random schema)', () => makeTestStore('postgres'));
else describe.skip('claimJobs with lanes: PostgreSQL skipped because TEST_DATABASE_URL is unset', () => it('needs TEST_DATABASE_URL', () => {}));
