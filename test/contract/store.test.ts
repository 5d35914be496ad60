import { describe } from 'vitest';
import { makeTestStore, TEST_DATABASE_URL } from '../helpers/store.ts';
import { describeStoreContract } from './store.contract.ts';

describeStoreContract('SQLite :memory:', () => makeTestStore('sqlite'));
describeStoreContract('SQLite file (WAL)', () => makeTestStore('sqlite', { file: true }));

if (TEST_DATABASE_URL) {
  describeStoreContract('PostgreSQL (random schema)', () => makeTestStore('postgres'));
} else {
  describe.skip('Store contract: PostgreSQL skipped because TEST_DATABASE_URL is unset', () => {
    describeStoreContract('PostgreSQL', () => makeTestStore('postgres'));
  });
}
