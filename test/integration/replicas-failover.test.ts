/**
 * Two replicas as real processes on one PostgreSQL schema, with Slack (HTTP), Discord and a
 * quest watch polled every second. The quest scheduler and the Discord gateway each run on
 * one replica only; after that replica is SIGKILLed the other takes both over within the
 * lease bound (the issue asks for 30 s; test leases make it ~2 s, production 20 s), and the
 * watch keeps notifying once per change.
 *
 * REPLICAS_PRODUCTION_LEASES=1 runs it with the production lease timing (15 s / 5 s) to
 * measure the real takeover; it then takes about half a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LEASE_RENEW_MS, DEFAULT_LEASE_TTL_MS } from '../../src/bridge/leader.ts';
import { createQuestNotifier } from '../../src/quests/index.ts';
import { createCommandRunner } from '../../src/commands/index.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS } from '../../src/sandbox/seed.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { eventually, sleep } from '../helpers/eventually.ts';
import { startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.ts';
import { startFakeSlack, TEAM, type FakeSlack } from '../helpers/fake-slack.ts';
import { ouroFetch, sandboxToken, withSandbox } from '../helpers/sandbox.ts';
import { dropSchema, TEST_DATABASE_URL } from '../helpers/store.ts';
import { TestAdapter } from '../helpers/test-adapter.ts';
import { newSchema, SLACK_SECRET, spawnReplica, TEST_LEASES, type ChildReplica } from './replicas-harness.ts';

const PRODUCTION = process.env.REPLICAS_PRODUCTION_LEASES === '1';
const LEASES = PRODUCTION ? { ttlMs: DEFAULT_LEASE_TTL_MS, renewMs: DEFAULT_LEASE_RENEW_MS } : TEST_LEASES;
const BOUND_MS = LEASES.ttlMs + LEASES.renewMs;
const CHANNEL = 'C0QUEST';
const ACQUIRED = 'lease acquired: duties starting';

describe.skipIf(!TEST_DATABASE_URL)('failover between replica processes (PostgreSQL)', () => {
  const sandbox = withSandbox({ seed: 'demo' });
  const schema = newSchema();
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let store: Store;
  let ouro: OuroClient;
  const children: ChildReplica[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack();
    slack.echo = false;
    discord = await startFakeDiscord();
    ouro = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0 });
    store = await openStore({ engine: 'postgres', url: TEST_DATABASE_URL! }, { schema });
    // The watch is set up the way `/ouro watch` does it (card posted, entries baselined),
    // here by a command runner of the test's own; the replicas only poll.
    const notifier = createQuestNotifier({ ouro, store, adapters: [new TestAdapter('slack', TEAM)], cron: '* * * * *', schedule: () => ({ stop() {} }) });
    const runner = createCommandRunner({ ouro, store, bridgeAdmins: [], notifier });
    const admin = { id: 'U0ADA', name: 'Ada', isPlatformAdmin: true };
    const channel = { platform: 'slack', workspace: TEAM, channel: CHANNEL } as const;
    await runner.run({ text: 'link "Ouro Lab" materials', user: admin, channel });
    expect((await runner.run({ text: `watch ${SEED_IDS.quest} submitted,rejected`, user: admin, channel })).reply.text).toContain('Watching');
    // The card went to the test's own adapter; give the watch a card the Slack fake holds.
    const card = { channel: CHANNEL, ts: slack.nextTs(), text: 'quest card', bot_id: 'B0BOT' };
    slack.messages.set(`${CHANNEL}/${card.ts}`, card);
    await store.setWatchCard({ ...channel, questId: SEED_IDS.quest }, card.ts);
  }, 60_000);

  afterAll(async () => {
    for (const c of children) c.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await store?.close();
    await ouro?.close();
    await slack?.close();
    await discord?.close();
    await dropSchema(TEST_DATABASE_URL!, schema);
  });

  const polls = (since: number) =>
    sandbox().requests.filter((r) => r.method === 'GET' && r.path.startsWith(`/quests/${SEED_IDS.quest}/entries`) && r.at >= since);
  const notices = () => slack.callsOf('chat.postMessage').filter((c) => c.args.channel === CHANNEL);
  async function rejectEntry(entryId: string): Promise<void> {
    const token = await sandboxToken(sandbox(), sandbox().userApiKeys.alice);
    const res = await ouroFetch(sandbox(), token, 'PUT', `/quests/${SEED_IDS.quest}/entries/${entryId}/review`, { status: 'rejected', review: 'not Tc' });
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
  }
  async function submitEntry(note: string): Promise<string> {
    const token = await sandboxToken(sandbox(), sandbox().userApiKeys.alice);
    const res = await ouroFetch(sandbox(), token, 'POST', `/quests/${SEED_IDS.quest}/entries/create`, {
      entry: { item_id: SEED_IDS.questItems[2], assets: { data: SEED_IDS.datasetPenguins }, description: note },
    });
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
    return (res.body.data ?? res.body).id as string;
  }

  it('one replica polls and holds the gateway; SIGKILL hands both to the other within the bound', async () => {
    const env = {
      OURO_API_KEY: sandbox().apiKey,
      OURO_BASE_URL: sandbox().url,
      SLACK_BOT_TOKEN: 'xoxb-replicas',
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN: 'fake.bot.token',
      DISCORD_APPLICATION_ID: discord.ids.app,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_ALLOWED_GUILDS: discord.ids.guild,
      QUEST_POLL_CRON: '* * * * * *',
    };
    const a = spawnReplica({ ...env, BRIDGE_INSTANCE_ID: 'replica-a' }, schema, LEASES);
    children.push(a);
    await a.url;
    const b = spawnReplica({ ...env, BRIDGE_INSTANCE_ID: 'replica-b' }, schema, LEASES);
    children.push(b);
    await b.url;
    expect(await a.instanceId).toBe('replica-a');

    // a started first and holds both leases; b waits.
    expect(
      a.logs
        .filter((l) => l.msg === ACQUIRED)
        .map((l) => l.lease)
        .sort(),
    ).toEqual(['discord-gateway:0', 'scheduler']);
    const status = async (url: string) =>
      (await (await fetch(`${url}/readyz`)).json()) as { ready: boolean; leases: Record<string, { held: boolean }>; checks: Record<string, { ok: boolean }> };
    const ra = await status(await a.url);
    const rb = await status(await b.url);
    expect([ra.ready, rb.ready]).toEqual([true, true]);
    expect(ra.leases).toEqual({ scheduler: { held: true }, 'discord-gateway:0': { held: true } });
    expect(rb.leases).toMatchObject({ scheduler: { held: false }, 'discord-gateway:0': { held: false } });
    expect(rb.checks['adapter:discord']).toEqual({ ok: true });

    // Over a few ticks: one poll per tick (not one per replica), one IDENTIFY.
    const watchFrom = Date.now();
    await sleep(Math.max(4_000, LEASES.renewMs * 2));
    const perSecond = new Map<number, number>();
    for (const p of polls(watchFrom)) perSecond.set(Math.floor(p.at / 1000), (perSecond.get(Math.floor(p.at / 1000)) ?? 0) + 1);
    expect(perSecond.size).toBeGreaterThanOrEqual(3);
    expect(Math.max(...perSecond.values())).toBe(1);
    expect(discord.gateway.identifies).toBe(1);
    expect(b.logs.filter((l) => l.msg === ACQUIRED)).toEqual([]);

    // A change is told once.
    const entryId = await submitEntry('before the crash');
    await eventually(() => expect(notices().map((c) => JSON.stringify(c.args))).toEqual([expect.stringContaining('before the crash')]), 10_000);
    // The notifier records a notice right after posting it; a crash between the two would
    // repeat it (documented in notifier.ts, and not what this test is about): wait for the record.
    const told = { platform: 'slack', workspace: TEAM, channel: CHANNEL, questId: SEED_IDS.quest } as const;
    await eventually(async () => expect((await store.getSnapshots(told)).map((x) => x.entryId)).toContain(entryId), 5_000);

    // kill -9 the leader: nothing is released, b must wait for the leases to expire.
    const killedAt = Date.now();
    a.proc.kill('SIGKILL');
    await a.exited;
    const scheduler = await b.waitFor(ACQUIRED, 'scheduler', killedAt, 30_000);
    await b.waitFor(ACQUIRED, 'discord-gateway:0', killedAt, 30_000);
    await eventually(() => expect(discord.gateway.identifies).toBe(2), 30_000);
    const identifiedAt = Date.now();
    await eventually(() => expect(polls(scheduler).length).toBeGreaterThan(0), 5_000);
    const firstPoll = polls(killedAt)[0]!.at;
    const took = { scheduler: scheduler - killedAt, firstPoll: firstPoll - killedAt, identify: identifiedAt - killedAt };
    console.info(`replica takeover after SIGKILL (lease ${LEASES.ttlMs}/${LEASES.renewMs} ms): ${JSON.stringify(took)} ms`);
    expect(took.scheduler).toBeLessThan(Math.min(30_000, BOUND_MS + 1_000));
    expect(took.identify).toBeLessThan(30_000);

    // The survivor notifies, once.
    await rejectEntry(SEED_IDS.entrySubmitted);
    await eventually(() => expect(notices()).toHaveLength(2), 10_000);
    expect(JSON.stringify(notices()[1]!.args)).toMatch(/rejected/i);
    await sleep(2_000);
    expect(notices()).toHaveLength(2);

    b.proc.kill('SIGTERM');
    await b.exited;
    // A clean stop gives the leases back at once.
    expect(await store.leaseHolder('scheduler')).toBeUndefined();
    expect(await store.leaseHolder('discord-gateway:0')).toBeUndefined();
  }, 120_000);
});
