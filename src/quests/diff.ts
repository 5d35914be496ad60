/**
 * What changed in a quest since the last poll: pure. An entry not seen before is reported
 * with its current status (usually `submitted`; a self-completed entry arrives `accepted`);
 * a seen entry whose status differs is reported with the new status. Entries missing from
 * the fetch are not reported (Ouro has no entry delete; a missing one is a paging artefact).
 */
import type { QuestEntry } from '../ouro/index.ts';
import type { EntrySnapshot } from './types.ts';

export interface EntryEvent {
  entry: QuestEntry;
  status: string;
  /** The status last seen; undefined for a new entry. */
  previous?: string;
}

export function diffEntries(snapshots: readonly Pick<EntrySnapshot, 'entryId' | 'status'>[], entries: readonly QuestEntry[]): EntryEvent[] {
  const seen = new Map(snapshots.map((s) => [s.entryId, s.status] as const));
  const events: EntryEvent[] = [];
  const done = new Set<string>();
  for (const entry of entries) {
    if (done.has(entry.id)) continue; // a page boundary shifting under us can repeat an entry
    done.add(entry.id);
    const status = String(entry.status);
    const previous = seen.get(entry.id);
    if (previous === status) continue;
    events.push(previous === undefined ? { entry, status } : { entry, status, previous });
  }
  // Oldest first, so a thread reads in the order things happened (server order is not documented).
  return events.sort((a, b) => stamp(a.entry).localeCompare(stamp(b.entry)));
}

const stamp = (e: QuestEntry) => String(e.updated_at ?? e.created_at ?? '');
