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

describe('a chat thread mirrored into one Ouro conversation', () => {
  it('sends root and replies in order, authors named, one Ouro call per message', async () => {
    await m.link(m.slack, 'C1', 'threads');
    const root = await m.slack.say(ada, 'C1', 'Is the mae_ev column right?\nI see outliers.');
    await m.bridge.drain();
    // A root alone opens no conversation: only its first reply does.
    expect(m.sandbox.state.conversations).toHaveLength(0);

    await m.slack.say(bob, 'C1', 'Looks fine to me, *mostly*', { thread: root.messageId });
    await m.slack.say(ada, 'C1', 'Thanks!', { thread: root.messageId });
    await m.bridge.drain();

    const convId = await m.conversationOf(m.slack, 'C1', root.messageId);
    const conv = m.sandbox.state.conversations.find((c) => c.id === convId)!;
    expect(conv.name).toBe('#materials-lab (Slack) — Is the mae_ev column right?');
    expect(conv.metadata.members).toContain(m.sandbox.bot.id);
    expect(conv.org_id).toBe('00000000-0000-0000-0000-000000000000');

    const msgs = m.messagesOf(convId);
    expect(msgs.map((x) => x.text)).toEqual([
      '**Ada Lovelace** (Slack): Is the mae_ev column right?\nI see outliers.',
      '**Bob** (Slack): Looks fine to me, *mostly*',
      '**Ada Lovelace** (Slack): Thanks!',
    ]);
    expect(msgs.every((x) => x.user_id === m.sandbox.bot.id)).toBe(true);
    // The doc is built locally: no conversion endpoint, one create per message.
    const calls = m.sandbox.requests.map((r) => `${r.method} ${r.path}`);
    expect(calls.filter((c) => c.includes('/utilities/convert'))).toEqual([]);
    expect(calls.filter((c) => c === `POST /conversations/${convId}/messages/create`)).toHaveLength(3);
    expect(calls.filter((c) => c === 'POST /conversations/create')).toHaveLength(1);
    const stored = m.sandbox.state.messages.find((x) => x.id === msgs[1]!.id)!;
    expect(JSON.stringify(stored.json)).toContain('"italic"');
    // Nothing was echoed back into the chat thread.
    expect(m.slack.bridgePosts('C1', root.messageId)).toEqual([]);
  });

  it('reflects edits and deletes on the same Ouro messages', async () => {
    await m.link(m.slack, 'C1', 'threads');
    const root = await m.slack.say(ada, 'C1', 'Plan for Monday');
    const reply = await m.slack.say(bob, 'C1', 'I will run the query', { thread: root.messageId });
    const other = await m.slack.say(ada, 'C1', 'ok', { thread: root.messageId });
    await m.bridge.drain();
    const convId = await m.conversationOf(m.slack, 'C1', root.messageId);

    await m.slack.editAs(bob, 'C1', reply.messageId, 'I ran the query', { thread: root.messageId });
    await m.slack.remove('C1', other.messageId, { thread: root.messageId });
    // The root is edited from the channel's top level, as platforms report it.
    await m.slack.editAs(ada, 'C1', root.messageId, 'Plan for Tuesday');
    await m.bridge.drain();

    expect(m.messagesOf(convId).map((x) => x.text)).toEqual([
      '**Ada Lovelace** (Slack, edited): Plan for Tuesday',
      '**Bob** (Slack, edited): I ran the query',
      '_(message deleted on Slack)_',
    ]);
    const patches = m.sandbox.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(3);
  });

  it('takes root edits made before the thread existed', async () => {
    await m.link(m.slack, 'C1', 'threads');
    const root = await m.slack.say(ada, 'C1', 'draft question');
    await m.slack.editAs(ada, 'C1', root.messageId, 'final question');
    await m.slack.say(bob, 'C1', 'answer', { thread: root.messageId });
    await m.bridge.drain();
    const convId = await m.conversationOf(m.slack, 'C1', root.messageId);
    expect(m.messagesOf(convId).map((x) => x.text)).toEqual(['**Ada Lovelace** (Slack, edited): final question', '**Bob** (Slack): answer']);
  });

  it('mirrors a channel-mode channel top level into one conversation, threads aside', async () => {
    await m.link(m.slack, 'C2', 'channel');
    const first = await m.slack.say(ada, 'C2', 'morning all');
    await m.slack.say(bob, 'C2', 'morning');
    await m.slack.say(bob, 'C2', 'a side thread stays local', { thread: first.messageId });
    await m.bridge.drain();
    const convId = await m.conversationOf(m.slack, 'C2');
    expect(m.sandbox.state.conversations.find((c) => c.id === convId)!.name).toBe('#general (Slack)');
    expect(m.messagesOf(convId).map((x) => x.text)).toEqual(['**Ada Lovelace** (Slack): morning all', '**Bob** (Slack): morning']);
    expect(m.sandbox.state.conversations).toHaveLength(1);
  });

  it('leaves unlinked and off channels alone', async () => {
    await m.link(m.slack, 'C2', 'off');
    const a = await m.slack.say(ada, 'C2', 'private chatter');
    await m.slack.say(bob, 'C2', 'reply', { thread: a.messageId });
    const b = await m.slack.say(ada, 'C9', 'unlinked channel');
    await m.slack.say(bob, 'C9', 'reply', { thread: b.messageId });
    await m.bridge.drain();
    expect(m.sandbox.state.conversations).toEqual([]);
    expect(m.sandbox.state.messages).toEqual([]);
    expect(await m.store.countJobs()).toMatchObject({ pending: 0, running: 0, dead: 0 });
  });
});

