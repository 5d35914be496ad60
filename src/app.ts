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
 */
import { ConfigError, type Config } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { createMetrics, type AppMetrics } from './metrics.ts';
import { createHttpServer, type HttpServer } from './http/server.ts';
import { registerCoreRoutes } from './http/routes.ts';
import { openStore } from './store/index.ts';
import type { Store } from './store/types.ts';
import type { ChatAdapter } from './bridge/types.ts';
import { createBridge, type Bridge } from './bridge/index.ts';
import { createQuestNotifier } from './bridge/quests/index.ts';
import { createCommandRunner } from './commands/index.ts';
import { suggestAssets } from './commands/autocomplete.ts';
import { createOuroClient, type OuroClient } from './ouro/index.ts';
// Pure (no Slack SDK): the link.shared hook that previews Ouro links through adapter.unfurl.
import { createOuroUnfurler } from './adapters/slack/unfurl.ts';

export interface BridgeTuning {
  concurrency?: number;
  retry?: { baseMs: number; maxMs: number; maxAttempts: number };
  reconcileEveryMs?: number;
  pollMs?: number;
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
  /** How long `stop()` waits for queued jobs before leaving them for the next start. */
  drainTimeoutMs?: number;
}

export interface App {
  readonly config: Config;
  readonly bridge: Bridge;
  readonly store: Store;
  readonly http: HttpServer;
  readonly metrics: AppMetrics;
  readonly adapters: readonly ChatAdapter[];
  readonly logger: Logger;
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
}

/** Ten seconds: Kubernetes' default grace period is 30 s, and adapters need some of it. */
const DEFAULT_DRAIN_MS = 10_000;

export async function createApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const logger =
    opts.logger ??
    createLogger({
      level: config.logLevel,
      secrets: [config.webhookSecret, config.ouro.apiKey, config.slack?.botToken, config.discord?.token],
    });
  if (!config.ouro.apiKey) throw new ConfigError('OURO_API_KEY', 'required: a personal access token from ouro.foundation/settings/api-keys');

  const metrics = opts.metrics ?? createMetrics();
  const store = await openStore(config.store, { logger, ...(opts.storeSchema ? { schema: opts.storeSchema } : {}) });
  const cleanups: (() => Promise<void>)[] = [() => store.close()];
  try {
    const ouro = createOuroClient({ baseUrl: config.ouro.baseUrl, apiKey: config.ouro.apiKey, logger });
    cleanups.unshift(() => ouro.close());
    const http = createHttpServer(logger);
    const adapters = [...(await platformAdapters(config, { logger, http, ouro, store })), ...(opts.adapters ?? [])];
    const notifier = createQuestNotifier({ ouro, store, adapters, cron: config.questPollCron, logger });
    const commands = createCommandRunner({ ouro, store, bridgeAdmins: config.bridgeAdmins, notifier, logger });
    const bridge = createBridge({
      store,
      ouro,
      adapters,
      commands,
      logger,
      metrics,
      bridgeAdmins: config.bridgeAdmins,
      onLinkShared: createOuroUnfurler({ ouro, store, logger }),
      ...(opts.workerId ? { workerId: opts.workerId } : {}),
      ...opts.tuning,
    });

    let accepting = true;
    registerCoreRoutes(http, {
      bridge: {
        // Once stopping, a webhook gets 503 so Ouro redelivers it to the next process.
        handleOuroWebhook: (body) =>
          accepting ? bridge.handleOuroWebhook(body) : Promise.resolve({ status: 503, body: { error: 'shutting down' } }),
        health: () => bridge.health(),
      },
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
      async start() {
        if (started) return started;
        await bridge.start();
        for (const a of adapters) {
          await a.start(bridge.inbox);
          startedAdapters.push(a);
        }
        notifier.start();
        const { url } = await http.listen(config.http.port, config.http.host);
        started = { url };
        logger.info({ url, adapters: adapters.map((a) => a.platform), store: store.engine }, 'ouro-bridge started');
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
          await step('quest notifier', async () => notifier.stop());
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
  deps: { logger: Logger; http: HttpServer; ouro: OuroClient; store: Store },
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
        autocomplete: (kind, query, channel) => suggestAssets(deps, kind, query, channel),
      }),
    );
  }
  return adapters;
}
