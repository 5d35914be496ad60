import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreTarget } from '../../src/config.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';

/**
 * Test stores, isolated so test files can run in parallel:
 * - SQLite `:memory:` (default) or a file in a fresh temp directory (`file: true`);
 * - PostgreSQL from TEST_DATABASE_URL in a random schema, dropped by `cleanup`.
 * `reopen()` opens another Store on the same database (a restart, or a second process);
 * `cleanup` closes every store it handed out. Not available for `:memory:`.
 */

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

export interface TestStore {
  store: Store;
  target: StoreTarget;
  /** The PostgreSQL schema the store lives in. */
  schema?: string;
  reopen?: () => Promise<Store>;
  cleanup(): Promise<void>;
}

export async function makeTestStore(engine: 'sqlite' | 'postgres' = 'sqlite', opts: { file?: boolean } = {}): Promise<TestStore> {
  const opened: Store[] = [];
  const open = async (target: StoreTarget, schema?: string) => {
    const store = await openStore(target, { schema });
    opened.push(store);
    return store;
  };
  const closeAll = () => Promise.all(opened.map((s) => s.close()));

  if (engine === 'sqlite') {
    if (!opts.file) {
      const target: StoreTarget = { engine: 'sqlite', path: ':memory:' };
      return { store: await open(target), target, cleanup: async () => void (await closeAll()) };
    }
    const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-store-'));
    const target: StoreTarget = { engine: 'sqlite', path: join(dir, 'nested', 'bridge.db') };
    return {
      store: await open(target),
      target,
      reopen: () => open(target),
      cleanup: async () => {
        await closeAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  if (!TEST_DATABASE_URL) throw new Error('makeTestStore("postgres"): TEST_DATABASE_URL is unset');
  const url = TEST_DATABASE_URL;
  const schema = `test_store_${randomBytes(6).toString('hex')}`;
  const target: StoreTarget = { engine: 'postgres', url };
  return {
    store: await open(target, schema),
    target,
    schema,
    reopen: () => open(target, schema),
    cleanup: async () => {
      await closeAll();
      await dropSchema(url, schema);
    },
  };
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
