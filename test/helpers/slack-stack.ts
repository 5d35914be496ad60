/**
 * The whole Slack stack for end-to-end tests: the Ouro sandbox (its webhooks delivered to
 * our HTTP server), a SQLite store, the Slack fake, the real bolt App (our Slack adapter, in
 * HTTP mode or Socket Mode) and the bridge core. `close()` stops it in reverse order.
 */
import { createSlackAdapter, type SlackAdapterOptions } from '../../src/adapters/slack/index.ts';
import { createBridge, type Bridge, type BridgeOptions } from '../../src/bridge/index.ts';
import type { ChatAdapter } from '../../src/bridge/types.ts';
import { createHttpServer, readBody, sendJson } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.ts';
import type { MirrorMode, Store } from '../../src/store/types.ts';
import { SEED_IDS } from '../../src/sandbox/seed.ts';
import { startFakeSlack, TEAM, type FakeSlack } from './fake-slack.ts';
import { makeTestStore } from './store.ts';

export const SLACK_SIGNING_SECRET = 'stack-signing-secret';

export interface SlackStack {
  mode: 'http' | 'socket';
  sandbox: Sandbox;
  ouro: OuroClient;
  store: Store;
  fake: FakeSlack;
  bridge: Bridge;
  close(): Promise<void>;
}

export interface SlackStackOptions {
  mode?: 'http' | 'socket';
  sandbox?: SandboxOptions;
  /** The Ouro client's timeout (a cold PGlite on a busy host takes seconds). */
  ouroTimeoutMs?: number;
  /** The Slack Web API client's options; omitted: its defaults (retries on, as in production). */
  clientOptions?: SlackAdapterOptions['clientOptions'];
  /** More of the bridge's options (commands, unfurls), given the stack's client, store, sandbox and Slack adapter. */
  bridge?: (ouro: OuroClient, store: Store, sandbox: Sandbox, adapter: ChatAdapter) => Partial<BridgeOptions>;
  /** Runs after the bridge started, before the adapter connects to Slack. */
  beforeAdapter?: (ouro: OuroClient) => Promise<void>;
}

export async function startSlackStack(opts: SlackStackOptions = {}): Promise<SlackStack> {
  const mode = opts.mode ?? 'http';
  const sandbox = await startSandbox({ webhookRetryDelaysMs: [50, 200], ...opts.sandbox });
  const ouro = createOuroClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, retries: 0, timeoutMs: opts.ouroTimeoutMs ?? 10_000 });
  const testStore = await makeTestStore('sqlite');
  const store = testStore.store;
  const fake = await startFakeSlack();
  const http = createHttpServer(silentLogger);
  const { url } = await http.listen(0, '127.0.0.1');
  const adapter = createSlackAdapter({
    botToken: 'xoxb-stack',
    apiUrl: fake.apiUrl,
    postIntervalMs: 10,
    ...(opts.clientOptions ? { clientOptions: opts.clientOptions } : {}),
    ...(mode === 'socket' ? { appToken: 'xapp-stack' } : { signingSecret: SLACK_SIGNING_SECRET, http }),
  });
  const bridge = createBridge({
    store,
    ouro,
    adapters: [adapter],
    retry: { baseMs: 20, maxMs: 300, maxAttempts: 30 },
    pollMs: 20,
    reconcileEveryMs: 0,
    ...opts.bridge?.(ouro, store, sandbox, adapter),
  });
  http.route('POST', '/ouro/webhooks/test', async (req, res) => {
    const answer = await bridge.handleOuroWebhook(JSON.parse(await readBody(req)));
    sendJson(res, answer.status, answer.body);
  });
  sandbox.setWebhookUrl(`${url}/ouro/webhooks/test`);
  await bridge.start();
  await opts.beforeAdapter?.(ouro);
  await adapter.start(bridge.inbox);
  if (mode === 'http') fake.deliverOverHttp(`${url}/slack/events`, SLACK_SIGNING_SECRET);
  return {
    mode,
    sandbox,
    ouro,
    store,
    fake,
    bridge,
    async close() {
      await bridge.stop();
      await adapter.stop();
      sandbox.setWebhookUrl(undefined);
      await http.close();
      await fake.close();
      await sandbox.close();
      await ouro.close();
      await testStore.cleanup();
    },
  };
}

/** Links `channel` of the fake's team to the demo seed's "Ouro Lab" org, as `/ouro link "Ouro Lab"` and `/ouro mirror <mode>` would. */
export async function linkToLab(store: Store, channel: string, mirrorMode: MirrorMode): Promise<void> {
  await store.upsertChannelLink({
    platform: 'slack',
    workspace: TEAM,
    channel,
    orgId: SEED_IDS.orgLab,
    orgName: 'Ouro Lab',
    teamId: null,
    teamName: null,
    mirrorMode,
    updatedBy: 'test',
  });
}
