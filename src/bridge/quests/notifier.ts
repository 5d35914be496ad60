/**
 * The quest notifier. Ouro has no webhook for quest entries (ouro-api.md §9.6), so a
 * node-cron schedule polls every watched quest once per tick, however many channels watch
 * it, and tells each channel what changed.
 *
 * Durability (a restart repeats nothing and misses nothing), per quest and tick:
 *   1. fetch all entries (every page) and diff them against the stored snapshots;
 *   2. enqueue one notification job per change and watching channel, with the idempotency
 *      key `quest:<entry>:<status>:<channel>` (a repeat enqueue is a no-op);
 *   3. only then write the snapshots;
 *   4. deliver the channel's pending jobs from the queue, completing each after posting.
 * A crash before 3 re-diffs the same changes next tick and the keys drop the repeats; a crash
 * after 3 leaves the jobs queued for the next tick. The one thing that can repeat is a
 * notice posted just before a crash and not yet marked complete (platforms offer no
 * idempotent post).
 */
import { schedule as cronSchedule } from 'node-cron';
import { silentLogger, type Logger } from '../../log.ts';
import type { Quest } from '../../ouro/index.ts';
import type { CommandOuro } from '../../commands/spec.ts';
import { entryCounts } from '../../commands/render/quest.ts';
import { baselineQuest } from '../../commands/watch-baseline.ts';
import type { Store, Watch } from '../../store/types.ts';
import type { ChatAdapter } from '../types.ts';
import { deliverToWatch, laneOf, notifyKey, NOTIFY_KIND, PARKED_AT, type NotifyPayload } from './deliver.ts';
import { diffEntries, snapshotsOf } from './diff.ts';

export interface TickStats {
  /** Distinct quests polled (one entries fetch each). */
  quests: number;
  watches: number;
  /** Quests whose fetch failed this tick (retried next tick). */
  failed: number;
  /** Entry changes found. */
  changes: number;
  enqueued: number;
  delivered: number;
  /** Notices not sent because the channel may not see the quest. */
  skipped: number;
  ms: number;
}

export interface QuestNotifier {
  start(): void;
  stop(): void;
  tick(): Promise<TickStats>;
  pollNow(questId: string): Promise<void>;
  baseline(questId: string): Promise<void>;
}

export interface QuestNotifierOptions {
  ouro: Pick<CommandOuro, 'quests' | 'users'>;
  store: Store;
  adapters: ChatAdapter[];
  /** node-cron expression (QUEST_POLL_CRON). */
  cron: string;
  logger?: Logger;
  webBaseUrl?: string;
  /** Default: node-cron. Tests pass their own to drive ticks by hand. */
  schedule?: (cron: string, fn: () => void) => { stop(): void };
  /** Quests polled at once; 4 keeps a tick quick without crowding Ouro's rate limit. */
  concurrency?: number;
}

const emptyStats = (): TickStats => ({ quests: 0, watches: 0, failed: 0, changes: 0, enqueued: 0, delivered: 0, skipped: 0, ms: 0 });

export function createQuestNotifier(opts: QuestNotifierOptions): QuestNotifier {
  const log = (opts.logger ?? silentLogger).child({ component: 'quest-notifier' });
  const webBaseUrl = (opts.webBaseUrl ?? 'https://ouro.foundation').replace(/\/+$/, '');
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const schedule = opts.schedule ?? ((cron, fn) => cronSchedule(cron, fn, { noOverlap: true }));
  let task: { stop(): void } | undefined;
  let running: Promise<TickStats> | undefined;
  // One poll of a quest at a time (a tick and a new watch's pollNow could meet).
  const locks = new Map<string, Promise<unknown>>();

  function withLock<T>(questId: string, fn: () => Promise<T>): Promise<T> {
    const prev = locks.get(questId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    locks.set(questId, next);
    void next.finally(() => locks.get(questId) === next && locks.delete(questId)).catch(() => undefined);
    return next;
  }

  async function pollQuest(questId: string, watches: Watch[], stats: TickStats): Promise<void> {
    const qlog = log.child({ questId });
    stats.quests++;
    let entries;
    try {
      entries = await opts.ouro.quests.entries(questId);
    } catch (err) {
      stats.failed++;
      qlog.warn({ err }, 'quest poll failed; retrying next tick');
      return;
    }
    const events = diffEntries(await opts.store.getSnapshots(questId), entries);
    stats.changes += events.length;
    for (const ev of events) {
      for (const w of watches) {
        if (!w.statuses.includes(ev.status)) continue;
        const payload: NotifyPayload = { questId, entryId: ev.entry.id, status: ev.status, entry: ev.entry };
        const { created } = await opts.store.enqueue({ lane: laneOf(w), kind: NOTIFY_KIND, payload, idempotencyKey: notifyKey(ev.entry.id, ev.status, w), runAt: PARKED_AT });
        if (created) stats.enqueued++;
      }
    }
    if (events.length) await opts.store.putSnapshots(snapshotsOf(questId, events));

    let quest: Quest | undefined;
    const counts = entryCounts(entries);
    const names = new Map<string, string>();
    for (const w of watches) {
      try {
        // Fetched at send time, once per quest, only when some channel has something to send.
        const needs = !w.cardMessageId || events.length > 0 || (await hasPending(w));
        if (!needs) continue;
        quest ??= await opts.ouro.quests.get(questId);
        const r = await deliverToWatch({ ouro: opts.ouro, store: opts.store, adapters: opts.adapters, webBaseUrl, logger: qlog, names }, w, quest, counts, events.length > 0);
        stats.delivered += r.delivered;
        stats.skipped += r.skipped;
      } catch (err) {
        qlog.warn({ err, channel: w.channel }, 'quest delivery failed; retrying next tick');
      }
    }
  }

  const hasPending = async (w: Watch) => (await opts.store.listJobs({ state: 'pending', lane: laneOf(w), limit: 1 })).length > 0;

  async function runTick(): Promise<TickStats> {
    const started = performance.now();
    const stats = emptyStats();
    const watches = await opts.store.listWatches();
    stats.watches = watches.length;
    const byQuest = new Map<string, Watch[]>();
    for (const w of watches) byQuest.set(w.questId, [...(byQuest.get(w.questId) ?? []), w]);
    const queue = [...byQuest.entries()];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [questId, ws] = next;
        await withLock(questId, () => pollQuest(questId, ws, stats));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
    stats.ms = performance.now() - started;
    if (stats.changes || stats.failed) log.info(stats, 'quest tick');
    return stats;
  }

  return {
    start() {
      if (task) return;
      task = schedule(opts.cron, () => {
        void this.tick().catch((err: unknown) => log.error({ err }, 'quest tick failed'));
      });
    },
    stop() {
      task?.stop();
      task = undefined;
    },
    /** A tick already running is joined rather than doubled. */
    tick() {
      running ??= runTick().finally(() => {
        running = undefined;
      });
      return running;
    },
    async pollNow(questId) {
      const watches = await opts.store.listWatches({ questId });
      if (!watches.length) return;
      await withLock(questId, () => pollQuest(questId, watches, emptyStats()));
    },
    async baseline(questId) {
      await baselineQuest({ ouro: opts.ouro, store: opts.store }, questId);
    },
  };
}
