import type { Kysely } from 'kysely';

/**
 * Chat people linked to their Ouro accounts: one row per (platform, workspace, chat user),
 * holding their Ouro API key sealed with AES-256-GCM under BRIDGE_SECRET_KEY (never the key
 * itself), who they are on Ouro, and when the key stopped working (`broken_at`, null while
 * it works). Looked up by Ouro user too, to show their Ouro messages under their chat name.
 */

// Frozen: a migration describes the schema as it was, so it never imports ../schema.ts.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('account_links')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace', 'text', (c) => c.notNull())
    .addColumn('chat_user_id', 'text', (c) => c.notNull())
    .addColumn('sealed_key', 'text', (c) => c.notNull())
    .addColumn('ouro_user_id', 'text', (c) => c.notNull())
    .addColumn('ouro_username', 'text', (c) => c.notNull())
    .addColumn('ouro_name', 'text')
    .addColumn('chat_name', 'text')
    .addColumn('chat_avatar_url', 'text')
    .addColumn('linked_at', 'bigint', (c) => c.notNull())
    .addColumn('broken_at', 'bigint')
    .addPrimaryKeyConstraint('account_links_pk', ['platform', 'workspace', 'chat_user_id'])
    .execute();
  await db.schema.createIndex('account_links_ouro_user').on('account_links').columns(['platform', 'ouro_user_id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('account_links').ifExists().execute();
}
