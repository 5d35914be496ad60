/**
 * Catch-up on Slack end to end: the real runtime (`createApp`, SQLite file store) with the
 * real bolt App against the Slack fake and the Ouro sandbox.
 * - HTTP mode: the bridge stops; messages are written into a mirrored thread and a
 *   `channel`-mode channel meanwhile (kept by the fake, no event delivered); a new process on
 *   the same store starts → they reach Ouro once, in order, through conversations.replies /
 *   conversations.history, a 429 on the way waited out.
 * - Socket Mode: the connection drops and comes back → what was written meanwhile arrives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { SEED_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { eventually } from '../helpers/eventually.ts';
import { startFakeSlack, TEAM, BOT, type FakeSlack } from '../helpers/fake-slack.ts';

const SECRET = 'catch-up-signing-secret';
const THREADS = 'C0LAB';
const CHANNEL = 'C0CHAN';

let sandbox: Sandbox;
let fake: FakeSlack;
let dir: string;
const apps: App[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', databaseUrl: process.env.TEST_DATABASE_URL, webhookRetryDelaysMs: [50, 200] });
  fake = await startFakeSlack();
  dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-slack-catch-up-'));
}, 60_000);
afterAll(async () => {
  for (const a of apps) await a.stop().catch(() => undefined);
  await fake?.close();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startBridge(mode: 'http' | 'socket', db: string, f = fake): Promise<App> {
  const config = loadConfig({
    OURO_API_KEY: sandbox.apiKey,
    OURO_BASE_URL: sandbox.url,
    SLACK_BOT_TOKEN: 'xoxb-catch-up',
    ...(mode === 'http' ? { SLACK_SIGNING_SECRET: SECRET } : { SLACK_APP_TOKEN: 'xapp-catch-up' }),
    SLACK_API_URL: f.apiUrl,
    DATABASE_URL: `sqlite:${join(dir, db)}`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
  });
  const app = await createApp(config, {
    logger: silentLogger,
    tuning: { pollMs: 20, reconcileEveryMs: 0, retry: { baseMs: 20, maxMs: 300, maxAttempts: 20 } },
    drainTimeoutMs: 2_000,
  });
  apps.push(app);
  const { url } = await app.start();
  if (mode === 'http') f.deliverOverHttp(`${url}/slack/events`, SECRET);
  return app;
}

async function mirror(app: App, channel: string, mode: 'threads' | 'channel'): Promise<void> {
  await app.store.upsertChannelLink({
    platform: 'slack',
    workspace: TEAM,
    channel,
    orgId: SEED_IDS.orgLab,
    orgName: 'Ouro Lab',
    teamId: null,
    teamName: null,
    mirrorMode: mode,
    updatedBy: 'test',
  });
}

async function conversationOf(app: App, channel: string, thread: string): Promise<string> {
  let id = '';
  await eventually(async () => {
    const link = await app.store.getThreadLink({ platform: 'slack', workspace: TEAM, channel, thread });
    expect(link).toBeDefined();
    id = link!.conversationId;
  }, 15_000);
  return id;
}

const texts = (conversationId: string) => sandbox.state.messages.filter((m) => m.conversation_id === conversationId).map((m) => m.text);

describe('slack catch-up, HTTP mode: a restart', () => {
  it('messages written while the bridge was down reach Ouro once, in order; live ones are not doubled; bots are not relayed', async () => {
    const first = await startBridge('http', 'http.db');
    await mirror(first, THREADS, 'threads');
    await mirror(first, CHANNEL, 'channel');
    const root = await fake.userPosts('Which cutoff did run 12 use?');
    await fake.userPosts('520 eV, I believe', { thread_ts: root.ts });
    await fake.userPosts('channel mode: first message', { channel: CHANNEL });
    const thread = await conversationOf(first, THREADS, root.ts);
    const top = await conversationOf(first, CHANNEL, '');
    await eventually(() => expect(texts(thread)).toHaveLength(2), 15_000);
    await fake.userPosts('seen live just before the stop', { thread_ts: root.ts });
    await eventually(() => expect(texts(thread).some((t) => t.includes('seen live'))).toBe(true), 15_000);
    await first.stop();

    fake.userWritesAway('missed one: cutoff was 600 eV', { thread_ts: root.ts });
    fake.userWritesAway('another app wrote this', { thread_ts: root.ts, bot_id: 'B0OTHER' });
    fake.userWritesAway('our own relay, echoed', { thread_ts: root.ts, bot_id: BOT.bot_id });
    fake.userWritesAway('missed two: and *k-points* 8x8x8', { thread_ts: root.ts, user: 'U0BOB' });
    fake.userWritesAway('channel mode: missed while down', { channel: CHANNEL });
    fake.rateLimit('conversations.replies', 1, 1);
    const repliesBefore = fake.callsOf('conversations.replies').length;

    const second = await startBridge('http', 'http.db');
    await eventually(() => expect(texts(thread).filter((t) => t.includes('missed two'))).toHaveLength(1), 20_000);
    await eventually(() => expect(texts(top).filter((t) => t.includes('missed while down'))).toHaveLength(1), 20_000);
    await second.bridge.drain(5_000);

    const all = texts(thread);
    expect(all.filter((t) => t.includes('missed one'))).toHaveLength(1);
    expect(all.filter((t) => t.includes('seen live'))).toHaveLength(1);
    expect(all.some((t) => t.includes('another app') || t.includes('our own relay'))).toBe(false);
    expect(all.findIndex((t) => t.includes('missed one'))).toBeLessThan(all.findIndex((t) => t.includes('missed two')));
    expect(all.at(-1)).toContain('**k-points**'); // Slack *bold* became Markdown, as live
    expect(all.at(-1)).toContain('Bob Builder');
    expect(texts(top)).toHaveLength(2);
    // The thread was read with `oldest` (429 once, then again), the channel with history.
    const replies = fake.callsOf('conversations.replies').slice(repliesBefore);
    expect(replies.length).toBeGreaterThanOrEqual(2);
    expect(replies.every((c) => c.args.ts === root.ts && Number(c.args.oldest) > 0)).toBe(true);
    expect(fake.callsOf('conversations.history').some((c) => c.args.channel === CHANNEL && c.args.oldest)).toBe(true);
    // Another run finds the same messages again and records none of them twice.
    const again = await second.bridge.catchUp('slack');
    expect(again).toMatchObject({ places: 2, failed: 0, recorded: 0 });
    expect(again!.found).toBeGreaterThanOrEqual(3);
    await second.stop();
  }, 90_000);
});

describe('slack catch-up, Socket Mode: a reconnect', () => {
  it('what was written while the connection was down arrives after Slack reconnects', async () => {
    const fake = await startFakeSlack(); // delivers over Socket Mode
    const app = await startBridge('socket', 'socket.db', fake);
    await mirror(app, THREADS, 'threads');
    const root = await fake.userPosts('Socket question');
    await fake.userPosts('socket reply', { thread_ts: root.ts });
    const thread = await conversationOf(app, THREADS, root.ts);
    await eventually(() => expect(texts(thread)).toHaveLength(2), 15_000);
    const before = fake.callsOf('apps.connections.open').length;

    fake.dropSockets();
    fake.userWritesAway('written during the blip', { thread_ts: root.ts });
    await eventually(() => expect(fake.callsOf('apps.connections.open').length).toBeGreaterThan(before), 20_000);
    await eventually(() => expect(texts(thread).filter((t) => t.includes('during the blip'))).toHaveLength(1), 20_000);
    await app.bridge.drain(5_000);
    expect(texts(thread)).toHaveLength(3);
    await app.stop();
    await fake.close();
  }, 90_000);
});
