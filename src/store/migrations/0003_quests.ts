import { sql, type Kysely } from 'kysely';

/**
 * Quests get their own columns instead of encoded strings:
 * - `entry_snapshots` is keyed by the watching channel's platform, workspace and channel plus
 *   the quest and entry, where 0001 packed `<quest>@<platform>/<workspace>/<channel>` into
 *   `quest_id`. Existing rows are split; rows whose key is a bare quest id (no channel) were
 *   read by nothing and are not carried over.
 * - A watch's delivery health (failures in a row, since when, last error, when it was paused)
 *   moves onto its `watches` row from the JSON kept in `kv_state` under
 *   `quest-watch-trouble:<quest>@<platform>/<workspace>/<channel>`; those keys are removed.
 */

// Frozen: a migration describes the schema as it was, so it never imports ../schema.ts.
type AnyDb = Kysely<any>;

const TROUBLE_PREFIX = 'quest-watch-trouble:';
const PLATFORMS = new Set(['slack', 'discord', 'console']);
/** Rows moved per statement; 7 parameters a row stays far below SQLite's 32,766. */
const PAGE = 1_000;

interface ChannelQuest {
  quest_id: string;
  platform: string;
  workspace: string;
  channel: string;
}

/** `<quest>@<platform>/<workspace>/<channel>` → its parts; undefined for anything else. */
export function splitChannelKey(key: string): ChannelQuest | undefined {
  const at = key.indexOf('@');
  if (at <= 0) return undefined;
  const [platform = '', workspace = '', ...rest] = key.slice(at + 1).split('/');
  const channel = rest.join('/');
  if (!PLATFORMS.has(platform) || !workspace || !channel) return undefined;
  return { quest_id: key.slice(0, at), platform, workspace, channel };
}

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('watches')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('watches').addColumn('failing_since', 'bigint').execute();
  await db.schema.alterTable('watches').addColumn('last_error', 'text').execute();
  await db.schema.alterTable('watches').addColumn('paused_at', 'bigint').execute();
  await moveTrouble(db);

  await db.schema
    .createTable('entry_snapshots_by_channel')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('quest_id', 'text', (c) => c.notNull())
    .addColumn('entry_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text')
    .addPrimaryKeyConstraint('entry_snapshots_channel_pk', ['platform', 'workspace', 'channel', 'quest_id', 'entry_id'])
    .execute();
  await moveSnapshots(db);
  await db.schema.dropTable('entry_snapshots').execute();
  await db.schema.alterTable('entry_snapshots_by_channel').renameTo('entry_snapshots').execute();
}

async function moveTrouble(db: AnyDb): Promise<void> {
  const rows: { key: string; value: string; updated_at: number | string }[] = await db
    .selectFrom('kv_state')
    .select(['key', 'value', 'updated_at'])
    .where(sql<boolean>`substr(${sql.ref('key')}, 1, cast(${TROUBLE_PREFIX.length} as integer)) = ${TROUBLE_PREFIX}`)
    .execute();
  for (const row of rows) {
    const where = splitChannelKey(row.key.slice(TROUBLE_PREFIX.length));
    let t: { failures?: unknown; since?: unknown; lastError?: unknown; paused?: unknown } | undefined;
    try {
      t = JSON.parse(row.value) as typeof t;
    } catch {
      t = undefined;
    }
    if (where && t && typeof t.failures === 'number' && t.failures > 0) {
      await db
        .updateTable('watches')
        .set({
          failures: Math.trunc(t.failures),
          failing_since: typeof t.since === 'number' ? Math.trunc(t.since) : Number(row.updated_at),
          last_error: typeof t.lastError === 'string' ? t.lastError : null,
          // The pause was the state's last write.
          paused_at: t.paused === true ? Number(row.updated_at) : null,
        })
        .where('platform', '=', where.platform)
        .where('workspace', '=', where.workspace)
        .where('channel', '=', where.channel)
        .where('quest_id', '=', where.quest_id)
        .execute();
    }
    await db.deleteFrom('kv_state').where('key', '=', row.key).execute();
  }
}

async function moveSnapshots(db: AnyDb): Promise<void> {
  let after: { quest_id: string; entry_id: string } | undefined;
  for (;;) {
    let q = db.selectFrom('entry_snapshots').selectAll().orderBy('quest_id').orderBy('entry_id').limit(PAGE);
    if (after) {
      const a = after;
      q = q.where((eb) => eb.or([eb('quest_id', '>', a.quest_id), eb.and([eb('quest_id', '=', a.quest_id), eb('entry_id', '>', a.entry_id)])]));
    }
    const rows = (await q.execute()) as { quest_id: string; entry_id: string; status: string; updated_at: string | null }[];
    if (rows.length === 0) return;
    const moved = rows.flatMap((r) => {
      const where = splitChannelKey(r.quest_id);
      return where ? [{ ...where, entry_id: r.entry_id, status: r.status, updated_at: r.updated_at }] : [];
    });
    if (moved.length) await db.insertInto('entry_snapshots_by_channel').values(moved).execute();
    const last = rows[rows.length - 1]!;
    after = { quest_id: last.quest_id, entry_id: last.entry_id };
  }
}

/** Back to 0002's layout: snapshot keys packed again, health dropped (it is advisory). */
export async function down(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('entry_snapshots_packed')
    .addColumn('quest_id', 'text', (c) => c.notNull())
    .addColumn('entry_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text')
    .addPrimaryKeyConstraint('entry_snapshots_packed_pk', ['quest_id', 'entry_id'])
    .execute();
  const packed = sql<string>`${sql.ref('quest_id')} || '@' || ${sql.ref('platform')} || '/' || ${sql.ref('workspace')} || '/' || ${sql.ref('channel')}`;
  await db
    .insertInto('entry_snapshots_packed')
    .columns(['quest_id', 'entry_id', 'status', 'updated_at'])
    .expression(db.selectFrom('entry_snapshots').select([packed.as('quest_id'), 'entry_id', 'status', 'updated_at']))
    .execute();
  await db.schema.dropTable('entry_snapshots').execute();
  await db.schema.alterTable('entry_snapshots_packed').renameTo('entry_snapshots').execute();
  for (const column of ['paused_at', 'last_error', 'failing_since', 'failures']) {
    await db.schema.alterTable('watches').dropColumn(column).execute();
  }
}
