/**
 * The runtime: wires config into the store, the Ouro client, the command runner, the chat
 * adapters, the bridge core and the one HTTP port, and shuts them down in order.
 *
 * Start order: store (migrations run) → Ouro client → bridge (token checked, worker
 * running) → adapters (events flow in) → HTTP (webhooks, Slack events, probes).
 * Stop order: refuse new webhooks → stop adapters (no new chat events) → drain the queue,
 * bounded → stop the bridge → close HTTP, the Ouro client and the store. Anything not
 * drained stays in the durable queue and runs after the next start.
 *
 * Platform adapters load only when their tokens are set, so a console-only run never loads
 * discord.js or bolt.
 *
 * Several replicas (PostgreSQL): every replica takes Slack HTTP events, Ouro webhooks and
 * queue jobs. Two duties run on one replica at a time, each behind a lease in the store
 * (src/bridge/leader.ts): `scheduler` (the quest notifier and the reconciliation timer) and
 * `discord-gateway:0` (the Discord gateway session; every replica keeps Discord REST). On
 * SQLite the process is alone, so both are simply this process's.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError, type Config } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { createMetrics, type AppMetrics } from './metrics.ts';
import { createHttpServer, type HttpLimits, type HttpServer } from './http/server.ts';
import { registerCoreRoutes, type LeaseView } from './http/routes.ts';
import { openStore } from './store/index.ts';
import type { Store } from './store/types.ts';
import type { ChatAdapter } from './bridge/types.ts';
import { createBridge, type Bridge } from './bridge/index.ts';
import { createLeader, createSoleLeader, runExclusive, type Leader } from './bridge/leader.ts';
import { createQuestNotifier } from './quests/index.ts';
import { createCommentNotifier } from './comments/notifier.ts';
import { createCommentReplies } from './comments/from-chat.ts';
import { tellPrivately } from './bridge/tell.ts';
import { createAccounts } from './accounts/index.ts';
import { createCommandRunner } from './commands/index.ts';
import { suggestAssets, suggestRoutes } from './commands/autocomplete.ts';
import { createOuroClient, type OuroClient } from './ouro/index.ts';
import { warnAboutAllowedOrgs } from './allowed-orgs.ts';
// Pure (no Slack SDK): the link.shared hook that previews Ouro links through adapter.unfurl.
import { createOuroUnfurler } from './adapters/slack/unfurl.ts';
import type { DiscordAdapter } from './adapters/discord/index.ts';

export interface BridgeTuning {
  concurrency?: number;
  retry?: { baseMs: number; maxMs: number; maxAttempts: number };
  reconcileEveryMs?: number;
  pollMs?: number;
  /** A claimed job's lease (tests shorten it to outlast it; default in src/bridge/index.ts). */
  leaseMs?: number;
}

export interface AppOptions {
  logger?: Logger;
  /** Adapters the caller built (console, tests); added to those the config enables. */
  adapters?: ChatAdapter[];
  workerId?: string;
  metrics?: AppMetrics;
  /** Core tuning (tests and the benchmark use short polls and retries). */
  tuning?: BridgeTuning;
  /** PostgreSQL only: the schema the store lives in (tests isolate with one each). */
  storeSchema?: string;
  /** The HTTP port's timeouts and connection cap (tests shorten the timeouts). */
  httpLimits?: HttpLimits;
  /** How long `stop()` waits for queued jobs before leaving them for the next start. */
  drainTimeoutMs?: number;
  /** Lease timing on PostgreSQL (tests use short ones); defaults in src/bridge/leader.ts. */
  leases?: { ttlMs?: number; renewMs?: number };
}

/** The lease names, one per duty that must run on one replica. */
export const SCHEDULER_LEASE = 'scheduler';
/** One shard (shard 0 of 1) until sharding is configurable. */
export const DISCORD_GATEWAY_LEASE = 'discord-gateway:0';
/**
 * How long one quest's poll may hold its cross-replica lock: far above a poll's duration
 * (a whole tick of 100 quests × 200 entries took 0.6 s in the benchmark), and a crashed
 * poller delays that quest's notices by two minutes at most.
 */
const QUEST_POLL_LOCK_MS = 120_000;

export interface App {
  readonly config: Config;
  readonly bridge: Bridge;
  readonly store: Store;
  readonly http: HttpServer;
  readonly metrics: AppMetrics;
  readonly adapters: readonly ChatAdapter[];
  readonly logger: Logger;
  /** This replica's name as a lease holder (BRIDGE_INSTANCE_ID, or host:pid:random). */
  readonly instanceId: string;
  /** The leases this replica takes part in, and whether it holds each now. */
  leases(): Record<string, LeaseView>;
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
}

/** The runtime's logger: LOG_LEVEL, and every configured secret scrubbed from each line. */
export function loggerFor(config: Config, destination?: NodeJS.WritableStream): Logger {
  const secrets = [
    config.webhookSecret,
    config.ouro.apiKey,
    config.slack?.botToken,
    config.slack?.appToken,
    config.slack?.signingSecret,
    config.discord?.token,
  ];
  return createLogger({ level: config.logLevel, secrets, ...(destination ? { destination, pretty: false } : {}) });
}

