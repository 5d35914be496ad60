import type { QuestStore } from '../quests/types.ts';
import type { FollowStore } from '../comments/types.ts';

export type { EntrySnapshot } from '../quests/types.ts';

/**
 * The store contract. One schema, two engines (embedded SQLite, PostgreSQL) behind this
 * interface; the same contract test suite runs against both. Every mapping the bridge
 * needs to survive a restart or a `kill -9` lives here.
 *
 * Key conventions: `platform`, `workspace`, `channel` are the ChatRef parts; `thread` is
 * the thread root id, or '' for a channel's top level (SQL keys cannot be NULL).
 */

export type Platform = 'slack' | 'discord' | 'console';
export type MirrorMode = 'off' | 'threads' | 'channel';

export interface ChannelKey {
  platform: Platform;
  workspace: string;
  channel: string;
}

export interface ThreadKey extends ChannelKey {
  /** '' = the channel's top level. */
  thread: string;
}

export interface ChannelLink extends ChannelKey {
  orgId: string | null;
  orgName: string | null;
  teamId: string | null;
  teamName: string | null;
  mirrorMode: MirrorMode;
  updatedBy: string | null;
  updatedAt: number;
}

export interface ThreadLink extends ThreadKey {
  conversationId: string;
  createdAt: number;
}

/** One chat message ↔ the Ouro message(s) it became (a list: a long message may be split). */
export interface MessageMapping extends ThreadKey {
  chatMessageId: string;
  conversationId: string;
  ouroMessageIds: string[];
  /** Which side wrote it first: the loop guard relies on this. */
  origin: 'chat' | 'ouro';
  createdAt: number;
}

/**
 * A mirrored place to read for messages missed while no bridge listened (catch-up): a linked
 * thread, or a `channel`-mode channel's top level (thread '').
 */
export interface CatchUpPlace extends ThreadKey {
  /** The thread link's conversation; null for a `channel`-mode channel with no link yet. */
  conversationId: string | null;
  /**
   * The newest chat-origin message of the place in the message map recorded before
   * `anchorBefore`, newest by the platform's id order (Slack ts, Discord snowflake: longer
   * id first, then larger). A channel's top level (thread '') with none that old gets its
   * oldest chat message instead (a thread has its root to start from). Null when none.
   */
  newestChatMessageId: string | null;
  /** The latest of: a message mapped here (either origin), the thread link made, the channel link changed. */
  lastActivityAt: number;
}

export type JobState = 'pending' | 'running' | 'done' | 'dead';

export interface NewJob {
  /** Jobs in one lane run one at a time, in enqueue order (a lane per thread). */
  lane: string;
  kind: string;
  payload: unknown;
  /** Unique: enqueueing a key twice is a no-op that returns the first job. */
  idempotencyKey: string;
  /** Earliest run time (ms since epoch); default now. */
  runAt?: number;
}

export interface Job {
  id: number;
  lane: string;
  kind: string;
  payload: unknown;
  idempotencyKey: string;
  state: JobState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  lockedBy: string | null;
  lockedUntil: number | null;
}

/** A named lease's live holder (see Store.acquireLease). */
export interface LeaseInfo {
  holder: string;
  /** When this holder took it (ms since epoch, on the clock that judges expiry). */
  acquiredAt: number;
  /** When it lapses unless renewed. */
  expiresAt: number;
}

/**
 * The quest methods (watches, entry snapshots) are declared with their tables in src/quests,
 * the comment follows with theirs in src/comments.
 */
export interface Store extends QuestStore, FollowStore {
  readonly engine: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  /** Throws when the store cannot be reached (for /readyz and doctor). */
  ping(): Promise<void>;
  close(): Promise<void>;

  // Channel links: channel → Ouro org/team and mirror mode.
  getChannelLink(key: ChannelKey): Promise<ChannelLink | undefined>;
  upsertChannelLink(link: Omit<ChannelLink, 'updatedAt'>): Promise<ChannelLink>;
  deleteChannelLink(key: ChannelKey): Promise<boolean>;

  // Thread links: many chat threads ↔ one conversation.
  getThreadLink(key: ThreadKey): Promise<ThreadLink | undefined>;
  /** Inserts unless the thread is linked already; returns the link that stands. */
  linkThread(link: Omit<ThreadLink, 'createdAt'>): Promise<ThreadLink>;
  unlinkThread(key: ThreadKey): Promise<boolean>;
  threadsOfConversation(conversationId: string): Promise<ThreadLink[]>;
  /** Every conversation with at least one linked thread (reconciliation). */
  linkedConversations(): Promise<string[]>;
  /**
   * The places of `platform` to catch up on: every thread link, and every channel link in
   * `channel` mode, whose `lastActivityAt` is at or after `activeSince`; most recent first.
   * The anchor ignores messages recorded at or after `anchorBefore`.
   */
  catchUpPlaces(platform: Platform, opts: { activeSince: number; anchorBefore: number }): Promise<CatchUpPlace[]>;

  // Per-conversation cursor of the last Ouro message relayed to chat.
  getRelayCursor(conversationId: string): Promise<{ createdAt: string; messageId: string } | undefined>;
  setRelayCursor(conversationId: string, cursor: { createdAt: string; messageId: string }): Promise<void>;

  // Message map.
  putMessage(mapping: Omit<MessageMapping, 'createdAt'>): Promise<void>;
  getMessageByChat(key: ThreadKey & { chatMessageId: string }): Promise<MessageMapping | undefined>;
  /** Every chat copy of an Ouro message (one per linked thread). */
  getMessagesByOuro(ouroMessageId: string): Promise<MessageMapping[]>;

