import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql, type Driver, type SqliteDatabase } from 'kysely';
import { silentLogger, type Logger } from '../log.ts';
import { CHECKPOINT_DEFAULTS, startCheckpointer, type Checkpointer, type CheckpointOptions } from './checkpoint.ts';
import type { Database, Db } from './schema.ts';

/**
 * Opens Kysely over one of the two engines. Everything engine-specific lives here or
 * behind the `engine` switch in a migration / in `writeTx`; the queries are shared.
 */

export type Engine = 'sqlite' | 'postgres';

/** How long a writer waits for another process's write lock (e.g. the `jobs` CLI next to
 * a running bridge) before SQLite reports SQLITE_BUSY. Our transactions take
 * milliseconds, so 5 s only runs out when something is badly stuck. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/** Kysely asks the driver to prepare every query anew; better-sqlite3 statements are
 * reusable, so the driver keeps them by SQL text. Bounded because `IN (…)` lists make SQL
 * vary in length. */
const STATEMENT_CACHE_SIZE = 256;

export interface OpenSqliteOptions {
  log?: Logger;
  /** File databases: WAL checkpoint thread tuning (see checkpoint.ts). */
  checkpoint?: CheckpointOptions;
}

export function openSqlite(path: string, opts: OpenSqliteOptions = {}): Db {
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const raw = new BetterSqlite3(path);
  const wal = path !== ':memory:' && path !== '' && raw.pragma('journal_mode = WAL', { simple: true }) === 'wal';
  // synchronous=NORMAL with WAL: a commit is in the WAL before it returns, so a crashed or
  // kill -9'd process loses nothing and the file is never corrupted. Only an OS crash or
  // power cut can roll back the last few commits, because the WAL is fsynced at checkpoint
  // rather than at every commit. FULL would fsync on every commit (two per job) and cap
  // the queue at the disk's fsync rate; deployments that need power-loss durability for
  // every acked event should run on PostgreSQL.
  raw.pragma('synchronous = NORMAL');
  raw.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const database = cachingStatements(raw);
  // When the WAL starts over, a file a burst grew beyond this is cut back to it (a WAL file
  // is otherwise reused from its start, never shrunk). The checkpoint thread forces a
  // restart at this size (checkpoint.ts), so cuts are rare and small.
  if (wal) raw.pragma(`journal_size_limit = ${opts.checkpoint?.restartAboveBytes ?? CHECKPOINT_DEFAULTS.restartAboveBytes}`);
  return new Kysely<Database>({
    dialect: wal ? new CheckpointedSqliteDialect(database, raw, path, opts) : new SqliteDialect({ database }),
  });
}

/**
 * SQLite with WAL checkpoints moved off the event loop (checkpoint.ts). The thread starts
 * with Kysely's driver (at the first query) and is joined when Kysely is destroyed, so
 * a store that never ran a query never starts one and `destroy()` always stops it.
 */
class CheckpointedSqliteDialect extends SqliteDialect {
  constructor(
    private readonly database: SqliteDatabase,
    private readonly raw: BetterSqlite3.Database,
    private readonly path: string,
    private readonly opts: OpenSqliteOptions,
  ) {
    super({ database });
  }

  override createDriver(): Driver {
    const { raw, path, opts } = this;
    const log = opts.log ?? silentLogger;
    let checkpointer: Checkpointer | undefined;
    // Back to SQLite's default: the main connection checkpoints inside its commits.
    const autoCheckpoint = () => {
      if (raw.open) raw.pragma('wal_autocheckpoint = 1000');
    };
    return new (class extends SqliteDriver {
      override async init() {
        await super.init();
        if (!(opts.checkpoint?.enabled ?? CHECKPOINT_DEFAULTS.enabled)) return;
        try {
          checkpointer = await startCheckpointer(path, { ...opts.checkpoint, log, onFailure: autoCheckpoint });
          raw.pragma('wal_autocheckpoint = 0');
        } catch (err) {
          log.warn({ err, path }, 'store: no SQLite checkpoint thread; the main connection checkpoints');
        }
      }
      override async destroy() {
        // The thread's connection closes first, so the main connection is the last one
        // and SQLite's close checkpoints the WAL and removes it.
        await checkpointer?.stop();
        await super.destroy();
      }
    })({ database: this.database });
  }
}

function cachingStatements(raw: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) {
        // Re-insert to keep the Map in least-recently-used order.
        cache.delete(text);
      } else {
        stmt = raw.prepare(text);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** int8 (bigint) arrives as a string from pg. Our int8 columns are ids and ms timestamps,
 * far below 2^53, so Number is exact. Scoped to this pool, not pg's global type table. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

export function openPostgres(url: string, schema: string | undefined, log: Logger): Db {
  if (schema !== undefined && !IDENTIFIER.test(schema)) {
    throw new Error(`store schema "${schema}": expected a plain SQL identifier (letters, digits, _; max 63)`);
  }
  // connectionTimeoutMillis: pg's default is to wait forever for a connection, so an
  // unreachable host would hang start-up and /readyz instead of failing with a reason.
  const pool = new pg.Pool({ connectionString: url, types, max: 10, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection emits 'error' on the pool; unhandled, it would
  // crash the process. The pool drops that client and the next query reconnects.
  pool.on('error', (err) => log.warn({ err }, 'store: idle PostgreSQL connection failed'));
  return new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: schema
        ? async (conn) => {
            await conn.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`));
          }
        : undefined,
    }),
  });
}

/** Creates the schema the PostgreSQL store lives in (tests use a random one). */
export async function ensureSchema(db: Db, schema: string): Promise<void> {
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
}

/**
 * Runs `fn` in a write transaction. SQLite: `BEGIN IMMEDIATE` takes the write lock up
 * front, so a second process waits on busy_timeout instead of failing with
 * SQLITE_BUSY_SNAPSHOT when a read-then-write transaction races it. PostgreSQL: an
 * ordinary READ COMMITTED transaction; callers add row or advisory locks as needed.
 */
export async function writeTx<T>(db: Db, engine: Engine, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (engine === 'postgres') return db.transaction().execute(fn);
  // Kysely's SQLite driver has one connection: holding it keeps every other statement of
  // this process out of the transaction until it ends.
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (err) {
      // SQLite rolls back by itself on some errors (e.g. SQLITE_FULL); keep the first error.
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}
