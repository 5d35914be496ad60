/**
 * Following comments in the real runtime (`createApp`: the notifier on its schedule, the
 * `comment` webhook at Ouro's route, replies under the card through the core) with the real
 * bolt App against the Slack fake and the Ouro sandbox, across a restart: what was written
 * while the bridge was down, on either side, arrives once; nothing already told is repeated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { SEED_KEYS } from '../../src/sandbox/seed.ts';
import { eventually } from '../helpers/eventually.ts';
import { startFakeSlack, TEAM, type FakeSlack } from '../helpers/fake-slack.ts';

const SIGNING = 'follow-signing-secret';
const HOOK = 'follow-webhook-secret-0001';
const C = 'C0FOLLOW';
const D = SEED_IDS.datasetScreening;

let sandbox: Sandbox;
let fake: FakeSlack;
let alice: OuroClient;
let dir: string;
const apps: App[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', databaseUrl: process.env.TEST_DATABASE_URL, webhookRetryDelaysMs: [50, 200] });
  fake = await startFakeSlack();
  alice = createOuroClient({ baseUrl: sandbox.url, apiKey: SEED_KEYS.alice, retries: 0 });
  dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-follow-'));
}, 60_000);
afterAll(async () => {
  for (const a of apps) await a.stop().catch(() => undefined);
  await alice?.close();
  await fake?.close();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startBridge(): Promise<App> {
  const config = loadConfig({
    OURO_API_KEY: sandbox.apiKey,
    OURO_BASE_URL: sandbox.url,
    OURO_WEBHOOK_SECRET: HOOK,
    SLACK_BOT_TOKEN: 'xoxb-follow',
    SLACK_SIGNING_SECRET: SIGNING,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: `sqlite:${join(dir, 'bridge.db')}`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    // Every second (node-cron's six-field form), so the test does not wait a minute.
    COMMENT_POLL_CRON: '* * * * * *',
  });
  const app = await createApp(config, {
    logger: silentLogger,
    tuning: { pollMs: 20, reconcileEveryMs: 0, retry: { baseMs: 20, maxMs: 300, maxAttempts: 20 } },
    drainTimeoutMs: 2_000,
  });
  apps.push(app);
  const { url } = await app.start();
  fake.deliverOverHttp(`${url}/slack/events`, SIGNING);
  sandbox.setWebhookUrl(`${url}/ouro/webhooks/${HOOK}`);
  return app;
}

const threadTexts = (card: string) =>
  fake
    .callsOf('chat.postMessage')
    .filter((c) => c.args.channel === C && c.args.thread_ts === card)
    .map((c) => String(c.args.text));
const onOuro = (parent: string) => sandbox.state.comments.filter((c) => c.parent_id === parent);

describe('Slack: following comments across a restart of the runtime', () => {
  it('comments and replies written while the bridge was down arrive once; nothing told is repeated', async () => {
    const first = await startBridge();
    await first.store.upsertChannelLink({
      platform: 'slack',
      workspace: TEAM,
      channel: C,
      orgId: SEED_IDS.orgLab,
      orgName: 'Ouro Lab',
      teamId: null,
      teamName: null,
      mirrorMode: 'threads',
      updatedBy: 'test',
    });
    await fake.command('follow screening_runs', { channel: C });
    let card = '';
    await eventually(async () => {
      card = (await first.store.listFollows({ platform: 'slack', workspace: TEAM, channel: C }))[0]?.cardMessageId ?? '';
      expect(card).not.toBe('');
    }, 15_000);
    const top = await alice.comments.create(D, 'Is run 7 an outlier?');
    await eventually(() => expect(threadTexts(card)).toEqual(['💬 *alice*\nIs run 7 an outlier?']), 15_000);
    await first.stop();

    fake.userWritesAway('Written while the bridge was down', { channel: C, user: 'U0BOB', thread_ts: card });
    await alice.comments.create(D, 'Meanwhile, on Ouro');

    const second = await startBridge();
    await eventually(() => expect(onOuro(top.id).map((c) => c.content.text)).toEqual([expect.stringContaining('Written while the bridge was down')]), 20_000);
    expect(onOuro(top.id)[0]!.content.text).toContain('Bob Builder');
    await eventually(() => expect(threadTexts(card)).toContain('💬 *alice*\nMeanwhile, on Ouro'), 20_000);
    // Two more ticks: nothing doubled, and Bob's reply (written in chat) is not posted back.
    await new Promise((r) => setTimeout(r, 2_200));
    await second.bridge.drain(5_000);
    expect(threadTexts(card)).toEqual(['💬 *alice*\nIs run 7 an outlier?', '💬 *alice*\nMeanwhile, on Ouro']);
    expect(onOuro(top.id)).toHaveLength(1);
    await second.stop();
  }, 90_000);
});