  // Dedupe keys with expiry.
  /** True when the key was not held (now claimed until `ttlMs` from now); false for a repeat. */
  claimKey(key: string, ttlMs: number): Promise<boolean>;
  purgeExpiredKeys(now?: number): Promise<number>;

  // Durable job queue.
  enqueue(job: NewJob): Promise<{ job: Job; created: boolean }>;
  /**
   * Claims up to `limit` runnable jobs for `worker`, at most one per lane: the oldest
   * unfinished job of a lane, only when it is due and not leased by another worker.
   * `lanes`, when given, limits the search to those lanes (a worker that knows which lanes
   * just became runnable); the rules are the same.
   */
  claimJobs(worker: string, limit: number, leaseMs: number, lanes?: readonly string[]): Promise<Job[]>;
  /**
   * Marks a job done if it is still running under `holder`'s lease (the fence: a holder
   * whose lease another worker took over changes nothing; logged).
   */
  completeJob(id: number, holder: string): Promise<void>;
  /**
   * Records a failure of a job running under `holder`'s lease (fenced as `completeJob`);
   * `retryAt` null makes the job dead. `countAttempt: false` postpones without spending an
   * attempt (a wait, not a failure).
   */
  failJob(id: number, holder: string, error: string, retryAt: number | null, opts?: { countAttempt?: boolean }): Promise<void>;
  /** Extends to `leaseMs` from now the leases `holder` still holds among `ids`; returns those ids. */
  renewJobs(holder: string, ids: readonly number[], leaseMs: number): Promise<number[]>;
  /**
   * Every running job back to pending, unleased, no attempt spent; returns how many. Only
   * for a process that alone works the queue (SQLite), at start: what it finds running was
   * left by its previous run.
   */
  releaseRunningJobs(): Promise<number>;
  getJob(id: number): Promise<Job | undefined>;
  listJobs(filter?: { state?: JobState; lane?: string; limit?: number }): Promise<Job[]>;
  /** Dead (or pending) job → pending, attempts reset, due now. */
  retryJob(id: number): Promise<boolean>;
  /** Removes a job for good (operator's decision). */
  dropJob(id: number): Promise<boolean>;
  countJobs(): Promise<Record<JobState, number>>;
  /** Deletes done jobs older than `olderThanMs`; their idempotency keys are then forgotten. */
  purgeDoneJobs(olderThanMs: number): Promise<number>;

  // Processed Ouro webhook deliveries.
  /** True the first time a delivery id is seen. */
  recordDelivery(deliveryId: string): Promise<boolean>;
  /** Forgets deliveries received more than `olderThanMs` ago; returns how many. */
  purgeDeliveries(olderThanMs: number): Promise<number>;

  // Named leases: a duty that must run on one replica at a time (leader election).
  /**
   * Takes lease `name` for `holder` for `ttlMs` when it is free, expired, or already
   * `holder`'s (then it is renewed); false when another holder's lease is live. Atomic:
   * of several replicas asking at once, at most one gets true.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it; true when it did. */
  releaseLease(name: string, holder: string): Promise<boolean>;
  /** The live holder, or undefined (never taken, released or expired). */
  leaseHolder(name: string): Promise<LeaseInfo | undefined>;

  // Small key/value state (e.g. the bridge's own identities).
  getState(key: string): Promise<string | undefined>;
  setState(key: string, value: string): Promise<void>;
  /** True when the key was there. */
  deleteState(key: string): Promise<boolean>;
  /** Deletes the keys starting with `prefix` last set more than `olderThanMs` ago; returns how many. */
  purgeState(prefix: string, olderThanMs: number): Promise<number>;

  // Chat people linked to their Ouro accounts (src/accounts). The key is stored sealed only.
  getAccountLink(person: PersonKey): Promise<AccountLink | undefined>;
  /** Inserts or replaces the person's link (a new login clears `brokenAt`). */
  putAccountLink(link: Omit<AccountLink, 'brokenAt'>): Promise<void>;
  /** True when there was a link. */
  deleteAccountLink(person: PersonKey): Promise<boolean>;
  /** Marks the link broken; true only for the call that changed it (so the person is told once). */
  markAccountLinkBroken(person: PersonKey, at: number): Promise<boolean>;
  /** Every link, for re-sealing under a new secret (`rotate-secret`). */
  listAccountLinks(): Promise<AccountLink[]>;
  /** Replaces the sealed keys of many links in one transaction (`rotate-secret`). */
  resealAccountLinks(rows: readonly (PersonKey & { sealedKey: string })[]): Promise<void>;
  /** Links of one Ouro user on one platform (to show their Ouro messages under their chat identity). */
  accountLinksOfOuroUser(platform: Platform, ouroUserId: string): Promise<AccountLink[]>;
}

/** A chat person: the platform, the workspace (Slack team, Discord guild) and the platform's user id. */
export interface PersonKey {
  platform: Platform;
  workspace: string;
  chatUserId: string;
}

export interface AccountLink extends PersonKey {
  /** `v1.<iv>.<tag>.<ciphertext>` from src/accounts/secret-box.ts. */
  sealedKey: string;
  ouroUserId: string;
  ouroUsername: string;
  ouroName: string | null;
  chatName: string | null;
  chatAvatarUrl: string | null;
  linkedAt: number;
  brokenAt: number | null;
}
