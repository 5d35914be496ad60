/**
 * Relayed posts into Discord are not doubled when a webhook execution's answer is lost: the
 * Discord fake stores (and dispatches) the message, then answers 500 or drops the
 * connection. The whole runtime runs (`createApp`, the real discord.js Client with its
 * default REST retries). The job retries, reads the thread's newest messages, recognises its
 * post (our webhook, the author's name, the same content) and maps it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startMirroringDiscordApp, type DiscordApp } from '../helpers/discord-app.ts';

let h: DiscordApp;
beforeAll(async () => {
  h = await startMirroringDiscordApp();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const EXECUTE = /^\/webhooks\/\d+\/whtoken-[^/]+$/;
const copiesIn = (channelId: string, content: string) =>
  [...h.fake.messages.values()].filter((m) => m.channel_id === channelId && m.webhook_id && m.content === content);

/** A mirrored thread: its root message id (= the thread's id) and conversation. */
async function thread(text: string) {
  const root = h.fake.userMessage(text);
  h.fake.userMessage('a first reply', { thread: root.id });
  let conv = '';
  await eventually(async () => {
    conv =
      (await h.app.store.getThreadLink({ platform: 'discord', workspace: h.fake.ids.guild, channel: h.fake.ids.channel, thread: root.id }))?.conversationId ??
      '';
    expect(h.sandbox.state.messages.filter((m) => m.conversation_id === conv)).toHaveLength(2);
  });
  return { root: root.id, conv };
}

/** The thread's messages mapped to Ouro message `ouroId`: one per message of the post (a long one has several). */
async function mappings(ouroId: string, thread: string, count: number) {
  const find = async () => (await h.app.store.getMessagesByOuro(ouroId)).filter((m) => m.platform === 'discord' && m.thread === thread);
  await eventually(async () => expect(await find()).toHaveLength(count));
  return (await find()).map((m) => m.chatMessageId).sort();
}

async function mapping(ouroId: string, thread: string) {
  const [only] = await mappings(ouroId, thread, 1);
  return (await h.app.store.getMessageByChat({ platform: 'discord', workspace: h.fake.ids.guild, channel: h.fake.ids.channel, thread, chatMessageId: only! }))!;
}

