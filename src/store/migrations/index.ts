import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from '../schema.ts';
import type { Engine } from '../engine.ts';
import * as m0001 from './0001_initial.ts';

/**
 * The migration list, static (no directory scan, so it works the same under tsx, vitest
 * and a bundled build). Names sort in order; append new ones, never edit a shipped one.
 */
function migrations(engine: Engine): Record<string, Migration> {
  return {
    '0001_initial': { up: (db) => m0001.up(db, engine), down: (db) => m0001.down(db) },
  };
}

export interface MigrationReport {
  /** Migrations that ran now, in order. */
  applied: string[];
  /** Every known migration, now all applied. */
  all: string[];
}

/**
 * Applies pending migrations; idempotent. On PostgreSQL the Migrator's own tables are
 * pinned to `schema` (default public): it checks for them across every schema it can see,
 * so without the pin a `kysely_migration` table in another schema would fool it.
 */
export async function runMigrations(db: Db, engine: Engine, schema?: string): Promise<MigrationReport> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(engine) };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableSchema: engine === 'postgres' ? (schema ?? 'public') : undefined,
  });
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
