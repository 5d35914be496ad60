/**
 * Copies a SQLite store into a PostgreSQL store (`ouro-bridge migrate --copy-from`): the
 * move from one process to several replicas. Both must be migrated; the bridge must be
 * stopped meanwhile (a job it finishes during the copy would be copied as unfinished and
 * run again).
 *
 * Rows are inserted with ON CONFLICT DO NOTHING on each table's key, so a copy can be run
 * again (after an interruption) and adds only what is missing; rows the target already has
 * are never overwritten. What is copied:
 * - every mapping: channel and thread links, relay cursors, the message map (both indexes),
 *   watches and their entry snapshots, follows and their comment copies, key/value state
 *   (identities, thread roots);
 * - the queue: every job, in order (new ids, same idempotency keys; a job that was running
 *   when the process stopped becomes pending again, and done jobs keep dedupe working for
 *   platform redeliveries); dedupe keys not yet expired and recorded webhook deliveries.
 * Leases are not copied: they belong to live processes.
 */
import { existsSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { StoreTarget } from '../config.ts';
import { silentLogger, type Logger } from '../log.ts';
import { ensureSchema, openPostgres, openSqlite } from './engine.ts';
import { runMigrations } from './migrations/index.ts';
import type { Database, Db } from './schema.ts';

type AnyDb = Kysely<any>;

/** Each copied table and the columns of its key (the conflict target). */
const TABLES: readonly { table: keyof Database; key: readonly string[] }[] = [
  { table: 'channel_links', key: ['platform', 'workspace', 'channel'] },
  { table: 'thread_links', key: ['platform', 'workspace', 'channel', 'thread'] },
  { table: 'relay_cursors', key: ['conversation_id'] },
  { table: 'message_map', key: ['platform', 'workspace', 'channel', 'thread', 'chat_message_id'] },
  { table: 'message_ouro_ids', key: ['ouro_message_id', 'platform', 'workspace', 'channel', 'thread', 'chat_message_id'] },
  { table: 'watches', key: ['platform', 'workspace', 'channel', 'quest_id'] },
  { table: 'entry_snapshots', key: ['platform', 'workspace', 'channel', 'quest_id', 'entry_id'] },
  { table: 'kv_state', key: ['key'] },
  { table: 'dedupe_keys', key: ['key'] },
  { table: 'webhook_deliveries', key: ['delivery_id'] },
  { table: 'jobs', key: ['idempotency_key'] },
  // Sealed keys travel as they are: they are bound to the chat person, not to the engine.
  { table: 'account_links', key: ['platform', 'workspace', 'chat_user_id'] },
  { table: 'follows', key: ['platform', 'workspace', 'channel', 'asset_id'] },
  { table: 'comment_copies', key: ['platform', 'workspace', 'channel', 'asset_id', 'comment_id'] },
];

/** Rows a statement: 500 × 13 columns stays far below PostgreSQL's 65,535 parameters. */
const BATCH = 500;

export interface CopyReport {
  /** Table → rows read from the source and rows the target did not have yet. */
  tables: Record<string, { read: number; copied: number }>;
}

export async function copyStore(from: Db, to: Db, now = Date.now()): Promise<CopyReport> {
  const src = from as AnyDb;
  const report: CopyReport = { tables: {} };
  for (const { table, key } of TABLES) {
    let read = 0;
    let copied = 0;
    const flush = async (rows: Record<string, unknown>[]) => {
      read += rows.length;
      const values = rows.map((r) => (table === 'jobs' ? unfinishedAgain(r) : r));
      const result = await (to as AnyDb)
        .insertInto(table)
        .values(values)
        .onConflict((oc) => oc.columns(key as string[]).doNothing())
        .executeTakeFirst();
      copied += Number(result.numInsertedOrUpdatedRows ?? 0);
    };
    // Streamed in key order (jobs: id order, which is their order within a lane).
    let q = src.selectFrom(table).selectAll();
    if (table === 'dedupe_keys') q = q.where('expires_at', '>', now);
    for (const col of table === 'jobs' ? ['id'] : key) q = q.orderBy(col);
    let batch: Record<string, unknown>[] = [];
    for await (const row of q.stream()) {
      batch.push(row as Record<string, unknown>);
      if (batch.length >= BATCH) {
        await flush(batch);
        batch = [];
      }
    }
    if (batch.length) await flush(batch);
    report.tables[table] = { read, copied };
  }
  return report;
}

/** A job row for the target: a new id there, and no lease of a process that is gone. */
function unfinishedAgain(row: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, ...rest } = row;
  if (rest.state === 'running') return { ...rest, state: 'pending', locked_by: null, locked_until: null };
  return rest;
}

/**
 * Opens the SQLite file `source` and the PostgreSQL store `target` (in `schema`, if given),
 * brings both up to the current migrations, and copies. A missing file is refused rather
 * than created empty.
 */
export async function copySqliteToPostgres(
  source: Extract<StoreTarget, { engine: 'sqlite' }>,
  target: Extract<StoreTarget, { engine: 'postgres' }>,
  opts: { schema?: string; logger?: Logger } = {},
): Promise<CopyReport> {
  if (!existsSync(source.path)) throw new Error(`no SQLite store at ${source.path}`);
  const from = openSqlite(source.path);
  const to = openPostgres(target.url, opts.schema, opts.logger ?? silentLogger);
  try {
    await runMigrations(from, 'sqlite');
    if (opts.schema !== undefined) await ensureSchema(to, opts.schema);
    await runMigrations(to, 'postgres', opts.schema);
    return await copyStore(from, to);
  } finally {
    await from.destroy();
    await to.destroy();
  }
}
