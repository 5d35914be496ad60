/**
 * Two bridge replicas on one PostgreSQL schema and a job slower than its lease: the replica
 * running it renews the lease, so the other never takes the job over. One execution (one
 * read of the conversation for the sync job) and one chat post.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS } from '../../src/sandbox/index.ts';
import { eventually } from '../helpers/eventually.ts';
import { startFakeSlack, TEAM, type FakeSlack } from '../helpers/fake-slack.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { dropSchema, TEST_DATABASE_URL } from '../helpers/store.ts';
import { newSchema, postSlack, SLACK_SECRET, startReplica, WEBHOOK_SECRET, type Replica } from './replicas-harness.ts';

const C = 'C0LAB';
const LEASE_MS = 800;
/** The sync job's read of the conversation takes this long: several leases. */
const SLOW_MS = 3_000;

describe.skipIf(!TEST_DATABASE_URL)('a job slower than its lease, two replicas (PostgreSQL)', () => {
  const sandbox = withSandbox({ seed: 'demo' });
  const schema = newSchema();
  let fake: FakeSlack;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    fake = await startFakeSlack();
    fake.echo = false;
    const env = {
      OURO_API_KEY: sandbox().apiKey,
      OURO_BASE_URL: sandbox().url,
      OURO_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-replicas',
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_API_URL: fake.apiUrl,
    };
    a = await startReplica(env, schema, undefined, { leaseMs: LEASE_MS });
    b = await startReplica(env, schema, undefined, { leaseMs: LEASE_MS });
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
    sandbox().setWebhookUrl(undefined);
    await a?.stop();
    await b?.stop();
    await fake?.close();
    await dropSchema(TEST_DATABASE_URL!, schema);
  });

  it('runs once and posts once to chat', async () => {
    const root = fake.nextTs();
    const message = { type: 'message', channel: C, user: 'U0ADA', text: 'root of the slow thread', ts: root };
    expect(await postSlack(a.url, fake.eventBody(message, 'EvSlowRoot'))).toBe(200);
    const reply = { ...message, text: 'a reply makes it a thread', ts: fake.nextTs(), thread_ts: root };
    expect(await postSlack(b.url, fake.eventBody(reply, 'EvSlowReply'))).toBe(200);
    let convId: string | undefined;
    await eventually(async () => {
      convId = (await a.app.store.getThreadLink({ platform: 'slack', workspace: TEAM, channel: C, thread: root }))?.conversationId;
      expect(convId).toBeDefined();
    }, 15_000);
    await Promise.all([a.app.bridge.drain(5_000), b.app.bridge.drain(5_000)]);

    const listPath = `/conversations/${convId}/messages`;
    const reads = () => sandbox().requests.filter((r) => r.method === 'GET' && r.path === listPath).length;
    const readsBefore = reads();
    sandbox().faults.add({ route: `GET ${listPath}`, mode: 'slow', delayMs: SLOW_MS });
    sandbox().setWebhookUrl(`${a.url}/ouro/webhooks/${WEBHOOK_SECRET}`);
    await sandbox().postAs('alice', convId!, 'written on Ouro, relayed slowly');

    const posts = () => fake.calls.filter((c) => c.method === 'chat.postMessage' && String(c.args.text ?? '').includes('relayed slowly'));
    await eventually(() => expect(posts()).toHaveLength(1), 15_000);
    await eventually(async () => expect(await a.app.store.countJobs()).toMatchObject({ pending: 0, running: 0 }), 15_000);
    // Another lease's worth of time: a takeover would show by now.
    await new Promise((r) => setTimeout(r, 3 * LEASE_MS));
    sandbox().faults.clear();
    expect(reads() - readsBefore).toBe(1);
    expect(posts()).toHaveLength(1);
    expect(await a.app.store.listJobs({ state: 'dead' })).toEqual([]);
  }, 60_000);
});
