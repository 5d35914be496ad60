import type { Platform } from '../store/types.ts';
import { optionalText, requireInt } from '../store/context.ts';
import type { EntrySnapshot, Watch, WatchHealth } from './types.ts';

/**
 * The quest tables as Kysely sees them, and their row → domain mappers. Same conventions as
 * src/store/schema.ts: timestamps are integer ms since epoch, JSON is text.
 */

export interface WatchesTable {
  platform: Platform;
  workspace: string;
  channel: string;
  quest_id: string;
  /** JSON array of entry statuses. */
  statuses: string;
  card_message_id: string | null;
  created_by: string | null;
  created_at: number;
  failures: number;
  failing_since: number | null;
  last_error: string | null;
  paused_at: number | null;
}

/** Per watching channel: the key is (platform, workspace, channel, quest_id, entry_id). */
export interface EntrySnapshotsTable {
  platform: Platform;
  workspace: string;
  channel: string;
  quest_id: string;
  entry_id: string;
  status: string;
  updated_at: string | null;
}

export interface QuestTables {
  watches: WatchesTable;
  entry_snapshots: EntrySnapshotsTable;
}

export function toWatch(r: WatchesTable): Watch {
  return {
    platform: r.platform,
    workspace: r.workspace,
    channel: r.channel,
    questId: r.quest_id,
    statuses: JSON.parse(r.statuses) as string[],
    cardMessageId: r.card_message_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
    failures: r.failures,
    failingSince: r.failing_since,
    lastError: r.last_error,
    pausedAt: r.paused_at,
  };
}

export function toSnapshot(r: EntrySnapshotsTable): EntrySnapshot {
  return {
    platform: r.platform,
    workspace: r.workspace,
    channel: r.channel,
    questId: r.quest_id,
    entryId: r.entry_id,
    status: r.status,
    updatedAt: r.updated_at,
  };
}

/** A delivery health as the columns of its row (watches, follows), checked on the way in. */
export function healthColumns(h: WatchHealth) {
  return {
    failures: requireInt('failures', h.failures, 0),
    failing_since: h.failingSince === null ? null : requireInt('failingSince', h.failingSince, 0),
    last_error: optionalText('lastError', h.lastError),
    paused_at: h.pausedAt === null ? null : requireInt('pausedAt', h.pausedAt, 0),
  };
}