/** Ten seconds: Kubernetes' default grace period is 30 s, and adapters need some of it. */
const DEFAULT_DRAIN_MS = 10_000;

export async function createApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const logger = opts.logger ?? loggerFor(config);
  if (!config.ouro.apiKey) throw new ConfigError('OURO_API_KEY', 'required: a personal access token from ouro.foundation/settings/api-keys');

  const metrics = opts.metrics ?? createMetrics();
  const store = await openStore(config.store, { logger, ...(opts.storeSchema ? { schema: opts.storeSchema } : {}) });
  const cleanups: (() => Promise<void>)[] = [() => store.close()];
  try {
    const ouro = createOuroClient({ baseUrl: config.ouro.baseUrl, apiKey: config.ouro.apiKey, logger });
    cleanups.unshift(() => ouro.close());
    const http = createHttpServer(logger, opts.httpLimits);
    const replicated = store.engine === 'postgres';
    const adapters = [...(await platformAdapters(config, { logger, http, ouro, store, replicated })), ...(opts.adapters ?? [])];
    const instanceId = config.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    const notifier = createQuestNotifier({
      ouro,
      store,
      adapters,
      cron: config.questPollCron,
      allowedOrgs: config.ouro.allowedOrgs,
      logger,
      ...(replicated ? { exclusive: (questId, poll) => runExclusive(store, `quest-poll:${questId}`, instanceId, QUEST_POLL_LOCK_MS, poll) } : {}),
    });
    const comments = createCommentNotifier({
      ouro,
      store,
      adapters,
      cron: config.commentPollCron,
      allowedOrgs: config.ouro.allowedOrgs,
      logger,
      ...(replicated ? { exclusive: (assetId, poll) => runExclusive(store, `comment-poll:${assetId}`, instanceId, QUEST_POLL_LOCK_MS, poll) } : {}),
    });
    const accounts = createAccounts({
      store,
      bot: ouro,
      ...(config.secretKey ? { secretKey: config.secretKey } : {}),
      ouro: { baseUrl: config.ouro.baseUrl },
      logger,
    });
    cleanups.unshift(() => accounts.close());
    const commands = createCommandRunner({
      ouro,
      store,
      bridgeAdmins: config.bridgeAdmins,
      allowedOrgs: config.ouro.allowedOrgs,
      notifier,
      comments,
      logger,
      accounts,
    });
    let botUserId: () => string | undefined = () => undefined;
    const commentReplies = createCommentReplies({
      ouro,
      store,
      notifier: comments,
      accounts,
      allowedOrgs: config.ouro.allowedOrgs,
      logger,
      botUserId: () => botUserId(),
      tell: (ref, userId, text) => tellPrivately(adapters, logger, ref, userId, text),
    });
    const bridge = createBridge({
      store,
      ouro,
      adapters,
      commands,
      accounts,
      logger,
      metrics,
      bridgeAdmins: config.bridgeAdmins,
      fileMaxBytes: config.fileMaxBytes,
      onLinkShared: createOuroUnfurler({ ouro, store, logger, allowedOrgs: config.ouro.allowedOrgs }),
      commentReplies,
      onComment: (assetId, also) =>
        void comments.pollNow(assetId, also).catch((err: unknown) => logger.warn({ err, assetId }, 'comment poll after a webhook failed')),
      ...(opts.workerId ? { workerId: opts.workerId } : {}),
      ...opts.tuning,
      reconcileOnStart: false,
    });
    botUserId = bridge.botUserId;

    // Catch-up (src/bridge/catch-up.ts): Discord on every fresh gateway session, which only
    // the gateway's holder has; Slack once per scheduler lease taken (start, takeover) and on
    // each Socket Mode reconnect of the scheduler's holder, so replicas do not all read history.
    const catchUp = (platform: ChatAdapter['platform']) => void bridge.catchUp(platform);
    const slack = adapters.find((a) => a.platform === 'slack' && a.messagesSince);
    const lead = (name: string, onAcquired: () => void | Promise<void>, onLost: () => void | Promise<void>): Leader =>
      replicated
        ? createLeader({ leases: store, name, holder: instanceId, onAcquired, onLost, logger, ...opts.leases })
        : createSoleLeader({ name, onAcquired, onLost });
    const leaders: Leader[] = [
      lead(
        SCHEDULER_LEASE,
        () => {
          notifier.start();
          comments.start();
          bridge.startReconcileTimer();
          if (slack) catchUp('slack');
        },
        () => {
          // A tick already running finishes; no new one starts here.
          notifier.stop();
          comments.stop();
          bridge.stopReconcileTimer();
        },
      ),
    ];
    slack?.onFreshSession?.(() => {
      if (leaders.find((l) => l.name === SCHEDULER_LEASE)?.isLeader()) catchUp('slack');
    });
    adapters.find((a) => a.platform === 'discord')?.onFreshSession?.(() => catchUp('discord'));
    const discord = adapters.find((a): a is DiscordAdapter => a.platform === 'discord' && 'connectGateway' in a);
    if (discord && replicated)
      leaders.push(
        lead(
          DISCORD_GATEWAY_LEASE,
          () => discord.connectGateway(),
          () => discord.disconnectGateway(),
        ),
      );
    const standby: Record<string, string> = {
      [SCHEDULER_LEASE]: 'not held here: another replica polls quests and reconciles; this one takes over if that lease lapses',
      [DISCORD_GATEWAY_LEASE]:
        'not held here: another replica receives Discord events; this one posts over Discord REST and takes the gateway over if that lease lapses',
    };
    const leases = (): Record<string, LeaseView> =>
      Object.fromEntries(leaders.map((l) => [l.name, l.isLeader() ? { held: true } : { held: false, detail: standby[l.name] }]));

    let accepting = true;
    registerCoreRoutes(http, {
      bridge: {
        // Once stopping, a webhook gets 503 so Ouro redelivers it to the next process.
        handleOuroWebhook: (body) => (accepting ? bridge.handleOuroWebhook(body) : Promise.resolve({ status: 503, body: { error: 'shutting down' } })),
        health: () => bridge.health(),
      },
      leases,
      store,
      adapters,
      metrics,
      logger,
      ...(config.webhookSecret ? { webhookSecret: config.webhookSecret } : {}),
    });
    if (!config.webhookSecret) logger.warn('OURO_WEBHOOK_SECRET is not set: Ouro-side messages arrive only by reconciliation');

    let started: { url: string } | undefined;
    let stopping: Promise<void> | undefined;
    const startedAdapters: ChatAdapter[] = [];

    const app: App = {
      config,
      bridge,
      store,
      http,
      metrics,
      adapters,
      logger,
      instanceId,
      leases,
      async start() {
        if (started) return started;
        await bridge.start();
        await warnAboutAllowedOrgs(ouro, config.ouro.allowedOrgs, logger);
        for (const a of adapters) {
          await a.start(bridge.inbox);
          startedAdapters.push(a);
        }
        // A lone replica has its duties (and the Discord gateway) running when start resolves.
        for (const l of leaders) await l.start();
        const { url } = await http.listen(config.http.port, config.http.host);
        started = { url };
        logger.info({ url, adapters: adapters.map((a) => a.platform), store: store.engine, instanceId, leases: leases() }, 'ouro-bridge started');
        return started;
      },
      stop() {
        stopping ??= (async () => {
          accepting = false;
          const step = async (what: string, fn: () => Promise<unknown>) => {
            try {
              await fn();
            } catch (err) {
              logger.error({ err }, `shutdown: ${what} failed`);
            }
          };
          // Duties stop and their leases are released first, so another replica takes over at once.
          for (const l of leaders) await step(`lease ${l.name}`, () => l.stop());
          for (const a of startedAdapters.reverse()) await step(`adapter ${a.platform}`, () => a.stop());
          await step('drain', () => bridge.drain(opts.drainTimeoutMs ?? DEFAULT_DRAIN_MS));
          await step('bridge', () => bridge.stop());
          await step('http', () => http.close());
          for (const c of cleanups) await step('close', c);
          logger.info('ouro-bridge stopped');
        })();
        return stopping;
      },
    };
    return app;
  } catch (err) {
    for (const c of cleanups) await c().catch(() => undefined);
    throw err;
  }
}

