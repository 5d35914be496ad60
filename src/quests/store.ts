import type { ChannelKey } from '../store/types.ts';
import { writeTx } from '../store/engine.ts';
import { optionalText, requirePlatform, requireText, StoreInputError, type StoreContext } from '../store/context.ts';
import type { EntrySnapshot, Watch, WatchHealth, WatchKey } from './types.ts';
import { healthColumns, toSnapshot, toWatch } from './schema.ts';

/** The queries behind QuestStore: watches (a channel subscribed to a quest) and what each channel was told. */

const WATCH_STATUSES = ['submitted', 'accepted', 'rejected'];
/** SQLite allows 32,766 bound parameters a statement; 7 a row → stay far below. */
const SNAPSHOT_BATCH = 500;

function watchKey(k: WatchKey) {
  requirePlatform(k.platform);
  return {
    platform: k.platform,
    workspace: requireText('workspace', k.workspace),
    channel: requireText('channel', k.channel),
    quest_id: requireText('questId', k.questId),
  };
}

/** See QuestStore.addWatch. */
export async function addWatch(ctx: StoreContext, watch: Omit<Watch, 'createdAt' | 'cardMessageId' | keyof WatchHealth>): Promise<Watch> {
  const k = watchKey(watch);
  if (!Array.isArray(watch.statuses) || watch.statuses.length === 0) {
    throw new StoreInputError('statuses: expected a non-empty list of submitted, accepted, rejected');
  }
  for (const s of watch.statuses) {
    if (!WATCH_STATUSES.includes(s)) {
      throw new StoreInputError(`statuses: expected submitted, accepted or rejected, got ${JSON.stringify(s)}`);
    }
  }
  const statuses = JSON.stringify([...new Set(watch.statuses)]);
  const row = await ctx.db
    .insertInto('watches')
    .values({
      ...k,
      statuses,
      card_message_id: null,
      created_by: optionalText('createdBy', watch.createdBy),
      created_at: ctx.now(),
      failures: 0,
      failing_since: null,
      last_error: null,
      paused_at: null,
    })
    .onConflict((oc) => oc.columns(['platform', 'workspace', 'channel', 'quest_id']).doUpdateSet({ statuses }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toWatch(row);
}

export async function removeWatch(ctx: StoreContext, key: WatchKey): Promise<boolean> {
  const k = watchKey(key);
  const r = await ctx.db
    .deleteFrom('watches')
    .where((eb) => eb.and(k))
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function listWatches(ctx: StoreContext, filter: Partial<ChannelKey> & { questId?: string } = {}): Promise<Watch[]> {
  let q = ctx.db.selectFrom('watches').selectAll();
  if (filter.platform !== undefined) q = q.where('platform', '=', filter.platform);
  if (filter.workspace !== undefined) q = q.where('workspace', '=', filter.workspace);
  if (filter.channel !== undefined) q = q.where('channel', '=', filter.channel);
  if (filter.questId !== undefined) q = q.where('quest_id', '=', filter.questId);
  const rows = await q.orderBy('created_at').orderBy('platform').orderBy('workspace').orderBy('channel').orderBy('quest_id').execute();
  return rows.map(toWatch);
}

/** Records the channel's parent card for a quest. A watch removed meanwhile is logged. */
export async function setWatchCard(ctx: StoreContext, key: WatchKey, cardMessageId: string): Promise<void> {
  const k = watchKey(key);
  const r = await ctx.db
    .updateTable('watches')
    .set({ card_message_id: requireText('cardMessageId', cardMessageId) })
    .where((eb) => eb.and(k))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) {
    ctx.log.warn({ watch: k, cardMessageId }, 'store: setWatchCard: no such watch (removed meanwhile?)');
  }
}

/** See QuestStore.setWatchHealth. */
export async function setWatchHealth(ctx: StoreContext, key: WatchKey, health: WatchHealth): Promise<void> {
  const k = watchKey(key);
  await ctx.db
    .updateTable('watches')
    .set(healthColumns(health))
    .where((eb) => eb.and(k))
    .execute();
}

export async function getSnapshots(ctx: StoreContext, key: WatchKey): Promise<EntrySnapshot[]> {
  const k = watchKey(key);
  const rows = await ctx.db
    .selectFrom('entry_snapshots')
    .selectAll()
    .where((eb) => eb.and(k))
    .orderBy('entry_id')
    .execute();
  return rows.map(toSnapshot);
}

export async function putSnapshots(ctx: StoreContext, snapshots: EntrySnapshot[]): Promise<void> {
  const rows = snapshots.map((s, i) => ({
    ...watchKey(s),
    entry_id: requireText(`snapshots[${i}].entryId`, s.entryId),
    status: requireText(`snapshots[${i}].status`, s.status),
    updated_at: optionalText(`snapshots[${i}].updatedAt`, s.updatedAt),
  }));
  if (rows.length === 0) return;
  await writeTx(ctx.db, ctx.engine, async (tx) => {
    for (let i = 0; i < rows.length; i += SNAPSHOT_BATCH) {
      await tx
        .insertInto('entry_snapshots')
        .values(rows.slice(i, i + SNAPSHOT_BATCH))
        .onConflict((oc) =>
          oc.columns(['platform', 'workspace', 'channel', 'quest_id', 'entry_id']).doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  });
}

export async function deleteSnapshots(ctx: StoreContext, key: WatchKey): Promise<number> {
  const k = watchKey(key);
  const r = await ctx.db
    .deleteFrom('entry_snapshots')
    .where((eb) => eb.and(k))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
