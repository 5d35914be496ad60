import { describe, expect, it } from 'vitest';
import { makeTestStore, TEST_DATABASE_URL } from '../helpers/store.ts';
import { describeStoreContract } from './store.contract.ts';
import { describeLeaseContract } from './store-leases.contract.ts';

describeStoreContract('SQLite :memory:', () => makeTestStore('sqlite'));
describeStoreContract('SQLite file (WAL)', () => makeTestStore('sqlite', { file: true }));
describeLeaseContract('SQLite :memory:', () => makeTestStore('sqlite'));
describeLeaseContract('SQLite file (WAL)', () => makeTestStore('sqlite', { file: true }));

if (TEST_DATABASE_URL) {
  describeStoreContract('PostgreSQL (random schema)', () => makeTestStore('postgres'));
  describeLeaseContract('PostgreSQL (random schema)', () => makeTestStore('postgres'));
} else {
  describe.skip('Store contract: PostgreSQL skipped because TEST_DATABASE_URL is unset', () => {
    describeStoreContract('PostgreSQL', () => makeTestStore('postgres'));
    describeLeaseContract('PostgreSQL', () => makeTestStore('postgres'));
  });
}

describe.skipIf(!TEST_DATABASE_URL)('Store on PostgreSQL: start-up', () => {
  it('two processes opening a fresh schema at once both migrate and work', async () => {
    const fx = await makeTestStore('postgres');
    try {
      const [a, b] = await Promise.all([fx.reopen!(), fx.reopen!()]);
      await a.setState('k', 'from a');
      expect(await b.getState('k')).toBe('from a');
      await expect(fx.store.migrate()).resolves.toBeUndefined();
    } finally {
      await fx.cleanup();
    }
  });
});