/**
 * The platforms whose tokens are set, loaded on demand: a run without Slack never loads
 * bolt, one without Discord never loads discord.js.
 */
async function platformAdapters(
  config: Config,
  deps: { logger: Logger; http: HttpServer; ouro: OuroClient; store: Store; replicated: boolean },
): Promise<ChatAdapter[]> {
  const adapters: ChatAdapter[] = [];
  if (config.slack) {
    const { createSlackAdapter } = await import('./adapters/slack/index.ts');
    adapters.push(createSlackAdapter({ ...config.slack, http: deps.http, bridgeAdmins: config.bridgeAdmins, logger: deps.logger }));
  }
  if (config.discord) {
    const { createDiscordAdapter } = await import('./adapters/discord/index.ts');
    adapters.push(
      createDiscordAdapter({
        ...config.discord,
        bridgeAdmins: config.bridgeAdmins,
        logger: deps.logger,
        autocomplete: (kind, query, channel) => {
          const lookup = { ...deps, allowedOrgs: config.ouro.allowedOrgs };
          return kind === 'route' ? suggestRoutes(lookup, query, channel) : suggestAssets(lookup, kind, query, channel);
        },
        // Replicas connect the gateway only while holding its lease (createApp).
        connectGatewayOnStart: !deps.replicated,
      }),
    );
  }
  return adapters;
}
