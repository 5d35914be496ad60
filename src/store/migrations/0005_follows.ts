import type { Kysely } from 'kysely';

/**
 * Channels following an asset's comments (`/ouro follow`), and what each was told:
 * - `follows`: one row per (platform, workspace, channel, asset), with the card the
 *   comments thread under and the same delivery health as quest watches.
 * - `comment_copies`: per follow, each comment the channel knows of, the chat message it
 *   became (null for the comments that stood when the follow began) or came from, a digest
 *   of the text told (an edit on Ouro changes it), and who wrote it from chat as themselves.
 *   Looked up by chat message too: a reply or edit in the card's thread finds its comment.
 */

// Frozen: a migration describes the schema as it was, so it never imports ../schema.ts.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('follows')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('asset_id', 'text', (c) => c.notNull())
    .addColumn('asset_type', 'text', (c) => c.notNull())
    .addColumn('card_message_id', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failing_since', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('paused_at', 'bigint')
    .addPrimaryKeyConstraint('follows_pk', ['platform', 'workspace', 'channel', 'asset_id'])
    .execute();
  await db.schema.createIndex('follows_asset').on('follows').column('asset_id').execute();
  await db.schema.createIndex('follows_card').on('follows').columns(['platform', 'workspace', 'channel', 'card_message_id']).execute();

  await db.schema
    .createTable('comment_copies')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('asset_id', 'text', (c) => c.notNull())
    .addColumn('comment_id', 'text', (c) => c.notNull())
    .addColumn('chat_message_id', 'text')
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('written_by', 'text')
    .addColumn('told_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('comment_copies_pk', ['platform', 'workspace', 'channel', 'asset_id', 'comment_id'])
    .execute();
  await db.schema.createIndex('comment_copies_chat').on('comment_copies').columns(['platform', 'workspace', 'channel', 'chat_message_id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('comment_copies').ifExists().execute();
  await db.schema.dropTable('follows').ifExists().execute();
}
