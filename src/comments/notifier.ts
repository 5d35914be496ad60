/**
 * The comment notifier: every followed asset's comments, told to the channels following
 * it. Ouro sends the `comment` webhook only to some accounts (an asset's owner and those it
 * names, docs/ouro-api.md §6.1), so a node-cron schedule (COMMENT_POLL_CRON) polls each
 * followed asset once per tick, however many channels follow it; a webhook, when one
 * comes, polls its asset at once. Both take the asset's turn (../poller.ts), as does a
 * reply written from chat (./from-chat.ts), so nothing is posted twice or echoed back.
 *
 * Durability: each channel's record of the asset's comments (./types.ts CommentCopy) is
 * written right after each post, so a restart repeats nothing recorded and misses nothing
 * not yet recorded; only a crash between a post and its record repeats that one message.
 */
import { silentLogger, type Logger } from '../log.ts';
import type { Comment } from '../ouro/index.ts';
import type { Store } from '../store/types.ts';
import type { ChatAdapter } from '../bridge/types.ts';
import { createPoller } from '../poller.ts';
import { createWatchHealth, PAUSE_AFTER_FAILURES } from '../quests/watch-health.ts';
import { commentsOf, fetchFollowed, REPLY_SCAN, REPLY_WINDOW_MS, type CommentsOuro } from './fetch.ts';
import { copyOf, deliverToFollow, unseen } from './deliver.ts';
import type { Follow, FollowKey } from './types.ts';

export interface CommentTickStats {
  /** Assets polled (one comment read, plus one per top-level comment of the last week, at most 50). */
  assets: number;
  failed: number;
  delivered: number;
  edited: number;
  skipped: number;
  paused: number;
}

export interface CommentNotifier {
  start(): void;
  stop(): void;
  tick(): Promise<CommentTickStats>;
  /** Polls one asset now; `also` names top-level comments whose replies are read whatever their age (a webhook's hint). */
  pollNow(assetId: string, also?: readonly string[]): Promise<void>;
  /** Runs `fn` in the asset's turn; false when another replica holds it (nothing ran). */
  withAsset(assetId: string, fn: () => Promise<void>): Promise<boolean>;
  /** Records the asset's current comments as known to `follow`'s channel: a new follow posts only what comes next. */
  baseline(follow: FollowKey): Promise<number>;
}

export interface CommentNotifierOptions {
  ouro: CommentsOuro;
  store: Store;
  adapters: ChatAdapter[];
  /** node-cron expression (COMMENT_POLL_CRON). */
  cron: string;
  logger?: Logger;
  webBaseUrl?: string;
  /** OURO_ALLOWED_ORGS (see commands/scope.ts). */
  allowedOrgs?: readonly string[];
  schedule?: (cron: string, fn: () => void) => { stop(): void };
  /** Several replicas: see ../poller.ts. */
  exclusive?: (assetId: string, fn: () => Promise<void>) => Promise<boolean>;
  pauseAfterFailures?: number;
  now?: () => number;
}

const emptyStats = (): CommentTickStats => ({ assets: 0, failed: 0, delivered: 0, edited: 0, skipped: 0, paused: 0 });

export function createCommentNotifier(opts: CommentNotifierOptions): CommentNotifier {
  const log = (opts.logger ?? silentLogger).child({ component: 'comment-notifier' });
  const webBaseUrl = (opts.webBaseUrl ?? 'https://ouro.foundation').replace(/\/+$/, '');
  const now = opts.now ?? Date.now;
  const health = createWatchHealth((f: Follow, h) => opts.store.setFollowHealth(f, h), 'comment', now, opts.pauseAfterFailures ?? PAUSE_AFTER_FAILURES);
  let names = new Map<string, string>();

  async function pollAsset(assetId: string, stats: CommentTickStats, also: readonly string[] = []): Promise<void> {
    const alog = log.child({ assetId });
    // Read in the asset's turn: a poll just before may have posted the card.
    const follows = await opts.store.listFollows({ assetId });
    if (!follows.length) return;
    stats.assets++;
    let comments: Comment[];
    try {
      comments = await commentsOf(opts.ouro, assetId, { since: now() - REPLY_WINDOW_MS, scan: REPLY_SCAN, also });
    } catch (err) {
      stats.failed++;
      alog.warn({ err }, 'comment poll failed; retrying next tick');
      return;
    }
    let asset: Awaited<ReturnType<typeof fetchFollowed>> | undefined;
    for (const f of follows) {
      try {
        if (f.pausedAt !== null) {
          stats.paused++;
          continue;
        }
        const copies = await opts.store.getCommentCopies(f);
        const { fresh, changed } = unseen(copies, comments);
        if (!fresh.length && !changed.length && f.cardMessageId) continue;
        // Fetched at send time, so visibility is judged on the asset as it is now.
        asset ??= await fetchFollowed(opts.ouro, f.assetType, assetId).catch((err: unknown) => {
          stats.failed++;
          alog.warn({ err }, 'followed asset could not be read; retrying next tick');
          return undefined;
        });
        if (!asset) return;
        const ctx = { ouro: opts.ouro, store: opts.store, adapters: opts.adapters, webBaseUrl, allowedOrgs: opts.allowedOrgs, logger: alog, names, now };
        const fetched = asset;
        const r = await health.track(f, alog, () => deliverToFollow(ctx, f, fetched, comments, copies));
        stats.delivered += r?.delivered ?? 0;
        stats.edited += r?.edited ?? 0;
        stats.skipped += r?.skipped ?? 0;
      } catch (err) {
        alog.warn({ err, channel: f.channel }, 'comment delivery failed; retrying next tick');
      }
    }
  }

  const poller = createPoller<CommentTickStats>({
    cron: opts.cron,
    ...(opts.schedule ? { schedule: opts.schedule } : {}),
    concurrency: 4,
    ...(opts.exclusive ? { exclusive: opts.exclusive } : {}),
    logger: log,
    async keys() {
      names = new Map();
      return (await opts.store.listFollows()).map((f) => f.assetId);
    },
    stats: emptyStats,
    poll: (assetId, stats) => pollAsset(assetId, stats),
    ticked(stats, ms) {
      if (stats.delivered || stats.edited || stats.failed || stats.paused) log.info({ ...stats, ms }, 'comment tick');
    },
  });

  return {
    start: poller.start,
    stop: poller.stop,
    tick: poller.tick,
    async pollNow(assetId, also = []) {
      if (!(await poller.run(assetId, () => pollAsset(assetId, emptyStats(), also))))
        log.debug({ assetId }, 'asset is being polled by another replica; skipped');
    },
    withAsset: (assetId, fn) => poller.run(assetId, fn),
    async baseline(key) {
      const comments = await commentsOf(opts.ouro, key.assetId);
      const at = now();
      await opts.store.putCommentCopies(comments.map((c) => copyOf(key, c, { origin: 'before', chatMessageId: null, at })));
      return comments.length;
    },
  };
}
