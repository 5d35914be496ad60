/**
 * Two bridge replicas on one PostgreSQL schema, Slack in HTTP mode, as behind a load
 * balancer: the real runtime twice (each its own HTTP port), the Slack fake, the Ouro
 * sandbox. Slack events reach either replica, or both (a retry after a timeout may land on
 * the other one); Ouro must hold each message once, in order per thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS } from '../../src/sandbox/index.ts';
import { eventually } from '../helpers/eventually.ts';
import { startFakeSlack, TEAM, type FakeSlack } from '../helpers/fake-slack.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { dropSchema, TEST_DATABASE_URL } from '../helpers/store.ts';
import { newSchema, postSlack, SLACK_SECRET, startReplica, type Replica } from './replicas-harness.ts';

const C = 'C0LAB';

describe.skipIf(!TEST_DATABASE_URL)('two replicas take Slack HTTP events (PostgreSQL)', () => {
  const sandbox = withSandbox({ seed: 'demo' });
  const schema = newSchema();
  let fake: FakeSlack;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    fake = await startFakeSlack();
    fake.echo = false; // the bot's own echoes are not under test
    const env = {
      OURO_API_KEY: sandbox().apiKey,
      OURO_BASE_URL: sandbox().url,
      SLACK_BOT_TOKEN: 'xoxb-replicas',
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_API_URL: fake.apiUrl,
    };
    a = await startReplica(env, schema);
    b = await startReplica(env, schema);
    await a.app.store.upsertChannelLink({
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
  }, 60_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await fake?.close();
    await dropSchema(TEST_DATABASE_URL!, schema);
  });

  const message = (text: string, ts: string, threadTs?: string) => ({
    type: 'message',
    channel: C,
    user: 'U0ADA',
    text,
    ts,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
  const conversationOf = async (rootTs: string) =>
    (await a.app.store.getThreadLink({ platform: 'slack', workspace: TEAM, channel: C, thread: rootTs }))?.conversationId;
  const ouroTexts = (conversationId: string | undefined) =>
    sandbox()
      .state.messages.filter((m) => m.conversation_id === conversationId)
      .map((m) => m.text.replace(/^\*\*Ada Lovelace\*\* \(Slack\): /, ''));

  const relayed = async (r: Replica) => {
    const text = await (await fetch(`${r.url}/metrics`)).text();
    return [...text.matchAll(/^ouro_bridge_messages_relayed_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
  };

  it("the same event POSTed to both replicas, and Slack's retry, make one Ouro message", async () => {
    const root = fake.nextTs();
    const reply = fake.nextTs();
    expect(await postSlack(a.url, fake.eventBody(message('root of the dup test', root), 'EvRoot1'))).toBe(200);
    await eventually(async () => expect(await a.app.store.countJobs()).toMatchObject({ pending: 0, running: 0 }), 15_000);
    const body = fake.eventBody(message('said once', reply, root), 'EvDup1');
    const statuses = await Promise.all([postSlack(a.url, body), postSlack(b.url, body)]);
    expect(statuses).toEqual([200, 200]);
    expect(await postSlack(b.url, body, 1)).toBe(200);
    expect(await postSlack(a.url, body, 2)).toBe(200);
    await eventually(async () => expect(ouroTexts(await conversationOf(root))).toEqual(['root of the dup test', 'said once']), 15_000);
    await Promise.all([a.app.bridge.drain(5_000), b.app.bridge.drain(5_000)]);
    expect(ouroTexts(await conversationOf(root))).toEqual(['root of the dup test', 'said once']);
    // One conversation for the thread, not one per replica.
    expect(sandbox().state.conversations.filter((c) => c.name?.includes('root of the dup test'))).toHaveLength(1);
  });

  it('a burst split across the replicas arrives once each, in order per thread, and both replicas worked', async () => {
    const THREADS = 6;
    const REPLIES = 12;
    const roots = Array.from({ length: THREADS }, () => fake.nextTs());
    // The roots first, recorded before the replies come: the core lets a reply wait only a
    // few runs for a root still queued in the channel's lane (src/bridge/threads.ts), and a
    // loaded host can outlast that wait on one replica as on two; not what is tested here.
    for (const [t, root] of roots.entries()) expect(await postSlack((t % 2 ? b : a).url, fake.eventBody(message(`t${t} root`, root)))).toBe(200);
    await eventually(async () => expect(await a.app.store.countJobs()).toMatchObject({ pending: 0, running: 0 }), 15_000);
    // Each thread's replies go out in order (each acknowledged before the next, as Slack
    // does per conversation), alternating replicas; the threads go out at once.
    await Promise.all(
      roots.map(async (root, t) => {
        for (let i = 0; i < REPLIES; i++) {
          const target = (i + t) % 2 ? b : a;
          expect(await postSlack(target.url, fake.eventBody(message(`t${t} r${i}`, fake.nextTs(), root)))).toBe(200);
        }
      }),
    );
    for (const [t, root] of roots.entries()) {
      const expected = [`t${t} root`, ...Array.from({ length: REPLIES }, (_, i) => `t${t} r${i}`)];
      await eventually(async () => expect(ouroTexts(await conversationOf(root))).toEqual(expected), 30_000);
    }
    // Both replicas relayed some of it (each counts what it relayed itself).
    for (const r of [a, b]) expect(await relayed(r)).toBeGreaterThan(0);
    expect((await relayed(a)) + (await relayed(b))).toBeGreaterThanOrEqual(THREADS * (REPLIES + 1));
  }, 60_000);
});
