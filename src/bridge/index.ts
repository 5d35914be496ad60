/**
 * The bridge core's public API. `createBridge` wires the inbox (ack path), the durable
 * worker (chat → Ouro and Ouro → chat jobs), the webhook handler and the reconciliation
 * timer. Adapters are started by the runtime, which hands them `bridge.inbox`.
 */
import { ROUTE_POLL_JOB, type RoutePollPayload } from '../commands/route-run.ts';
import { createRoutePoll } from './route-poll.ts';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { silentLogger, type Logger } from '../log.ts';
import type { Job, Platform } from '../store/types.ts';
import type { Accounts } from '../accounts/types.ts';
import { createAsPerson } from './as-person.ts';
import { createCatchUp, type CatchUpReport } from './catch-up.ts';
import { channelKeyOf, threadKeyOf } from './chat-ref.ts';
import type { BridgeContext } from './context.ts';
import { createInbox } from './inbox.ts';
import { createInteractive, type LinkSharedHook } from './interactive.ts';
import { JOB, type DeletedPayload, type EditedPayload, type PostedPayload, type SyncPayload } from './jobs.ts';
import { watchOuro } from './ouro-health.ts';
import { noopMetrics, type BridgeOptions as CoreOptions, type RetryPolicy } from './ports.ts';
import { createReconciler } from './reconcile.ts';
import { resolveEvent } from './resolve-event.ts';
import { PermanentError } from './retry.ts';
import { createThreads } from './threads.ts';
import { createToChat } from './to-chat.ts';
import { createToOuro } from './to-ouro.ts';
import type { BridgeInbox, ChatAdapter } from './types.ts';
import { createWebhookHandler } from './webhook.ts';
import { createWorker } from './worker.ts';

export type { BridgeMetrics, OuroMessageLike, OuroPort, RetryPolicy } from './ports.ts';
export { noopMetrics } from './ports.ts';
export { decodeChatRef, encodeChatRef } from './chat-ref.ts';
export { InvalidEventError } from './inbox.ts';
export type { LinkSharedHook } from './interactive.ts';
export type { CatchUpReport } from './catch-up.ts';

export interface BridgeOptions extends CoreOptions {
  /** How long a claimed job is ours unless renewed (default 30 s; tests shorten it). */
  leaseMs?: number;
  /** Fills link previews on `link.shared`; default: none (debug log). */
  onLinkShared?: LinkSharedHook;
  /**
   * False: `start()` leaves the reconciliation timer off, and the runtime runs it with
   * `startReconcileTimer`/`stopReconcileTimer` only while this replica holds the scheduler
   * lease (two replicas reconciling is harmless but doubles the work). Default true.
   */
  reconcileOnStart?: boolean;
  /** Linked Ouro accounts: a linked person's messages are written as them (as-person.ts). */
  accounts?: Accounts;
}

export interface Bridge {
  /** What adapters call. */
  inbox: BridgeInbox;
  /** The runtime's HTTP route calls this after checking the secret. */
  handleOuroWebhook(body: unknown): Promise<{ status: number; body: unknown }>;
  /** whoami, then the worker loop and the reconciliation timer (adapters are the runtime's). */
  start(): Promise<void>;
  /** Stops taking jobs and waits (bounded) for running ones; the rest stays durable. */
  stop(): Promise<void>;
  /** Tests/bench: resolves when no pending or running job remains (and commands have answered). */
  drain(timeoutMs?: number): Promise<void>;
  /** One reconciliation pass (also on a timer). */
  reconcile(): Promise<void>;
  /** Starts the reconciliation timer (a first pass at once); idempotent. Off when `reconcileEveryMs` is 0. */
  startReconcileTimer(): void;
  stopReconcileTimer(): void;
  health(): { ouro: boolean; worker: boolean };
  botUserId(): string | undefined;
  /** Reads what `platform`'s mirrored places received while nobody listened (catch-up.ts); logs one line. */
  catchUp(platform: Platform): Promise<CatchUpReport | undefined>;
}

/**
 * 0.5 s doubling to a 60 s cap, 12 runs: about 6 minutes of trying (an Ouro deploy or a
 * rate-limit window) before a job is dead and waits for an operator.
 */
/** FILE_MAX_BYTES' default: 25 MB, as src/config.ts documents. */
export const DEFAULT_FILE_MAX_BYTES = 25_000_000;

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 500, maxMs: 60_000, maxAttempts: 12 };
/** Lanes in parallel: enough to hide Ouro's round trip, few enough for a 2-core host. */
const DEFAULT_CONCURRENCY = 16;
/** Idle poll: jobs enqueued in this process wake the worker at once; this catches the rest (retries, other replicas). */
const DEFAULT_POLL_MS = 250;
/**
 * A job's lease: how long a crashed replica's jobs wait before another replica takes them
 * (on SQLite a restart hands them back at once). Running jobs renew it every third, so a
 * job may run longer than this.
 */
const DEFAULT_LEASE_MS = 30_000;
/** Webhooks are the fast path; this pass only catches the ones that never came. */
const DEFAULT_RECONCILE_MS = 60_000;
/** A stopping bridge waits this long for running jobs; their leases make them run again later. */
const STOP_WAIT_MS = 10_000;

