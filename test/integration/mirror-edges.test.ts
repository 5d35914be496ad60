import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOuroClient } from '../../src/ouro/index.ts';
import { ada, bob, eventually, startMirror, type Mirror } from './mirror-harness.ts';

let m: Mirror;
beforeEach(async () => {
  m = await startMirror();
});
afterEach(async () => {
  await m.close();
});

async function mirroredThread() {
  await m.link(m.slack, 'C1', 'threads');
  const root = await m.slack.say(ada, 'C1', 'root');
  await m.slack.say(bob, 'C1', 'reply', { thread: root.messageId });
  await m.bridge.drain();
  return { root, convId: await m.conversationOf(m.slack, 'C1', root.messageId) };
}

describe('mirroring edge cases', () => {
  it('an edit and a delete that arrive before the create ran wait behind it', async () => {
    const { root, convId } = await mirroredThread();
    const said = await m.slack.say(bob, 'C1', 'v1', { thread: root.messageId });
    await m.slack.editAs(bob, 'C1', said.messageId, 'v2', { thread: root.messageId });
    await m.slack.remove('C1', said.messageId, { thread: root.messageId });
    await m.bridge.drain();
    expect(m.messagesOf(convId).map((x) => x.text)).toEqual(['**Ada Lovelace** (Slack): root', '**Bob** (Slack): reply', '_(message deleted on Slack)_']);
    expect(m.sandbox.requests.filter((r) => r.method === 'PATCH')).toHaveLength(2);
  });

  it('names attachments in the relayed text', async () => {
    const { root, convId } = await mirroredThread();
    await m.slack.say(ada, 'C1', 'results attached', { thread: root.messageId, files: [{ name: 'mae.csv', url: 'https://files.example/mae.csv' }] });
    await m.bridge.drain();
    expect(m.messagesOf(convId).at(-1)!.text).toBe('**Ada Lovelace** (Slack): results attached\n📎 [mae.csv](https://files.example/mae.csv)');
  });

  it("keeps an agent's reasoning rows on Ouro and relays only its message", async () => {
    const { root, convId } = await mirroredThread();
    const agent = m.sandbox.addUser('helper_agent');
    await m.sandbox.postAs('helper_agent', convId, 'Let me look.');
    const client = createOuroClient({ baseUrl: m.sandbox.url, apiKey: agent.apiKey, retries: 0 });
    try {
      await client.messages.create(convId, { text: 'thinking about mae_ev…', type: 'reasoning' });
    } finally {
      await client.close();
    }
    await eventually(() => expect(m.webhooks.length).toBeGreaterThanOrEqual(1));
    await m.bridge.reconcile();
    await m.bridge.drain();
    expect(m.slack.bridgePosts('C1', root.messageId).map((p) => p.text)).toEqual(['Let me look.']);
  });

  it('a top-level message in a threads channel that never gets a reply stays local', async () => {
    await m.link(m.slack, 'C1', 'threads');
    await m.slack.say(ada, 'C1', 'just an announcement');
    await m.bridge.drain();
    expect(m.sandbox.state.conversations).toEqual([]);
    expect(m.sandbox.requests.filter((r) => r.method !== 'GET' && r.path !== '/users/get-token')).toEqual([]);
  });

  it('a reply to a root that predates mirroring opens the conversation without waiting for the root', async () => {
    await m.link(m.slack, 'C1', 'threads');
    const started = Date.now();
    await m.slack.say(bob, 'C1', 'replying to an old message', { thread: '1600000000.000100' });
    await m.bridge.drain();
    const convId = await m.conversationOf(m.slack, 'C1', '1600000000.000100');
    expect(m.sandbox.state.conversations.find((c) => c.id === convId)!.name).toBe('#materials-lab (Slack)');
    expect(m.messagesOf(convId).map((x) => x.text)).toEqual(['**Bob** (Slack): replying to an old message']);
    // The channel lane is idle, so there is nothing to wait for (one run, no backoff).
    expect((await m.store.listJobs({ state: 'done' })).every((j) => j.attempts === 0)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('mirror mode changes', () => {
  it('`mirror off` stops the threads the mode linked, both ways; switching back resumes them', async () => {
    const { root, convId } = await mirroredThread();
    await m.link(m.slack, 'C1', 'off');
    await m.slack.say(bob, 'C1', 'said while off', { thread: root.messageId });
    m.sandbox.addUser('alice');
    await m.sandbox.postAs('alice', convId, 'written on Ouro while off');
    await eventually(() => expect(m.webhooks).toHaveLength(1));
    await m.bridge.drain();
    expect(m.messagesOf(convId).map((x) => x.text)).not.toContain('**Bob** (Slack): said while off');
    expect(m.slack.bridgePosts('C1', root.messageId)).toEqual([]);

    await m.link(m.slack, 'C1', 'threads');
    await m.slack.say(bob, 'C1', 'back on', { thread: root.messageId });
    await m.sandbox.postAs('alice', convId, 'welcome back');
    await eventually(() => expect(m.webhooks).toHaveLength(2));
    await m.bridge.drain();
    expect(m.messagesOf(convId).map((x) => x.text)).toContain('**Bob** (Slack): back on');
    expect(m.slack.bridgePosts('C1', root.messageId).map((p) => p.text)).toEqual(['welcome back']);
  });

  it('a thread a person attached keeps mirroring in a channel whose mode is off', async () => {
    const { convId } = await mirroredThread();
    await m.store.upsertChannelLink({
      platform: 'discord',
      workspace: 'G1',
      channel: 'D1',
      orgId: null,
      orgName: null,
      teamId: null,
      teamName: null,
      mirrorMode: 'off',
      updatedBy: 'test',
    });
    await m.store.linkThread({ platform: 'discord', workspace: 'G1', channel: 'D1', thread: 'ATT', conversationId: convId });
    await m.discord.say(ada, 'D1', 'attached and talking', { thread: 'ATT' });
    await m.bridge.drain();
    expect(m.messagesOf(convId).at(-1)!.text).toBe('**Ada Lovelace** (Discord): attached and talking');
  });
});
