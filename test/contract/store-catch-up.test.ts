import { describe } from 'vitest';
import { makeTestStore, TEST_DATABASE_URL } from '../helpers/store.ts';
import { describeCatchUpPlacesContract } from './store-catch-up.contract.ts';

describeCatchUpPlacesContract('SQLite :memory:', () => makeTestStore('sqlite'));
if (TEST_DATABASE_URL) describeCatchUpPlacesContract('PostgreSQL (random schema)', () => makeTestStore('postgres'));
else describe.skip('Store.catchUpPlaces: PostgreSQL skipped because TEST_DATABASE_URL is unset', () => describeCatchUpPlacesContract('PostgreSQL', () => makeTestStore('postgres')));
