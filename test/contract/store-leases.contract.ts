import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.ts';
import type { MakeStore, StoreFixture } from './store.contract.ts';
import { sleep } from '../helpers/eventually.ts';

/**
 * Named leases (leader election), run against every engine from store.test.ts. `reopen`
 * stands in for a second replica on the same database where the fixture has one.
 */
export function describeLeaseContract(name: string, makeStore: MakeStore): void {
  describe(`Store leases: ${name}`, () => {
    let fx: StoreFixture;
    let store: Store;
    beforeEach(async () => {
      fx = await makeStore();
      store = fx.store;
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    it('takes a free lease, renews its own, refuses another holder while live', async () => {
      expect(await store.leaseHolder('scheduler')).toBeUndefined();
      expect(await store.acquireLease('scheduler', 'a', 60_000)).toBe(true);
      const first = (await store.leaseHolder('scheduler'))!;
      expect(first.holder).toBe('a');
      expect(first.expiresAt - first.acquiredAt).toBe(60_000);
      expect(await store.acquireLease('scheduler', 'b', 60_000)).toBe(false);
      await sleep(5);
      expect(await store.acquireLease('scheduler', 'a', 60_000)).toBe(true);
      const renewed = (await store.leaseHolder('scheduler'))!;
      expect(renewed.holder).toBe('a');
      expect(renewed.acquiredAt).toBe(first.acquiredAt); // a renewal is not a new tenure
      expect(renewed.expiresAt).toBeGreaterThan(first.expiresAt);
      // Leases are independent by name.
      expect(await store.acquireLease('discord-gateway:0', 'b', 60_000)).toBe(true);
      expect((await store.leaseHolder('discord-gateway:0'))!.holder).toBe('b');
    });

    it('hands an expired lease to the next asker, with a new tenure', async () => {
      expect(await store.acquireLease('l', 'a', 50)).toBe(true);
      const a = (await store.leaseHolder('l'))!;
      await sleep(80);
      expect(await store.leaseHolder('l')).toBeUndefined();
      expect(await store.acquireLease('l', 'b', 60_000)).toBe(true);
      const b = (await store.leaseHolder('l'))!;
      expect(b.holder).toBe('b');
      expect(b.acquiredAt).toBeGreaterThan(a.acquiredAt);
      expect(await store.acquireLease('l', 'a', 60_000)).toBe(false);
    });

    it('releases only its own lease; a released lease is free at once', async () => {
      await store.acquireLease('l', 'a', 60_000);
      expect(await store.releaseLease('l', 'b')).toBe(false);
      expect((await store.leaseHolder('l'))!.holder).toBe('a');
      expect(await store.releaseLease('l', 'a')).toBe(true);
      expect(await store.leaseHolder('l')).toBeUndefined();
      expect(await store.releaseLease('l', 'a')).toBe(false);
      expect(await store.acquireLease('l', 'b', 60_000)).toBe(true);
    });

    it('refuses bad input with a clear error', async () => {
      await expect(store.acquireLease('', 'a', 1000)).rejects.toThrow(/lease name: expected a non-empty string/);
      await expect(store.acquireLease('l', '', 1000)).rejects.toThrow(/holder: expected a non-empty string/);
      await expect(store.acquireLease('l', 'a', 0)).rejects.toThrow(/ttlMs: expected an integer ≥ 1/);
      await expect(store.acquireLease('l', 'a', 1.5)).rejects.toThrow(/ttlMs/);
    });

    it('of many replicas asking at once for a free or expired lease, exactly one wins', async (t) => {
      if (!fx.reopen) return t.skip();
      const replicas = [store, ...(await Promise.all([fx.reopen(), fx.reopen(), fx.reopen()]))];
      for (let round = 0; round < 5; round++) {
        const name = `race-${round}`;
        if (round % 2) {
          await store.acquireLease(name, 'old', 30);
          await sleep(50);
        }
        const wins = await Promise.all(replicas.flatMap((r, i) => [r.acquireLease(name, `r${i}`, 60_000), r.acquireLease(name, `r${i}b`, 60_000)]));
        expect(wins.filter(Boolean)).toHaveLength(1);
        const holder = (await store.leaseHolder(name))!.holder;
        const winner = replicas.flatMap((_, i) => [`r${i}`, `r${i}b`])[wins.indexOf(true)];
        expect(holder).toBe(winner);
      }
    });
  });
}
