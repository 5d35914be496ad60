import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from '../schema.ts';
import type { Engine } from '../engine.ts';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_leases.ts';
import * as m0003 from './0003_quests.ts';
import * as m0004 from './0004_account_links.ts';
import * as m0005 from './0005_follows.ts';

/**
 * The migration list, static (no directory scan, so it works the same under tsx, vitest
 * and a bundled build). Names sort in order; append new ones, never edit a shipped one.
 */
function migrations(engine: Engine): Record<string, Migration> {
  return {
    '0001_initial': { up: (db) => m0001.up(db, engine), down: (db) => m0001.down(db) },
    '0002_leases': { up: (db) => m0002.up(db), down: (db) => m0002.down(db) },
    '0003_quests': { up: (db) => m0003.up(db), down: (db) => m0003.down(db) },
    '0004_account_links': { up: (db) => m0004.up(db), down: (db) => m0004.down(db) },
    '0005_follows': { up: (db) => m0005.up(db), down: (db) => m0005.down(db) },
  };
}

export interface MigrationReport {
  /** Migrations that ran now, in order. */
  applied: string[];
  /** Every known migration, now all applied. */
  all: string[];
}

/**
 * The Migrator over the static list (`runMigrations` applies pending migrations, idempotent;
 * `listPendingMigrations` only reads). On PostgreSQL the Migrator's own tables are
 * pinned to `schema` (default public): it checks for them across every schema it can see,
 * so without the pin a `kysely_migration` table in another schema would fool it.
 */
function migratorFor(db: Db, engine: Engine, schema?: string): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrations(engine) };
  return new Migrator({
    db,
    provider,
    migrationTableSchema: engine === 'postgres' ? (schema ?? 'public') : undefined,
  });
}

/** Names of migrations not yet applied, in order; read-only (`ouro-bridge doctor`). */
export async function listPendingMigrations(db: Db, engine: Engine, schema?: string): Promise<string[]> {
  const infos = await retryingSchemaRace(engine, schema, () => migratorFor(db, engine, schema).getMigrations());
  return infos.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/**
 * Kysely's Migrator looks for its table through the introspector, which reads every table
 * of every schema (with `pg_get_serial_sequence` per column). When another client drops a
 * schema at that moment (parallel tests, another app sharing the database), the scan fails
 * with "schema … does not exist" (3F000) or "relation … does not exist" (42P01) although
 * nothing of ours is wrong. The migration runs in one transaction, so trying again is safe.
 */
const RACE_ATTEMPTS = 5;

function lostSchemaRace(err: unknown, schema: string | undefined): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  const message = e?.message ?? '';
  const missingSchema = /schema "([^"]+)" does not exist/.exec(message)?.[1];
  // 3F000: a schema vanished; 42P01: a table vanished (dropped with its schema) mid-scan.
  // A real fault of ours repeats on every attempt and is thrown after the last one.
  if (missingSchema !== undefined) return missingSchema !== schema;
  return e?.code === '3F000' || e?.code === '42P01' || /relation "[^"]+" does not exist/.test(message);
}

/** Runs `fn` (a migrator read, or a whole transactional migration) again when it lost that race. */
async function retryingSchemaRace<T>(engine: Engine, schema: string | undefined, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause ?? err;
      if (engine !== 'postgres' || attempt >= RACE_ATTEMPTS || !lostSchemaRace(cause, schema)) throw err;
    }
  }
}

export async function runMigrations(db: Db, engine: Engine, schema?: string): Promise<MigrationReport> {
  return retryingSchemaRace(engine, schema, () => migrateOnce(db, engine, schema));
}

async function migrateOnce(db: Db, engine: Engine, schema?: string): Promise<MigrationReport> {
  const migrator = migratorFor(db, engine, schema);
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error : new Error(String(error ?? 'unknown error'));
    throw new Error(`store migration ${failed?.migrationName ?? ''} failed: ${cause.message}`.replace('  ', ' '), {
      cause,
    });
  }
  return {
    applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName),
    all: Object.keys(migrations(engine)),
  };
}
