import type { QuestEntry } from '../ouro/index.ts';
import type { ChannelKey, EntrySnapshot, Store } from '../store/types.ts';
import type { CommandOuro } from './spec.ts';

/**
 * What a watching channel has been told, per entry, lives in the store's entry snapshots
 * under a per-channel key (`<quest>@<platform>/<workspace>/<channel>`): a notice is recorded
 * right after it is posted, so a restart repeats nothing and misses nothing (a crash between
 * the post and the record can repeat that one notice; platforms offer no idempotent post).
 */
export const deliveredKey = (questId: string, c: ChannelKey) => `${questId}@${c.platform}/${c.workspace}/${c.channel}`;

export const snapshotOf = (key: string, e: Pick<QuestEntry, 'id' | 'status' | 'updated_at'>, status = String(e.status)): EntrySnapshot => ({
  questId: key,
  entryId: e.id,
  status,
  updatedAt: e.updated_at ?? null,
});

/**
 * Takes a quest's current entries as already told to `channel`, so a new watch reports only
 * what happens next (no flood of history). Call before `store.addWatch`. Returns the number
 * of entries recorded.
 */
export async function baselineQuest(
  deps: { ouro: Pick<CommandOuro, 'quests'>; store: Store },
  questId: string,
  channel: ChannelKey,
): Promise<number> {
  const entries = await deps.ouro.quests.entries(questId);
  const key = deliveredKey(questId, channel);
  await deps.store.putSnapshots(entries.map((e) => snapshotOf(key, e)));
  return entries.length;
}
