/**
 * The bridge core, whole, for mirror tests: the Ouro sandbox over real HTTP, the real Ouro
 * client, a real SQLite store, test adapters (one per platform), and a loopback webhook
 * receiver that hands the sandbox's deliveries to `bridge.handleOuroWebhook` the way the
 * runtime's route does. Small retry delays keep fault tests fast.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBridge, type Bridge, type BridgeOptions } from '../../src/bridge/index.ts';
import type { ChatUser } from '../../src/bridge/types.ts';
import { createOuroClient } from '../../src/ouro/index.ts';
import type { OuroClient } from '../../src/ouro/index.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import type { MirrorMode, Platform, Store } from '../../src/store/types.ts';
import { makeTestStore } from '../helpers/store.ts';
import { TestAdapter } from '../helpers/test-adapter.ts';
export { eventually } from '../helpers/eventually.ts';

export const ada: ChatUser = { id: 'U-ADA', name: 'Ada Lovelace', avatarUrl: 'https://avatars.example/ada.png' };
export const bob: ChatUser = { id: 'U-BOB', name: 'Bob' };
export const dee: ChatUser = { id: 'D-DEE', name: 'Dee' };

export interface Webhook {
  body: unknown;
  answer: { status: number; body: unknown };
}

export interface Mirror {
  sandbox: Sandbox;
  ouro: OuroClient;
  store: Store;
  /** The running bridge (replaced by `restart`). */
  bridge: Bridge;
  slack: TestAdapter;
  discord: TestAdapter;
  /** Deliveries the receiver got, with the bridge's answer. */
  webhooks: Webhook[];
  webhookUrl: string;
  /** POSTs a body to the receiver as the sandbox would (a redelivery). */
  redeliver(body: unknown): Promise<{ status: number; body: unknown }>;
  link(adapter: TestAdapter, channel: string, mode: MirrorMode): Promise<void>;
  /** Messages of a conversation as the sandbox holds them, in order. */
  messagesOf(conversationId: string): { id: string; text: string; user_id: string }[];
  conversationOf(adapter: TestAdapter, channel: string, thread?: string): Promise<string>;
  /** A new bridge process on the same store (what a restart keeps); `before` runs in between. */
  restart(before?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export async function startMirror(opts: Partial<BridgeOptions> = {}, env: { engine?: 'sqlite' | 'postgres' } = {}): Promise<Mirror> {
  const sandbox = await startSandbox({ webhookRetryDelaysMs: [50, 200] });
  // No client-side retries: the bridge's own worker retries are what these tests exercise.
  const ouro = createOuroClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, retries: 0, timeoutMs: 5_000 });
  const testStore = await makeTestStore(env.engine ?? 'sqlite');
  const slack = new TestAdapter('slack', 'T1', { C1: 'materials-lab', C2: 'general' });
  const discord = new TestAdapter('discord', 'G1', { D1: 'lab-chat' });
  const makeBridge = () =>
    createBridge({
      store: testStore.store,
      ouro,
      adapters: [slack, discord],
      retry: { baseMs: 20, maxMs: 300, maxAttempts: 30 },
      pollMs: 20,
      reconcileEveryMs: 0,
      ...opts,
    });
  let bridge = makeBridge();

  const webhooks: Webhook[] = [];
  const receiver: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      bridge.handleOuroWebhook(body).then(
        (answer) => {
          webhooks.push({ body, answer });
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
        },
        (err: unknown) => {
          res.writeHead(500).end(String(err));
        },
      );
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ouro/webhooks/test-secret`;
  sandbox.setWebhookUrl(webhookUrl);

  await bridge.start();
  await slack.start(bridge.inbox);
  await discord.start(bridge.inbox);

  const mirror: Mirror = {
    sandbox,
    ouro,
    store: testStore.store,
    bridge,
    slack,
    discord,
    webhooks,
    webhookUrl,
    async redeliver(body) {
      const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
    async link(adapter, channel, mode) {
      await testStore.store.upsertChannelLink({
        platform: adapter.platform as Platform,
        workspace: adapter.workspace,
        channel,
        orgId: null,
        orgName: null,
        teamId: null,
        teamName: null,
        mirrorMode: mode,
        updatedBy: 'test',
      });
    },
    messagesOf(conversationId) {
      return sandbox.state.messages.filter((m) => m.conversation_id === conversationId).map((m) => ({ id: m.id, text: m.text, user_id: m.user_id }));
    },
    async conversationOf(adapter, channel, thread) {
      const link = await testStore.store.getThreadLink({ platform: adapter.platform, workspace: adapter.workspace, channel, thread: thread ?? '' });
      if (!link) throw new Error(`no conversation linked to ${adapter.platform} ${channel}/${thread ?? ''}`);
      return link.conversationId;
    },
    async restart(before) {
      await bridge.stop();
      await before?.();
      bridge = makeBridge();
      mirror.bridge = bridge;
      await bridge.start();
      await slack.start(bridge.inbox);
      await discord.start(bridge.inbox);
    },
    async close() {
      await bridge.stop();
      await slack.stop();
      await discord.stop();
      sandbox.setWebhookUrl(undefined);
      await new Promise<void>((resolve) => {
        receiver.closeAllConnections();
        receiver.close(() => resolve());
      });
      await sandbox.close();
      await ouro.close();
      await testStore.cleanup();
    },
  };
  return mirror;
}