describe('Ouro → chat', () => {
  it("brings an Ouro user's message into the thread with their name, and never the bot's own", async () => {
    await m.link(m.slack, 'C1', 'threads');
    const root = await m.slack.say(ada, 'C1', 'Question for the Ouro side');
    await m.slack.say(bob, 'C1', 'bumping', { thread: root.messageId });
    await m.bridge.drain();
    const convId = await m.conversationOf(m.slack, 'C1', root.messageId);
    m.sandbox.addUser('alice');

    await m.sandbox.postAs('alice', convId, 'Can someone check **the mae_ev column**?');
    await eventually(() => expect(m.slack.bridgePosts('C1', root.messageId)).toHaveLength(1));
    await m.bridge.drain();
    const [post] = m.slack.bridgePosts('C1', root.messageId);
    expect(post!.author).toBe('alice (Ouro)');
    expect(post!.text).toBe('Can someone check **the mae_ev column**?');
    expect(m.webhooks.map((w) => w.answer.status)).toEqual([200]);

    // A full re-read (as reconciliation does) finds only the bot's own messages besides
    // alice's: nothing more comes back, and the relayed copy is not sent to Ouro again.
    await m.bridge.reconcile();
    await m.bridge.drain();
    expect(m.slack.bridgePosts('C1', root.messageId)).toHaveLength(1);
    expect(m.messagesOf(convId)).toHaveLength(3);
  });

  it('relays an edit made on Ouro to the chat copy at the next sync, once, and never an edit of its own messages', async () => {
    await m.link(m.slack, 'C1', 'threads');
    const root = await m.slack.say(ada, 'C1', 'Which version did the run use?');
    const bump = await m.slack.say(bob, 'C1', 'bumping', { thread: root.messageId });
    await m.bridge.drain();
    const convId = await m.conversationOf(m.slack, 'C1', root.messageId);
    const alice = createOuroClient({ baseUrl: m.sandbox.url, apiKey: m.sandbox.addUser('alice').apiKey, retries: 0 });
    const { id } = await m.sandbox.postAs('alice', convId, 'The run used **v1**');
    await eventually(() => expect(m.slack.bridgePosts('C1', root.messageId)).toHaveLength(1));
    await m.bridge.drain();
    const edits = () => m.slack.ops.filter((o) => o.op === 'edit');
    expect(edits()).toEqual([]);

    await alice.messages.update(convId, id, { text: 'The run used **v2**' });
    // Ouro sends no webhook for an edit: the next sync (here a reconciliation pass) finds it.
    await m.bridge.reconcile();
    await m.bridge.drain();
    const [copy] = m.slack.bridgePosts('C1', root.messageId);
    expect(copy!.text).toBe('The run used **v2**');
    expect(edits()).toHaveLength(1);
    expect(edits()[0]).toMatchObject({ messageId: copy!.messageId, author: { name: 'alice (Ouro)' } });

    // A pass that finds last_updated where it was compares nothing again.
    const digestReads: string[] = [];
    const getState = m.store.getState.bind(m.store);
    m.store.getState = async (key) => (key.startsWith('ouro-text:') && digestReads.push(key), getState(key));
    await m.bridge.reconcile();
    await m.bridge.drain();
    expect(digestReads).toEqual([]);

    // Nothing changes in chat when the text did not: not at the next pass, not when the
    // message is saved again with the same text. Bob's edit changes the bridge's own Ouro
    // message, which is not sent back to chat.
    await alice.messages.update(convId, id, { text: 'The run used **v2**' });
    await m.slack.editAs(bob, 'C1', bump.messageId, 'bumping again', { thread: root.messageId });
    await m.bridge.drain();
    await m.bridge.reconcile();
    await m.bridge.drain();
    expect(m.messagesOf(convId).some((x) => x.text.includes('bumping again'))).toBe(true);
    expect(edits()).toHaveLength(1);
  });

  it("answers a delivery about the bot's own message without relaying it", async () => {
    const answer = await m.bridge.handleOuroWebhook({
      delivery_id: 'd-own',
      event: 'new-message',
      user_id: m.sandbox.bot.id,
      data: { conversation_id: 'c1', text: 'hi', type: 'message', user_id: m.sandbox.bot.id },
    });
    expect(answer).toEqual({ status: 200, body: { status: 'skipped', reason: 'own message' } });
    expect(await m.store.countJobs()).toMatchObject({ pending: 0, running: 0, done: 0 });
  });

  it('rejects a malformed delivery with 400 and ignores other events', async () => {
    expect((await m.redeliver({ data: {} })).status).toBe(400);
    const other = await m.redeliver({ delivery_id: 'd2', event: 'reaction', data: { text: 'x' } });
    expect(other).toEqual({ status: 200, body: { status: 'ignored', event: 'reaction' } });
    expect(await m.store.countJobs()).toMatchObject({ pending: 0, done: 0 });
  });
});
