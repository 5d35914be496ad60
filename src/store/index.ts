import type { StoreTarget } from '../config.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Store } from './types.ts';
import { ensureSchema, openPostgres, openSqlite } from './engine.ts';
import { SqlStore } from './sql-store.ts';
import type { MigrationReport } from './migrations/index.ts';

export type { Store } from './types.ts';
export type { MigrationReport } from './migrations/index.ts';
export { StoreInputError } from './context.ts';

export interface OpenStoreOptions {
  logger?: Logger;
  /** PostgreSQL only: the schema to live in (created if missing; set as search_path on
   * every pooled connection). Default: the server's search_path, i.e. public. */
  schema?: string;
  /** Run pending migrations on open (default true). The `migrate` CLI opens without. */
  migrate?: boolean;
}

/** Opens the store at `target` and brings its schema up to date (idempotent). */
export async function openStore(target: StoreTarget, opts: OpenStoreOptions = {}): Promise<Store> {
  const store = await openSqlStore(target, opts);
  if (opts.migrate !== false) {
    try {
      const report = await store.migrateWithReport();
      if (report.applied.length > 0) {
        (opts.logger ?? silentLogger).info({ applied: report.applied }, 'store: migrations applied');
      }
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  return store;
}

/** Applies pending migrations at `target` and reports what ran (`ouro-bridge migrate`). */
export async function migrateStore(target: StoreTarget, opts: Omit<OpenStoreOptions, 'migrate'> = {}): Promise<MigrationReport & { engine: Store['engine'] }> {
  const store = await openSqlStore(target, opts);
  try {
    return { ...(await store.migrateWithReport()), engine: store.engine };
  } finally {
    await store.close();
  }
}

/** Names of the migrations not yet applied at `target`, in order; applies nothing
 * (`ouro-bridge doctor`). Opening a SQLite path that does not exist creates an empty file. */
export async function pendingMigrations(target: StoreTarget, opts: Omit<OpenStoreOptions, 'migrate'> = {}): Promise<string[]> {
  const store = await openSqlStore(target, opts);
  try {
    return await store.pendingMigrations();
  } finally {
    await store.close();
  }
}

async function openSqlStore(target: StoreTarget, opts: OpenStoreOptions): Promise<SqlStore> {
  const log = opts.logger ?? silentLogger;
  if (target.engine === 'sqlite') {
    if (opts.schema !== undefined) throw new Error('store: the schema option is for PostgreSQL only');
    return new SqlStore(openSqlite(target.path, { log }), 'sqlite', log);
  }
  const db = openPostgres(target.url, opts.schema, log);
  const store = new SqlStore(db, 'postgres', log, opts.schema);
  try {
    if (opts.schema !== undefined) await ensureSchema(db, opts.schema);
    else await store.ping();
  } catch (err) {
    await store.close();
    throw new Error(`store: cannot reach PostgreSQL: ${(err as Error).message}`, { cause: err });
  }
  return store;
}
