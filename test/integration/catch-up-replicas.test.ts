/**
 * Slack catch-up with two replicas on PostgreSQL (two real runtimes in this process, one
 * schema, short leases, Slack HTTP mode against one fake): only the holder of the
 * `scheduler` lease reads history. A replica starting while another holds the lease reads
 * nothing; when the holder stops, the one taking the lease over catches up what was written
 * while events reached nobody.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { SEED_IDS, startSandbox } from '../../src/sandbox/index.ts';
import { eventually, sleep } from '../helpers/eventually.ts';
import { startFakeSlack, TEAM, type FakeSlack } from '../helpers/fake-slack.ts';
import { dropSchema, TEST_DATABASE_URL } from '../helpers/store.ts';

const SECRET = 'replica-catch-up-secret';

describe.skipIf(!TEST_DATABASE_URL)('slack catch-up with two replicas', () => {
  it('runs on the scheduler holder only, and on the replica that takes the lease over', async () => {
    const sandbox = await startSandbox({ seed: 'demo', databaseUrl: TEST_DATABASE_URL, webhookRetryDelaysMs: [50, 200] });
    const fake: FakeSlack = await startFakeSlack();
    const schema = `test_catchup_${randomBytes(5).toString('hex')}`;
    const apps: App[] = [];
    const start = async (name: string) => {
      const config = loadConfig({
        OURO_API_KEY: sandbox.apiKey,
        OURO_BASE_URL: sandbox.url,
        SLACK_BOT_TOKEN: 'xoxb-replicas',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.apiUrl,
        DATABASE_URL: TEST_DATABASE_URL!,
        BRIDGE_INSTANCE_ID: name,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
      });
      const app = await createApp(config, {
        logger: silentLogger,
        storeSchema: schema,
        leases: { ttlMs: 1_500, renewMs: 300 },
        tuning: { pollMs: 20, reconcileEveryMs: 0, retry: { baseMs: 20, maxMs: 300, maxAttempts: 20 } },
        drainTimeoutMs: 2_000,
      });
      apps.push(app);
      return { app, url: (await app.start()).url };
    };
    const repliesOf = (ts: string) => fake.callsOf('conversations.replies').filter((c) => c.args.ts === ts).length;
    try {
      const a = await start('replica-a');
      fake.deliverOverHttp(`${a.url}/slack/events`, SECRET);
      expect(a.app.leases().scheduler).toEqual({ held: true });
      await a.app.store.upsertChannelLink({
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
      const root = await fake.userPosts('replicas: root');
      await fake.userPosts('replicas: reply', { thread_ts: root.ts });
      let conversationId = '';
      await eventually(async () => {
        const link = await a.app.store.getThreadLink({ platform: 'slack', workspace: TEAM, channel: 'C0LAB', thread: root.ts });
        conversationId = link!.conversationId;
        expect(sandbox.state.messages.filter((m) => m.conversation_id === conversationId)).toHaveLength(2);
      }, 15_000);

      const b = await start('replica-b');
      expect(b.app.leases().scheduler?.held).toBe(false);
      await sleep(1_000);
      expect(repliesOf(root.ts)).toBe(0); // B started and read nothing; A's start-up run had no thread yet

      fake.userWritesAway('replicas: written while events reached nobody', { thread_ts: root.ts });
      await a.app.stop(); // releases the scheduler lease: B takes it within one renewal
      await eventually(() => expect(b.app.leases().scheduler).toEqual({ held: true }), 10_000);
      await eventually(
        () => expect(sandbox.state.messages.filter((m) => m.conversation_id === conversationId && m.text.includes('reached nobody'))).toHaveLength(1),
        15_000,
      );
      expect(repliesOf(root.ts)).toBe(1);
      await b.app.bridge.drain(5_000);
      expect(sandbox.state.messages.filter((m) => m.conversation_id === conversationId)).toHaveLength(3);
    } finally {
      for (const app of apps.reverse()) await app.stop().catch(() => undefined);
      await fake.close();
      await sandbox.close();
      await dropSchema(TEST_DATABASE_URL!, schema);
    }
  }, 90_000);
});
