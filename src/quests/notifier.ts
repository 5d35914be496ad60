/**
 * The quest notifier. Ouro has no webhook for quest entries (docs/ouro-api.md §9.6), so a
 * node-cron schedule polls every watched quest once per tick (all pages of its entries),
 * however many channels watch it, and tells each channel what changed.
 *
 * Durability: each channel's view of a quest is its own set of entry snapshots in the store
 * (keyed by channel and quest, see commands/watch-baseline.ts). A tick diffs the one fetch against
 * each channel's snapshots, posts a notice, then records it — so a restart repeats nothing
 * already recorded and misses nothing not yet recorded. Only a crash between a post and its
 * record can repeat that one notice (chat platforms offer no idempotent post). The store's
 * job queue was not used: its jobs complete only through the core worker's claim, which
 * serves every lane, and a second consumer would take the core's jobs.
 */
import { silentLogger, type Logger } from '../log.ts';
import type { Quest, QuestEntry } from '../ouro/index.ts';
import type { CommandOuro } from '../commands/spec.ts';
import { entryCounts } from '../commands/render/quest.ts';
import { baselineQuest } from '../commands/watch-baseline.ts';
import type { ChannelKey, Store } from '../store/types.ts';
import type { ChatAdapter } from '../bridge/types.ts';
import { deliverToWatch } from './deliver.ts';
import { diffEntries } from './diff.ts';
import { createWatchHealth, PAUSE_AFTER_FAILURES } from './watch-health.ts';
import type { Watch } from './types.ts';
import { createPoller } from '../poller.ts';

export interface TickStats {
  /** Distinct quests polled (one entries fetch each). */
  quests: number;
  watches: number;
  /** Quests whose fetch failed this tick (retried next tick). */
  failed: number;
  /** Unseen entry changes found, summed over the watching channels. */
  changes: number;
  delivered: number;
  /** Notices not sent because the channel may not see the quest. */
  skipped: number;
  /** Watches not served: paused after their deliveries kept failing (watch-health.ts). */
  paused: number;
  ms: number;
}

export interface QuestNotifier {
  start(): void;
  stop(): void;
  tick(): Promise<TickStats>;
  pollNow(questId: string): Promise<void>;
  /** Takes the current entries as told to `channel`, or to every channel watching the quest. */
  baseline(questId: string, channel?: ChannelKey): Promise<void>;
}

export interface QuestNotifierOptions {
  ouro: Pick<CommandOuro, 'quests' | 'users'>;
  store: Store;
  adapters: ChatAdapter[];
  /** node-cron expression (QUEST_POLL_CRON). */
  cron: string;
  logger?: Logger;
  webBaseUrl?: string;
  /** OURO_ALLOWED_ORGS (see commands/scope.ts). */
  allowedOrgs?: readonly string[];
  /** Default: node-cron. Tests pass their own to drive ticks by hand. */
  schedule?: (cron: string, fn: () => void) => { stop(): void };
  /** Quests polled at once; 4 keeps a tick quick without crowding Ouro's rate limit. */
  concurrency?: number;
  /**
   * Several replicas: runs `poll` only when no other process is polling `questId` (the
   * scheduler's tick on one replica and a new watch's first poll on another could meet and
   * both post the card); resolves false when it skipped, and the next tick polls it.
   * Default: none (one process; polls of a quest are serialised in memory).
   */
  exclusive?: (questId: string, poll: () => Promise<void>) => Promise<boolean>;
  /** Failed ticks in a row after which a watch is paused (default PAUSE_AFTER_FAILURES). */
  pauseAfterFailures?: number;
  now?: () => number;
}

/**
 * Entries per request: 200 is the top of the range MCP documents for quest entries (the
 * client's all-pages helper uses 100), halving a tick's requests for big quests. Paging
 * follows `hasMore`, so a server that caps lower still yields every entry.
 */
const ENTRIES_PAGE = 200;
/** A quest with more entries than this is not polled (logged as a failed poll) rather than paged forever. */
const MAX_PAGES = 100;

async function allEntries(ouro: Pick<CommandOuro, 'quests'>, questId: string): Promise<QuestEntry[]> {
  const all: QuestEntry[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const p = await ouro.quests.entriesPage(questId, { limit: ENTRIES_PAGE, offset: all.length });
    all.push(...p.items);
    if (!p.hasMore || p.items.length === 0) return all;
  }
  throw new Error(`quest ${questId} has more than ${MAX_PAGES * ENTRIES_PAGE} entries; not polled`);
}

