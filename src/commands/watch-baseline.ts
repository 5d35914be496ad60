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

/**
 * The store's record of an entry notice the bridge posted (state key → `<quest>:<entry>`):
 * a Review button is honoured only on a message recorded here for its quest and entry.
 */
export const noticeKey = (c: ChannelKey, messageId: string) => `notice@${c.platform}/${c.workspace}/${c.channel}/${messageId}`;

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

/**
 * A watch whose deliveries keep failing (the bot was removed from the channel, the channel
 * was archived), kept in the store's state keys by the quest notifier. `/ouro watches`
 * shows it; `/ouro watch` of the quest in that channel clears it, which resumes a paused one.
 */
export interface WatchTrouble {
  /** Ticks in a row whose delivery failed. */
  failures: number;
  /** When the first of them failed (ms since epoch). */
  since: number;
  lastError: string;
  paused: boolean;
}

export const troubleKey = (questId: string, c: ChannelKey) => `quest-watch-trouble:${deliveredKey(questId, c)}`;

export async function readTrouble(store: Pick<Store, 'getState'>, questId: string, c: ChannelKey): Promise<WatchTrouble | undefined> {
  const raw = await store.getState(troubleKey(questId, c));
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as WatchTrouble;
  } catch {
    return undefined;
  }
}
