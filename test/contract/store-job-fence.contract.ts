import { describe, expect, it } from 'vitest';
import type { NewJob, Store } from '../../src/store/types.ts';
import type { StoreFixture } from './store.contract.ts';

/** Job leases that hold: renewal, fenced completion and failure, hand-back at start. */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const job = (lane: string, key: string, extra: Partial<NewJob> = {}): NewJob => ({ lane, kind: 'relay', payload: { key }, idempotencyKey: key, ...extra });
const LEASE = 60_000;
const SHORT_LEASE = 300;
export function describeJobFenceContract(get: () => { store: Store; fx: StoreFixture }): void {
  describe('job leases: renewal and fencing', () => {
    it('a renewed lease outlives its first term; renewing names only the leases still held', async () => {
      const { store } = get();
      const a = (await store.enqueue(job('A', 'a'))).job;
      const b = (await store.enqueue(job('B', 'b'))).job;
      await store.claimJobs('w1', 1, SHORT_LEASE);
      await store.claimJobs('w2', 1, SHORT_LEASE);
      await sleep(SHORT_LEASE / 2);
      expect(await store.renewJobs('w1', [a.id, b.id], SHORT_LEASE)).toEqual([a.id]);
      await sleep(SHORT_LEASE / 2 + 50);
      // a's lease was renewed and stands; b's lapsed, so b is claimable.
      expect((await store.claimJobs('w3', 5, LEASE)).map((j) => j.id)).toEqual([b.id]);
      expect(await store.getJob(a.id)).toMatchObject({ state: 'running', lockedBy: 'w1' });
      expect(await store.renewJobs('w1', [], LEASE)).toEqual([]);
    });

    it('a completion from a holder whose lease was taken over changes nothing', async () => {
      const { store } = get();
      const a = (await store.enqueue(job('A', 'a'))).job;
      await store.claimJobs('slow', 1, SHORT_LEASE);
      await sleep(SHORT_LEASE + 50);
      await store.claimJobs('fast', 1, LEASE);
      await store.completeJob(a.id, 'slow');
      expect(await store.getJob(a.id)).toMatchObject({ state: 'running', lockedBy: 'fast' });
      expect(await store.renewJobs('slow', [a.id], LEASE)).toEqual([]);
      await store.completeJob(a.id, 'fast');
      expect((await store.getJob(a.id))!.state).toBe('done');
      // After the job is done, the old holder still changes nothing.
      await store.failJob(a.id, 'slow', 'late failure', null);
      expect((await store.getJob(a.id))!.state).toBe('done');
    });

    it('a failure from a holder whose lease was taken over changes nothing', async () => {
      const { store } = get();
      const a = (await store.enqueue(job('A', 'a'))).job;
      await store.claimJobs('slow', 1, SHORT_LEASE);
      await sleep(SHORT_LEASE + 50);
      await store.claimJobs('fast', 1, LEASE);
      await store.failJob(a.id, 'slow', 'boom', null);
      expect(await store.getJob(a.id)).toMatchObject({ state: 'running', lockedBy: 'fast', attempts: 0, lastError: null });
      await store.failJob(a.id, 'fast', 'boom', Date.now() + 60_000);
      expect(await store.getJob(a.id)).toMatchObject({ state: 'pending', attempts: 1, lastError: 'boom' });
    });

    it('releaseRunningJobs hands running jobs back, unleased and with no attempt spent', async () => {
      const { store } = get();
      const a = (await store.enqueue(job('A', 'a'))).job;
      const b = (await store.enqueue(job('B', 'b'))).job;
      const c = (await store.enqueue(job('C', 'c'))).job;
      await store.claimJobs('previous-run', 2, LEASE);
      await store.completeJob(a.id, 'previous-run');
      expect(await store.releaseRunningJobs()).toBe(1);
      expect(await store.getJob(b.id)).toMatchObject({ state: 'pending', lockedBy: null, lockedUntil: null, attempts: 0 });
      expect((await store.getJob(a.id))!.state).toBe('done');
      expect((await store.claimJobs('next-run', 5, LEASE)).map((j) => j.id)).toEqual([b.id, c.id]);
    });
  });
}
