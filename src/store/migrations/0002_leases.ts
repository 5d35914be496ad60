import type { Kysely } from 'kysely';

/**
 * Named leases: one row per duty that must run on exactly one replica (the quest scheduler,
 * a Discord gateway shard). `expires_at` is ms since epoch on the clock of whoever judges
 * expiry: PostgreSQL's own clock on that engine (replicas on other hosts may disagree about
 * the time), the process clock on SQLite (one process). `acquired_at` is when the current
 * holder first took it, kept across renewals, for operators.
 */

// Frozen: a migration describes the schema as it was, so it never imports ../schema.ts.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('acquired_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('leases').ifExists().execute();
}