export function createBridge(opts: BridgeOptions): Bridge {
  const logger: Logger = (opts.logger ?? silentLogger).child({ part: 'bridge' });
  const metrics = opts.metrics ?? noopMetrics;
  const now = opts.now ?? Date.now;
  const adapters = new Map<Platform, ChatAdapter>();
  for (const a of opts.adapters) {
    if (adapters.has(a.platform)) throw new Error(`two adapters for platform ${a.platform}`);
    adapters.set(a.platform, a);
  }
  let bot: string | undefined;
  let ouroOk = false;
  let reconcileTimer: NodeJS.Timeout | undefined;

  const ouro = watchOuro(opts.ouro, (ok) => {
    ouroOk = ok;
  });
  const ctx: BridgeContext = {
    store: opts.store,
    ouro,
    adapters,
    logger,
    metrics,
    now,
    files: { maxBytes: opts.fileMaxBytes ?? DEFAULT_FILE_MAX_BYTES, tmpDir: opts.fileTmpDir ?? tmpdir() },
    ...(opts.accounts ? { accounts: opts.accounts } : {}),
    botUserId() {
      if (!bot) throw new Error('the bridge has not started: its Ouro identity is unknown');
      return bot;
    },
  };
  const threads = createThreads(ctx);
  const toOuro = createToOuro(ctx, threads);
  const toChat = createToChat(ctx, threads);
  const routePoll = createRoutePoll(ctx);

  async function handle(job: Job): Promise<void> {
    switch (job.kind) {
      case JOB.posted: {
        const p = job.payload as PostedPayload;
        const event = await resolveEvent(adapters, p.event);
        if (await opts.commentReplies?.posted(job, event)) return;
        return toOuro.posted(job, { ...p, event });
      }
      case JOB.edited: {
        const p = job.payload as EditedPayload;
        const event = await resolveEvent(adapters, p.event);
        if (await opts.commentReplies?.edited(job, event)) return;
        return toOuro.edited(job, { ...p, event });
      }
      case JOB.deleted:
        return toOuro.deleted(job, job.payload as DeletedPayload);
      case JOB.sync:
        return toChat.sync(job.payload as SyncPayload);
      case ROUTE_POLL_JOB:
        return routePoll(job.payload as RoutePollPayload);
      default:
        throw new PermanentError(`unknown job kind ${JSON.stringify(job.kind)}`);
    }
  }

  const worker = createWorker({
    store: opts.store,
    logger,
    metrics,
    workerId: opts.workerId ?? `bridge-${randomUUID().slice(0, 8)}`,
    concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY,
    retry: opts.retry ?? DEFAULT_RETRY,
    pollMs: opts.pollMs ?? DEFAULT_POLL_MS,
    leaseMs: opts.leaseMs ?? DEFAULT_LEASE_MS,
    soleWorker: opts.store.engine === 'sqlite',
    now,
    handle,
  });
  const interactive = createInteractive({
    adapters,
    commands: opts.commands,
    logger,
    bridgeAdmins: opts.bridgeAdmins ?? [],
    onLinkShared: opts.onLinkShared,
  });
  const asPerson = createAsPerson(ctx);
  /** A key pasted into a mirrored place: told privately (the inbox kept the message out). */
  async function pastedKey(ref: Parameters<typeof channelKeyOf>[0], userId: string): Promise<void> {
    const mirrored =
      (await opts.store.getThreadLink(threadKeyOf(ref))) !== undefined || ((await opts.store.getChannelLink(channelKeyOf(ref)))?.mirrorMode ?? 'off') !== 'off';
    if (mirrored) await asPerson.pastedKey(ref, userId);
  }
  const inbox = createInbox({
    store: opts.store,
    metrics,
    logger,
    now,
    wake: worker.wake,
    interactive: interactive.handle,
    pastedKey: (ref, userId) => void pastedKey(ref, userId).catch((err: unknown) => logger.warn({ err }, 'pasted-key notice failed')),
  });
  const handleOuroWebhook = createWebhookHandler({
    store: opts.store,
    logger,
    metrics,
    now,
    botUserId: () => bot,
    wake: worker.wake,
    ...(opts.onComment ? { onComment: opts.onComment } : {}),
  });
  const catchUp = createCatchUp({
    store: opts.store,
    adapters,
    inbox,
    logger,
    now,
    isMirrored: threads.isMirrored,
    ...(opts.commentReplies ? { extraPlaces: opts.commentReplies.catchUpPlaces } : {}),
  });
  const reconcile = createReconciler({ store: opts.store, logger, now, wake: worker.wake });

  function startReconcileTimer(): void {
    const every = opts.reconcileEveryMs ?? DEFAULT_RECONCILE_MS;
    if (every <= 0 || reconcileTimer) return;
    const pass = () => {
      reconcile().catch((err: unknown) => logger.error({ err }, 'reconciliation pass failed'));
    };
    // The first pass right away catches what was written on Ouro while we were down.
    pass();
    reconcileTimer = setInterval(pass, every);
    reconcileTimer.unref();
  }

  function stopReconcileTimer(): void {
    if (reconcileTimer) clearInterval(reconcileTimer);
    reconcileTimer = undefined;
  }

  return {
    inbox,
    handleOuroWebhook,
    reconcile,
    startReconcileTimer,
    stopReconcileTimer,
    async start() {
      const me = await ouro.auth.whoami();
      bot = me.id;
      logger.info({ ouroUser: me.username ?? me.id }, 'bridge started');
      worker.start();
      if (opts.reconcileOnStart !== false) startReconcileTimer();
    },
    async stop() {
      stopReconcileTimer();
      await catchUp.stop();
      await Promise.all([worker.stop(STOP_WAIT_MS), interactive.settle(STOP_WAIT_MS)]);
    },
    async drain(timeoutMs = 10_000) {
      await worker.drain(timeoutMs);
      await interactive.settle(timeoutMs);
    },
    health: () => ({ ouro: ouroOk, worker: worker.running() && worker.healthy() }),
    botUserId: () => bot,
    catchUp: (platform) => catchUp.run(platform),
  };
}