describe('Discord: a relayed post whose answer is lost is not posted twice', () => {
  it.each(['500', 'reset'] as const)('Ouro → thread, answer lost (%s): one copy in the thread, and the map points at it', async (kind) => {
    const { root, conv } = await thread(`a question (${kind})`);
    h.fake.failAfterWrite('POST', EXECUTE, 1, kind);
    const text = `written once (${kind})`;
    const { id } = await h.sandbox.postAs('alice', conv, text);
    const mapped = await mapping(id, root);
    const copies = copiesIn(root, text);
    expect(copies).toHaveLength(1);
    expect(mapped.chatMessageId).toBe(copies[0]!.id);
    const executes = h.fake.calls.filter((c) => c.method === 'POST' && EXECUTE.test(c.path) && c.body?.content === text);
    expect(executes.map((c) => c.status)).toEqual([500]);
    // One page of the thread's newest messages held it.
    const search = h.fake.calls.filter((c) => c.method === 'GET' && c.path === `/channels/${root}/messages`);
    expect(search.map((c) => c.query)).toEqual([{ limit: '100' }]);
  });

  it('chat → chat: the copy into a second thread of the conversation, answer lost: one copy there', async () => {
    const { root, conv } = await thread('thread one');
    const other = h.fake.userMessage('thread two, attached');
    h.fake.startThread(other.id);
    await h.app.store.linkThread({ platform: 'discord', workspace: h.fake.ids.guild, channel: h.fake.ids.channel, thread: other.id, conversationId: conv });
    h.fake.failAfterWrite('POST', EXECUTE, 1, '500');
    h.fake.userMessage('said in thread one', { thread: root });
    await eventually(() => expect(h.sandbox.state.messages.some((m) => m.conversation_id === conv && m.text.endsWith('said in thread one'))).toBe(true));
    const ouroId = h.sandbox.state.messages.find((m) => m.conversation_id === conv && m.text.endsWith('said in thread one'))!.id;
    const mapped = await mapping(ouroId, other.id);
    const copies = copiesIn(other.id, 'said in thread one');
    expect(copies).toHaveLength(1);
    expect(mapped).toMatchObject({ chatMessageId: copies[0]!.id, origin: 'ouro' });
  });

  it('identical texts of two Ouro messages, the second refused before the write: both are posted, each mapped to its own', async () => {
    const { root, conv } = await thread('thread for identical texts');
    const first = await h.sandbox.postAs('alice', conv, 'Agreed.');
    const firstMap = await mapping(first.id, root);
    h.fake.failAfterWrite('POST', EXECUTE, 1, 'refuse');
    const second = await h.sandbox.postAs('alice', conv, 'Agreed.');
    const secondMap = await mapping(second.id, root);
    const copies = copiesIn(root, 'Agreed.');
    expect(copies).toHaveLength(2);
    // The search saw the first 'Agreed.' (same webhook, author and content) and left it to its own message.
    expect(h.fake.calls.some((c) => c.method === 'GET' && c.path === `/channels/${root}/messages`)).toBe(true);
    expect([firstMap.chatMessageId, secondMap.chatMessageId]).toEqual(copies.map((c) => c.id));
  });

  it('the search pages back through newer messages (150 after the post), and stops at `since`', async () => {
    const { root } = await thread('a busy thread');
    const ref = { platform: 'discord' as const, workspace: h.fake.ids.guild, channel: h.fake.ids.channel, thread: root };
    const message = { text: 'buried under chatter', author: { name: 'Alice Chen (Ouro)' }, marker: 'm-buried' };
    const since = Date.now() - 1_000;
    const posted = await h.discord.post(ref, message);
    // History written after the post (kept by the fake, not dispatched: nobody relays it).
    const template = h.fake.messages.get(posted.messageId)!;
    for (let i = 1; i <= 150; i++) {
      const id = String(BigInt(posted.messageId) + BigInt(i));
      h.fake.messages.set(id, { ...template, id, webhook_id: undefined, content: `chatter ${i}`, author: h.fake.user });
    }
    const before = h.fake.calls.length;
    const found = await h.discord.findPosted!(ref, { marker: message.marker, message }, since);
    expect(found.map((f) => f.messageId)).toEqual([posted.messageId]);
    const pages = h.fake.calls.slice(before).filter((c) => c.method === 'GET' && c.path === `/channels/${root}/messages`);
    expect(pages.map((c) => c.query.before ?? '')).toEqual(['', String(BigInt(posted.messageId) + 51n)]);
    // From after the post, nothing is found and one page is enough.
    expect(await h.discord.findPosted!(ref, { marker: message.marker, message }, Date.now() + 60_000)).toEqual([]);
  });
  // Over 2,000 characters: Discord gets it as two messages.
  const longText = (tag: string) => `${tag} ${'word '.repeat(500).trim()}`;
  const partsIn = (channelId: string, tag: string) =>
    [...h.fake.messages.values()].filter(
      (m) => m.channel_id === channelId && m.webhook_id && (m.content ?? '').length > 0 && (m.content.startsWith(tag) || m.content.startsWith('word')),
    );

  it('a long message whose second part lost its answer: both parts found, nothing posted again', async () => {
    const { root, conv } = await thread('thread for a long message');
    h.fake.failAfterWrite('POST', EXECUTE, 1, '500', 1);
    const { id } = await h.sandbox.postAs('alice', conv, longText('long-a'));
    const mapped = await mappings(id, root, 2);
    const parts = partsIn(root, 'long-a');
    expect(parts).toHaveLength(2);
    expect(mapped).toEqual(parts.map((p) => p.id).sort());
  });

  it('a long message whose second part was never written: posted again whole, so no part is missing', async () => {
    const { root, conv } = await thread('thread for a cut long message');
    h.fake.failAfterWrite('POST', EXECUTE, 1, 'refuse', 1);
    const { id } = await h.sandbox.postAs('alice', conv, longText('long-b'));
    const mapped = await mappings(id, root, 2);
    const parts = partsIn(root, 'long-b');
    // The first part twice (the partial post, then the whole), the second once: a double, not a loss.
    expect(parts.map((m) => (m.content.startsWith('long-b') ? 'first' : 'second'))).toEqual(['first', 'first', 'second']);
    expect(mapped).toEqual([parts[1]!.id, parts[2]!.id].sort());
  });
});
