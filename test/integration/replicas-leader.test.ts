/**
 * The leader (src/bridge/leader.ts) over a real store: two "replicas" (two Store handles on
 * one SQLite file, which share leases exactly as PostgreSQL replicas do, and on PostgreSQL
 * when TEST_DATABASE_URL is set), short TTLs so the test takes seconds.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createLeader, createSoleLeader, type Leader, type LostReason } from '../../src/bridge/leader.ts';
import type { Store } from '../../src/store/types.ts';
import { eventually, sleep } from '../helpers/eventually.ts';
import { makeTestStore, TEST_DATABASE_URL, type TestStore } from '../helpers/store.ts';

const TTL = 600;
const RENEW = 150;

interface Replica {
  leader: Leader;
  events: string[];
  running: () => boolean;
}

function replica(store: Store, holder: string, opts: { failStart?: () => boolean } = {}): Replica {
  const events: string[] = [];
  let running = false;
  const leader = createLeader({
    leases: store,
    name: 'scheduler',
    holder,
    ttlMs: TTL,
    renewMs: RENEW,
    onAcquired() {
      if (opts.failStart?.()) {
        events.push('start failed');
        throw new Error('duty could not start');
      }
      running = true;
      events.push('acquired');
    },
    onLost(reason: LostReason) {
      running = false;
      events.push(`lost: ${reason}`);
    },
  });
  return { leader, events, running: () => running };
}

const engines = [
  { name: 'SQLite file', make: () => makeTestStore('sqlite', { file: true }), skip: false },
  { name: 'PostgreSQL', make: () => makeTestStore('postgres'), skip: !TEST_DATABASE_URL },
];

for (const engine of engines) {
  describe.skipIf(engine.skip)(`leader election: ${engine.name}`, () => {
    let fx: TestStore | undefined;
    const leaders: Leader[] = [];
    afterEach(async () => {
      await Promise.all(leaders.splice(0).map((l) => l.stop()));
      await fx?.cleanup();
    });

    async function two(): Promise<[Replica, Replica, Store, Store]> {
      fx = await engine.make();
      const storeB = await fx.reopen!();
      const a = replica(fx.store, 'a');
      const b = replica(storeB, 'b');
      leaders.push(a.leader, b.leader);
      await a.leader.start();
      await b.leader.start();
      return [a, b, fx.store, storeB];
    }

    it('one replica leads; a clean stop hands over within one renewal period', async () => {
      const [a, b, store] = await two();
      expect([a.running(), b.running()]).toEqual([true, false]);
      expect((await store.leaseHolder('scheduler'))?.holder).toBe('a');
      // Several renewals later nothing changed hands.
      await sleep(RENEW * 4);
      expect(a.events).toEqual(['acquired']);
      expect(b.events).toEqual([]);
      const stoppedAt = Date.now();
      await a.leader.stop();
      expect(a.events).toEqual(['acquired', 'lost: stopping']);
      await eventually(() => expect(b.running()).toBe(true), 5_000);
      // Released, not expired: b only had to wait for its next attempt.
      expect(Date.now() - stoppedAt).toBeLessThan(TTL);
      expect(a.leader.isLeader()).toBe(false);
    });

    it('a holder whose store stops answering stops its duties at once; the other takes over after the TTL', async () => {
      const [a, b, storeA] = await two();
      await storeA.close(); // every later query of a's store fails
      await eventually(() => expect(a.events).toEqual(['acquired', 'lost: store error']), 2_000);
      expect(a.running()).toBe(false);
      await eventually(() => expect(b.running()).toBe(true), TTL + RENEW * 4);
    });

    it('a holder that finds another holder on its lease stops its duties', async () => {
      const [a, , storeA, storeB] = await two();
      // As if a's lease had lapsed (a frozen process) and another replica took it.
      await storeA.releaseLease('scheduler', 'a');
      expect(await storeB.acquireLease('scheduler', 'intruder', 60_000)).toBe(true);
      await eventually(() => expect(a.events).toEqual(['acquired', 'lost: another holder']), 2_000);
    });

    // PostgreSQL only: there another session can hold the lease row while the renewal waits.
    if (engine.name === 'PostgreSQL')
      it('a renewal the store does not answer in time stops the duties; a later one restarts them', async () => {
        fx = await engine.make();
        const a = replica(fx.store, 'a');
        leaders.push(a.leader);
        await a.leader.start();
        // Another session locks the lease row: a's renewal (an upsert of that row) waits on it.
        const blocker = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await blocker.connect();
        try {
          await blocker.query(`set search_path to "${fx.schema}"`);
          await blocker.query('begin');
          await blocker.query(`select * from leases where name = 'scheduler' for update`);
          await eventually(() => expect(a.events).toEqual(['acquired', 'lost: store timeout']), RENEW * 6);
          await blocker.query('commit');
        } finally {
          await blocker.end();
        }
        await eventually(() => expect(a.events).toEqual(['acquired', 'lost: store timeout', 'acquired']), RENEW * 6);
      });

    it('a duty that fails to start gives the lease back, and a later attempt starts it', async () => {
      fx = await engine.make();
      let failures = 1;
      const a = replica(fx.store, 'a', { failStart: () => failures-- > 0 });
      leaders.push(a.leader);
      await a.leader.start();
      expect(a.events).toEqual(['start failed', 'lost: duty failed to start']);
      expect(await fx.store.leaseHolder('scheduler')).toBeUndefined();
      await eventually(() => expect(a.running()).toBe(true), 2_000);
    });
  });
}

describe('leader on a store only one process uses', () => {
  it('runs the duties from start to stop, taking no lease', async () => {
    const events: string[] = [];
    const sole = createSoleLeader({ name: 'scheduler', onAcquired: () => void events.push('acquired'), onLost: (r) => void events.push(`lost: ${r}`) });
    await sole.start();
    expect(sole.isLeader()).toBe(true);
    await sole.stop();
    expect(events).toEqual(['acquired', 'lost: stopping']);
  });

  it('refuses a renewal period that does not fit in the TTL', () => {
    expect(() => createLeader({ leases: undefined as never, name: 'x', holder: 'h', ttlMs: 100, renewMs: 100, onAcquired() {}, onLost() {} })).toThrow(
      /renewMs \(100\) must be > 0 and below ttlMs \(100\)/,
    );
  });
});
