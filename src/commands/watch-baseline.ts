import type { QuestEntry } from '../ouro/index.ts';
import type { ChannelKey, EntrySnapshot, Store } from '../store/types.ts';
import type { WatchKey } from '../quests/types.ts';
import type { CommandOuro } from './spec.ts';

/**
 * The store's record of an entry notice the bridge posted (state key → `<quest>:<entry>`):
 * a Review button is honoured only on a message recorded here for its quest and entry.
 */
export const noticeKey = (c: ChannelKey, messageId: string) => `notice@${c.platform}/${c.workspace}/${c.channel}/${messageId}`;

/**
 * What a watching channel has been told, per entry, lives in the store's entry snapshots
 * under the watch's key (channel + quest): a notice is recorded right after it is posted, so
 * a restart repeats nothing and misses nothing (a crash between the post and the record can
 * repeat that one notice; platforms offer no idempotent post).
 */
export const snapshotOf = (key: WatchKey, e: Pick<QuestEntry, 'id' | 'status' | 'updated_at'>, status = String(e.status)): EntrySnapshot => ({
  platform: key.platform,
  workspace: key.workspace,
  channel: key.channel,
  questId: key.questId,
  entryId: e.id,
  status,
  updatedAt: e.updated_at ?? null,
});

/**
 * Takes a quest's current entries as already told to `channel`, so a new watch reports only
 * what happens next (no flood of history). Call before `store.addWatch`. Returns the number
 * of entries recorded.
 */
export async function baselineQuest(deps: { ouro: Pick<CommandOuro, 'quests'>; store: Store }, questId: string, channel: ChannelKey): Promise<number> {
  const entries = await deps.ouro.quests.entries(questId);
  const key: WatchKey = { platform: channel.platform, workspace: channel.workspace, channel: channel.channel, questId };
  await deps.store.putSnapshots(entries.map((e) => snapshotOf(key, e)));
  return entries.length;
}
