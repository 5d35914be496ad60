/**
 * The whole service as `ouro-bridge start` builds it (createApp from environment variables),
 * with Slack in HTTP mode on the app's one port: SLACK_API_URL points at the Slack fake,
 * OURO_BASE_URL at the sandbox. Checks the runtime wiring: /slack/events on the shared
 * port, /readyz reporting the adapter, commands answered, Ouro links unfurled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { SEED_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { startFakeSlack, TEAM, type FakeSlack } from '../helpers/fake-slack.ts';
import { eventually } from '../helpers/eventually.ts';
import { pngFacts } from '../helpers/png.ts';

const SECRET = 'app-signing-secret';

describe('Slack in the assembled service (HTTP mode)', () => {
  let sandbox: Sandbox;
  let fake: FakeSlack;
  let app: App;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 'demo', databaseUrl: process.env.TEST_DATABASE_URL, queryTimeoutMs: 60_000 });
    fake = await startFakeSlack();
    dir = mkdtempSync(join(tmpdir(), 'slack-app-'));
    const config = loadConfig(
      {
        OURO_API_KEY: sandbox.apiKey,
        OURO_BASE_URL: sandbox.url,
        SLACK_BOT_TOKEN: 'xoxb-app',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.apiUrl,
        DATABASE_URL: `sqlite:${join(dir, 'bridge.db')}`,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
      },
      { requireOuro: true },
    );
    app = await createApp(config, { logger: silentLogger, tuning: { pollMs: 20, reconcileEveryMs: 0 }, drainTimeoutMs: 2_000 });
    ({ url } = await app.start());
    fake.deliverOverHttp(`${url}/slack/events`, SECRET);
    await app.store.upsertChannelLink({
      platform: 'slack',
      workspace: TEAM,
      channel: 'C0LAB',
      orgId: SEED_IDS.orgLab,
      orgName: 'Ouro Lab',
      teamId: null,
      teamName: null,
      mirrorMode: 'threads',
      updatedBy: 'test',
    });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
    await sandbox?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves /slack/events on the shared port and reports the adapter ready', async () => {
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> };
    expect(ready.checks['adapter:slack']).toEqual({ ok: true });
    expect(fake.callsOf('auth.test')[0]!.token).toBe('xoxb-app');
  });

  it('answers /ouro help through response_url', async () => {
    const cmd = await fake.command('help', { channel: 'C0LAB' });
    expect(cmd.status).toBe(200);
    await eventually(() => expect(fake.hooks.some((h) => `${fake.url}/hooks/${h.id}` === cmd.responseUrl)).toBe(true));
  });

  it('/ouro chart: the caption through response_url, the PNG through the upload flow into the channel, with alt text', async () => {
    const cmd = await fake.command('chart screening_runs SELECT started_at, temperature_k FROM {{table}} --title "Temperatures"', { channel: 'C0LAB' });
    expect(cmd.status).toBe(200);
    await eventually(() => expect(fake.sharedFiles()).toHaveLength(1), 30_000);
    const hook = fake.hooks.find((h) => `${fake.url}/hooks/${h.id}` === cmd.responseUrl)!;
    expect(hook.body.response_type).toBe('in_channel');
    expect(JSON.stringify(hook.body.blocks)).toContain('line chart: x = `started_at` (time), y = `temperature_k`');
    const file = fake.sharedFiles()[0]!;
    expect(file).toMatchObject({ name: 'screening-runs-chart.png', title: 'Temperatures', channel: 'C0LAB', contentType: 'image/png' });
    expect(file.altText).toContain('line chart: x = started_at (time), y = temperature_k of screening_runs');
    const facts = pngFacts(file.bytes!);
    expect([facts.width, facts.height]).toEqual([1000, 600]);
    expect(facts.variance).toBeGreaterThan(200);
  });

  it('unfurls a shared Ouro link (the runtime installs the unfurler)', async () => {
    const msg = await fake.userPosts('https://ouro.foundation/posts/alice/screening-week-1', { channel: 'C0LAB' });
    await fake.shareLinks('C0LAB', msg.ts, ['https://ouro.foundation/posts/alice/screening-week-1']);
    await eventually(() => expect(fake.callsOf('chat.unfurl')).toHaveLength(1));
    expect(JSON.stringify(fake.callsOf('chat.unfurl')[0]!.args.unfurls)).toContain('Screening week 1');
  });
});
