import type { Store } from '../store/types.ts';
import type { CommandOuro } from './spec.ts';

/**
 * Takes a quest's current entries as seen, so a new watch reports only what happens next.
 * Only when no other channel watches the quest: otherwise the snapshots are being kept
 * current by the notifier, and overwriting them would swallow changes not yet delivered.
 * Call before `store.addWatch`. Returns the number of entries recorded.
 */
export async function baselineQuest(deps: { ouro: Pick<CommandOuro, 'quests'>; store: Store }, questId: string): Promise<number> {
  const watched = await deps.store.listWatches({ questId });
  if (watched.length) return 0;
  const entries = await deps.ouro.quests.entries(questId);
  await deps.store.putSnapshots(entries.map((e) => ({ questId, entryId: e.id, status: String(e.status), updatedAt: e.updated_at ?? null })));
  return entries.length;
}