const emptyStats = (): TickStats => ({ quests: 0, watches: 0, failed: 0, changes: 0, delivered: 0, skipped: 0, paused: 0, ms: 0 });

export function createQuestNotifier(opts: QuestNotifierOptions): QuestNotifier {
  const log = (opts.logger ?? silentLogger).child({ component: 'quest-notifier' });
  const webBaseUrl = (opts.webBaseUrl ?? 'https://ouro.foundation').replace(/\/+$/, '');
  const health = createWatchHealth(
    (w: Watch, h) => opts.store.setWatchHealth(w, h),
    'quest',
    opts.now ?? Date.now,
    opts.pauseAfterFailures ?? PAUSE_AFTER_FAILURES,
  );
  // Ouro display names, looked up once a tick (a fresh map per tick).
  let names = new Map<string, string>();
  let watchCount = 0;
  const poller = createPoller<TickStats>({
    cron: opts.cron,
    ...(opts.schedule ? { schedule: opts.schedule } : {}),
    concurrency: opts.concurrency ?? 4,
    ...(opts.exclusive ? { exclusive: opts.exclusive } : {}),
    logger: log,
    async keys() {
      names = new Map();
      const watches = await opts.store.listWatches();
      watchCount = watches.length;
      return watches.map((w) => w.questId);
    },
    stats: emptyStats,
    poll: (questId, stats) => pollQuest(questId, stats, names),
    ticked(stats, ms) {
      stats.watches = watchCount;
      stats.ms = ms;
      if (stats.changes || stats.failed || stats.paused) log.info(stats, 'quest tick');
    },
  });

  async function pollQuest(questId: string, stats: TickStats, names: Map<string, string>): Promise<void> {
    const qlog = log.child({ questId });
    // Read under the quest's lock: a poll that ran just before (here or on another replica)
    // may have posted the card, and a stale watch without it would post a second one.
    const watches = await opts.store.listWatches({ questId });
    if (!watches.length) return;
    stats.quests++;
    let entries: QuestEntry[];
    try {
      entries = await allEntries(opts.ouro, questId);
    } catch (err) {
      stats.failed++;
      qlog.warn({ err }, 'quest poll failed; retrying next tick');
      return;
    }
    const counts = entryCounts(entries);
    let quest: Quest | undefined;
    for (const w of watches) {
      try {
        if (w.pausedAt !== null) {
          stats.paused++;
          continue;
        }
        const events = diffEntries(await opts.store.getSnapshots(w), entries);
        stats.changes += events.length;
        if (!events.length && w.cardMessageId) continue;
        // Fetched at send time, once per quest, only when some channel has something to send.
        // Its failure is Ouro's, not the channel's: it does not count towards a pause.
        quest ??= await opts.ouro.quests.get(questId).catch((err: unknown) => {
          stats.failed++;
          qlog.warn({ err }, 'quest fetch failed; retrying next tick');
          return undefined;
        });
        if (!quest) return;
        const ctx = { ouro: opts.ouro, store: opts.store, adapters: opts.adapters, webBaseUrl, allowedOrgs: opts.allowedOrgs, logger: qlog, names };
        const fetched = quest;
        const r = await health.track(w, qlog, () => deliverToWatch(ctx, w, fetched, counts, events));
        stats.delivered += r?.delivered ?? 0;
        stats.skipped += r?.skipped ?? 0;
      } catch (err) {
        qlog.warn({ err, channel: w.channel }, 'quest delivery failed; retrying next tick');
      }
    }
  }

  return {
    start: poller.start,
    stop: poller.stop,
    tick: poller.tick,
    async pollNow(questId) {
      if (!(await poller.run(questId, () => pollQuest(questId, emptyStats(), new Map()))))
        log.debug({ questId }, 'quest is being polled by another replica; skipped');
    },
    async baseline(questId, channel) {
      const channels = channel ? [channel] : await opts.store.listWatches({ questId });
      for (const c of channels) await baselineQuest({ ouro: opts.ouro, store: opts.store }, questId, c);
    },
  };
}
