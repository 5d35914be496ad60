import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/**
 * The first schema. Portable to both engines; the only switch is the job id column.
 * Timestamps are integer ms since epoch (`bigint`), JSON is `text`.
 */

// Frozen: a migration describes the schema as it was, so it never imports ../schema.ts.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, engine: Engine): Promise<void> {
  await db.schema
    .createTable('channel_links')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text')
    .addColumn('org_name', 'text')
    .addColumn('team_id', 'text')
    .addColumn('team_name', 'text')
    .addColumn('mirror_mode', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_links_pk', ['platform', 'workspace', 'channel'])
    .execute();

  await db.schema
    .createTable('thread_links')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('thread', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('thread_links_pk', ['platform', 'workspace', 'channel', 'thread'])
    .execute();
  await db.schema.createIndex('thread_links_conversation').on('thread_links').column('conversation_id').execute();

  await db.schema
    .createTable('relay_cursors')
    .addColumn('conversation_id', 'text', (c) => c.primaryKey())
    .addColumn('message_created_at', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('message_map')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('thread', 'text', (c) => c.notNull())
    .addColumn('chat_message_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('ouro_message_ids', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_map_pk', ['platform', 'workspace', 'channel', 'thread', 'chat_message_id'])
    .execute();
  // The primary key's leading column is the Ouro id: it is the index for that side.
  await db.schema
    .createTable('message_ouro_ids')
    .addColumn('ouro_message_id', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('thread', 'text', (c) => c.notNull())
    .addColumn('chat_message_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_ouro_ids_pk', ['ouro_message_id', 'platform', 'workspace', 'channel', 'thread', 'chat_message_id'])
    .execute();

  await db.schema
    .createTable('dedupe_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dedupe_keys_expires').on('dedupe_keys').column('expires_at').execute();

  // SQLite: AUTOINCREMENT so an id is never reused after its row is dropped or purged; a
  // worker still holding an old id must not complete someone else's job.
  await db.schema
    .createTable('jobs')
    .addColumn('id', engine === 'postgres' ? 'bigserial' : 'integer', (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('lane', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'bigint')
    .execute();
  // Partial indexes over unfinished jobs only: the claim query finds each lane's head
  // (min id) and checks for a live running job without reading finished history. The
  // predicates are literals, and the claim query repeats them verbatim, because SQLite
  // uses a partial index only when the query's WHERE visibly implies the index's.
  await db.schema
    .createIndex('jobs_unfinished_lane')
    .on('jobs')
    .columns(['lane', 'id'])
    .where(sql.ref('state'), 'in', [sql.lit('pending'), sql.lit('running')])
    .execute();
  await db.schema.createIndex('jobs_running_lane').on('jobs').column('lane').where(sql.ref('state'), '=', sql.lit('running')).execute();
  // For purgeDoneJobs. Deliberately no plain index on `state`: without statistics SQLite
  // prefers it over the partial indexes above and the claim query degrades to a sort.
  await db.schema.createIndex('jobs_done_updated').on('jobs').column('updated_at').where(sql.ref('state'), '=', sql.lit('done')).execute();

  await db.schema
    .createTable('watches')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('quest_id', 'text', (c) => c.notNull())
    .addColumn('statuses', 'text', (c) => c.notNull())
    .addColumn('card_message_id', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('watches_pk', ['platform', 'workspace', 'channel', 'quest_id'])
    .execute();
  await db.schema.createIndex('watches_quest').on('watches').column('quest_id').execute();

  await db.schema
    .createTable('entry_snapshots')
    .addColumn('quest_id', 'text', (c) => c.notNull())
    .addColumn('entry_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text')
    .addPrimaryKeyConstraint('entry_snapshots_pk', ['quest_id', 'entry_id'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('kv_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'kv_state',
    'webhook_deliveries',
    'entry_snapshots',
    'watches',
    'jobs',
    'dedupe_keys',
    'message_ouro_ids',
    'message_map',
    'relay_cursors',
    'thread_links',
    'channel_links',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
