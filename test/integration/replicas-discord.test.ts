/**
 * A replica that does not hold the Discord gateway (PostgreSQL): it never IDENTIFYs, says
 * so on /readyz while staying ready, and still relays Ouro messages into Discord threads over
 * REST (no gateway cache: the thread is looked up, the channel webhook found by our
 * application id). When the holder's lease goes, it connects the gateway itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_GATEWAY_LEASE } from '../../src/app.ts';
import type { DiscordAdapter } from '../../src/adapters/discord/index.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS } from '../../src/sandbox/index.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { eventually } from '../helpers/eventually.ts';
import { startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { dropSchema, TEST_DATABASE_URL } from '../helpers/store.ts';
import { newSchema, startReplica, TEST_LEASES, WEBHOOK_SECRET, type Replica } from './replicas-harness.ts';

describe.skipIf(!TEST_DATABASE_URL)('a replica without the Discord gateway lease (PostgreSQL)', () => {
  const sandbox = withSandbox({ seed: 'demo', webhookRetryDelaysMs: [50, 200] });
  const schema = newSchema();
  let fake: FakeDiscord;
  let other: Store; // the store handle of "another replica" that holds the gateway lease
  let ouro: OuroClient;
  let r: Replica;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    ouro = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0 });
    other = await openStore({ engine: 'postgres', url: TEST_DATABASE_URL! }, { schema });
    expect(await other.acquireLease(DISCORD_GATEWAY_LEASE, 'replica-elsewhere', 60_000)).toBe(true);
    r = await startReplica(
      {
        OURO_API_KEY: sandbox().apiKey,
        OURO_BASE_URL: sandbox().url,
        OURO_WEBHOOK_SECRET: WEBHOOK_SECRET,
        DISCORD_TOKEN: 'fake.bot.token',
        DISCORD_APPLICATION_ID: fake.ids.app,
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_ALLOWED_GUILDS: fake.ids.guild,
      },
      schema,
    );
    sandbox().setWebhookUrl(`${r.url}/ouro/webhooks/${WEBHOOK_SECRET}`);
  }, 60_000);

  afterAll(async () => {
    sandbox().setWebhookUrl(undefined);
    await r?.stop();
    await other?.close();
    await ouro?.close();
    await fake?.close();
    await dropSchema(TEST_DATABASE_URL!, schema);
  });

  it('is ready without the gateway, and says why', async () => {
    const res = await fetch(`${r.url}/readyz`);
    const body = (await res.json()) as { ready: boolean; checks: Record<string, unknown>; leases: Record<string, { held: boolean; detail?: string }> };
    expect(res.status).toBe(200);
    expect(body.checks['adapter:discord']).toEqual({ ok: true });
    expect(body.leases[DISCORD_GATEWAY_LEASE]).toEqual({ held: false, detail: expect.stringContaining('posts over Discord REST') });
    expect(body.leases.scheduler).toEqual({ held: true });
    const discord = r.app.adapters.find((a) => a.platform === 'discord') as DiscordAdapter;
    expect(discord.health()).toEqual({ connected: true, detail: 'REST only: this replica does not hold the Discord gateway lease' });
    expect(fake.gateway.identifies).toBe(0);
  });

  it('relays an Ouro message into a Discord thread over REST', async () => {
    // A thread the gateway never told this replica about, linked to a conversation.
    const root = fake.userMessage('root, posted while another replica held the gateway');
    fake.startThread(root.id, 'replicas');
    const conv = await ouro.conversations.create({
      name: '#lab (Discord)',
      summary: 'mirror',
      orgId: SEED_IDS.orgLab,
      members: [sandbox().bot.id, SEED_IDS.alice],
    });
    const channel = { platform: 'discord', workspace: fake.ids.guild, channel: fake.ids.channel } as const;
    await r.app.store.upsertChannelLink({
      ...channel,
      orgId: SEED_IDS.orgLab,
      orgName: 'Ouro Lab',
      teamId: null,
      teamName: null,
      mirrorMode: 'threads',
      updatedBy: 'test',
    });
    await r.app.store.linkThread({ ...channel, thread: root.id, conversationId: conv.id });

    await sandbox().postAs('alice', conv.id, 'relayed by a replica without the gateway');
    await eventually(() => {
      const post = fake.received().find((op) => op.op === 'post' && op.text?.includes('without the gateway'));
      expect(post).toMatchObject({ thread: root.id, authorName: expect.stringMatching(/alice/i) });
    }, 15_000);
    // Our application's webhook, created once, found by the application id learned over REST.
    expect([...fake.webhooks.values()].map((w) => w.application_id)).toEqual([fake.ids.app]);
    expect(fake.calls.some((c) => c.method === 'GET' && c.path === `/channels/${root.id}`)).toBe(true);
    expect(fake.gateway.identifies).toBe(0);
  });

  it("connects the gateway once the holder's lease is gone", async () => {
    expect(await other.releaseLease(DISCORD_GATEWAY_LEASE, 'replica-elsewhere')).toBe(true);
    await eventually(() => expect(fake.gateway.identifies).toBe(1), TEST_LEASES.renewMs * 4 + 5_000);
    await eventually(async () => {
      const body = (await (await fetch(`${r.url}/readyz`)).json()) as { leases: Record<string, { held: boolean }> };
      expect(body.leases[DISCORD_GATEWAY_LEASE]).toEqual({ held: true });
    }, 5_000);
    expect((await r.app.store.leaseHolder(DISCORD_GATEWAY_LEASE))?.holder).toBe(r.app.instanceId);
    // Now events flow in through this replica's gateway.
    const root = fake.userMessage('after the takeover');
    fake.userMessage('reply after the takeover', { thread: root.id });
    await eventually(
      async () =>
        expect(await r.app.store.getThreadLink({ platform: 'discord', workspace: fake.ids.guild, channel: fake.ids.channel, thread: root.id })).toBeDefined(),
      10_000,
    );
  });

  it('losing the lease closes the gateway but keeps REST; winning it again reconnects', async () => {
    const discord = r.app.adapters.find((a) => a.platform === 'discord') as DiscordAdapter;
    // As if this replica had stalled past its TTL and another one took the gateway.
    expect(await other.releaseLease(DISCORD_GATEWAY_LEASE, r.app.instanceId)).toBe(true);
    expect(await other.acquireLease(DISCORD_GATEWAY_LEASE, 'replica-elsewhere', 60_000)).toBe(true);
    await eventually(
      () => expect(discord.health()).toEqual({ connected: true, detail: 'REST only: this replica does not hold the Discord gateway lease' }),
      5_000,
    );

    const conv = (await r.app.store.getThreadLink({
      platform: 'discord',
      workspace: fake.ids.guild,
      channel: fake.ids.channel,
      thread: [...fake.channels.values()].find((c) => c.name === 'replicas')!.id,
    }))!.conversationId;
    await sandbox().postAs('alice', conv, 'still relayed after losing the gateway');
    await eventually(() => expect(fake.received().some((op) => op.op === 'post' && op.text?.includes('after losing the gateway'))).toBe(true), 15_000);

    expect(await other.releaseLease(DISCORD_GATEWAY_LEASE, 'replica-elsewhere')).toBe(true);
    await eventually(() => expect(fake.gateway.identifies).toBe(2), TEST_LEASES.renewMs * 4 + 5_000);
    await eventually(() => expect(discord.health()).toEqual({ connected: true }), 5_000);
  });
});
