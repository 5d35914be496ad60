import type { ChannelKey } from '../store/types.ts';

/**
 * The quest side of the store: which channels watch which quests, and what each watching
 * channel has been told about each entry. SqlStore implements it (src/quests/store.ts holds
 * the queries); the notifier and the watch commands use only this.
 */

/** One channel's subscription to one quest. */
export type WatchKey = ChannelKey & { questId: string };

/**
 * Deliveries that keep failing (the bot was removed from the channel, the channel was
 * archived). All-zero/null while deliveries work.
 */
export interface WatchHealth {
  /** Ticks in a row whose delivery failed. */
  failures: number;
  /** When the first of them failed (ms since epoch). */
  failingSince: number | null;
  lastError: string | null;
  /** Set when the watch was paused for failing too often (ms since epoch); later ticks skip it. */
  pausedAt: number | null;
}

export const HEALTHY: WatchHealth = { failures: 0, failingSince: null, lastError: null, pausedAt: null };

export interface Watch extends WatchKey, WatchHealth {
  /** Entry statuses that notify: any of submitted, accepted, rejected. */
  statuses: string[];
  /** The channel's parent card for this quest, once posted. */
  cardMessageId: string | null;
  createdBy: string | null;
  createdAt: number;
}

/** What a watching channel was told about one entry (`status` as last told). */
export interface EntrySnapshot extends WatchKey {
  entryId: string;
  status: string;
  updatedAt: string | null;
}

export interface QuestStore {
  /**
   * Adds a watch, or updates the statuses of the one that stands (keeping its card, author,
   * creation time and health). Returns the watch that now stands.
   */
  addWatch(watch: Omit<Watch, 'createdAt' | 'cardMessageId' | keyof WatchHealth>): Promise<Watch>;
  removeWatch(key: WatchKey): Promise<boolean>;
  listWatches(filter?: Partial<ChannelKey> & { questId?: string }): Promise<Watch[]>;
  setWatchCard(key: WatchKey, cardMessageId: string): Promise<void>;
  /** Records a watch's delivery health (HEALTHY clears it). A watch removed meanwhile is ignored. */
  setWatchHealth(key: WatchKey, health: WatchHealth): Promise<void>;
  /** What `key`'s channel was told about the quest's entries, by entry id. */
  getSnapshots(key: WatchKey): Promise<EntrySnapshot[]>;
  /** Inserts or updates the given snapshots in one transaction. */
  putSnapshots(snapshots: EntrySnapshot[]): Promise<void>;
  /** Forgets what `key`'s channel was told about the quest; returns how many entries. */
  deleteSnapshots(key: WatchKey): Promise<number>;
}
