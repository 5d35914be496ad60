/**
 * The adapter contract against the real bolt App and the Slack fake, in HTTP mode (signed
 * requests to /slack/events on our HTTP server) and in Socket Mode (envelopes over the
 * fake's WebSocket).
 */
import { createSlackAdapter } from '../../src/adapters/slack/index.ts';
import { createHttpServer } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { describeAdapterContract, RecordingInbox, type AdapterHarness, type ReceivedOp } from './adapter.contract.ts';
import { describeAdapterLimits } from './adapter-limits.contract.ts';
import { slackPayloadProblems } from '../helpers/payload-limits.ts';
import { startFakeSlack, TEAM, type FakeSlack } from '../helpers/fake-slack.ts';

const SECRET = 'contract-signing-secret';
const CHANNEL = 'C0LAB';

function received(fake: FakeSlack): ReceivedOp[] {
  const ops: (ReceivedOp & { seq: number })[] = [];
  for (const c of fake.calls) {
    const a = c.args;
    if (c.method === 'chat.postMessage')
      ops.push({ seq: c.seq, op: 'post', thread: a.thread_ts, messageId: fake.tsOfPost(c), text: a.text, authorName: a.username });
    if (c.method === 'chat.update') ops.push({ seq: c.seq, op: 'edit', messageId: a.ts, text: a.text });
    if (c.method === 'chat.delete') ops.push({ seq: c.seq, op: 'delete', messageId: a.ts });
    if (c.method === 'chat.postEphemeral') ops.push({ seq: c.seq, op: 'reply', text: a.text, visibility: 'invoker' });
  }
  for (const h of fake.hooks) {
    ops.push({ seq: h.seq, op: 'reply', text: h.body.text, visibility: h.body.response_type === 'in_channel' ? 'public' : 'invoker' });
  }
  return ops.sort((x, y) => x.seq - y.seq).map(({ seq: _s, ...op }) => op);
}

function harness(fake: FakeSlack, adapter: AdapterHarness['adapter'], close: () => Promise<void>): AdapterHarness {
  return {
    adapter,
    channel: { platform: 'slack', workspace: TEAM, channel: CHANNEL },
    userName: 'Ada Lovelace',
    async sendUserMessage(text, opts = {}) {
      const m = await fake.userPosts(text, { channel: CHANNEL, thread_ts: opts.thread });
      return { messageId: m.ts };
    },
    async editUserMessage(messageId, text) {
      await fake.userEdits(CHANNEL, messageId, text);
    },
    async deleteUserMessage(messageId) {
      await fake.userDeletes(CHANNEL, messageId);
    },
    async invokeCommand(text) {
      await fake.command(text, { channel: CHANNEL });
    },
    received: () => received(fake),
    limits: {
      problems: () => slackPayloadProblems(fake.calls, fake.hooks),
      sent: () => JSON.stringify([...fake.calls.map((c) => c.args), ...fake.hooks.map((x) => x.body)]),
    },
    close,
  };
}

const httpHarness = async (): Promise<AdapterHarness> => {
  const fake = await startFakeSlack();
  const http = createHttpServer(silentLogger);
  const { url } = await http.listen(0, '127.0.0.1');
  fake.deliverOverHttp(`${url}/slack/events`, SECRET);
  const adapter = createSlackAdapter({
    botToken: 'xoxb-contract',
    signingSecret: SECRET,
    apiUrl: fake.apiUrl,
    http,
    clientOptions: { retries: 0 },
    postIntervalMs: 10,
  });
  return harness(fake, adapter, async () => {
    await http.close();
    await fake.close();
  });
};
describeAdapterContract('slack (HTTP mode)', httpHarness);
describeAdapterLimits('slack (HTTP mode)', httpHarness);

describeAdapterContract('slack (Socket Mode)', async () => {
  const fake = await startFakeSlack();
  const adapter = createSlackAdapter({
    botToken: 'xoxb-contract',
    appToken: 'xapp-contract',
    apiUrl: fake.apiUrl,
    clientOptions: { retries: 0 },
    postIntervalMs: 10,
  });
  return harness(fake, adapter, () => fake.close());
});

describe('slack adapter: identity before the first event', () => {
  let stop: (() => Promise<void>) | undefined;
  afterAll(async () => stop?.());

  // The loop guard needs the bot's own user, bot and app ids; the Socket Mode connection
  // must be opened with the app-level token, never the bot token.
  it('asks auth.test with the bot token and opens Socket Mode with the app token', async () => {
    const fake = await startFakeSlack();
    const adapter = createSlackAdapter({
      botToken: 'xoxb-contract',
      appToken: 'xapp-contract',
      apiUrl: fake.apiUrl,
      clientOptions: { retries: 0 },
      postIntervalMs: 10,
    });
    stop = async () => {
      await adapter.stop();
      await fake.close();
    };
    await adapter.start(new RecordingInbox());
    const byMethod = (m: string) => fake.calls.filter((c) => c.method === m).map((c) => c.token);
    expect(byMethod('auth.test')).toContain('xoxb-contract');
    expect(byMethod('apps.connections.open')).toEqual(expect.arrayContaining(['xapp-contract']));
    expect(byMethod('apps.connections.open')).not.toContain('xoxb-contract');
  });
});
