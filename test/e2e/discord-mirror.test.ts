/**
 * Thread mirroring end to end: a Discord thread (started from a message) ↔ an Ouro
 * conversation, both ways, with edits and deletes, through the real discord.js Client, the
 * Discord fake, the whole runtime and the Ouro sandbox. Then a gateway RECONNECT → RESUME
 * whose replayed MESSAGE_CREATE must not reach Ouro twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startMirroringDiscordApp, type DiscordApp } from '../helpers/discord-app.ts';
import type { FakeMessage } from '../helpers/fake-discord.ts';

let h: DiscordApp;
beforeAll(async () => {
  h = await startMirroringDiscordApp();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const messagesOf = (conversationId: string) => h.sandbox.state.messages.filter((m) => m.conversation_id === conversationId);

describe('discord thread mirroring end to end', () => {
  let root: FakeMessage;
  let reply: FakeMessage;
  let root2: FakeMessage;
  let conversationId = '';

  it('a thread started from a message becomes one Ouro conversation holding the root and the reply', async () => {
    root = h.fake.userMessage('Is the **mae_ev** column in eV?');
    reply = h.fake.userMessage('I think so, see run 12', { thread: root.id });
    expect(h.fake.channels.get(root.id)).toMatchObject({ type: 11, parent_id: h.fake.ids.channel });
    await eventually(async () => {
      const link = await h.app.store.getThreadLink({ platform: 'discord', workspace: h.fake.ids.guild, channel: h.fake.ids.channel, thread: root.id });
      expect(link).toBeDefined();
      conversationId = link!.conversationId;
      expect(messagesOf(conversationId).map((m) => m.text)).toEqual([
        expect.stringContaining('Is the **mae_ev** column in eV?'),
        expect.stringContaining('I think so, see run 12'),
      ]);
    }, 10_000);
    expect(h.sandbox.state.conversations.find((c) => c.id === conversationId)?.name).toContain('#lab');
  });

  it('an Ouro message arrives in the thread through the channel webhook, under its author', async () => {
    await h.sandbox.postAs('alice', conversationId, 'Yes: **eV**, per atom. @everyone take note');
    await eventually(() => {
      const post = h.fake.received().find((r) => r.op === 'post' && r.text?.includes('per atom'));
      expect(post).toBeDefined();
      expect(post!.thread).toBe(root.id);
      expect(post!.authorName?.toLowerCase()).toContain('alice');
    }, 10_000);
    const exec = h.fake.calls.find((c) => c.method === 'POST' && /^\/webhooks\/\d+\/whtoken-/.test(c.path) && c.body?.content?.includes('per atom'))!;
    expect(exec.query).toMatchObject({ thread_id: root.id, wait: 'true' });
    expect(exec.body.allowed_mentions).toEqual({ parse: [] });
    expect(exec.body.content).toContain('@\u200beveryone');
    expect(exec.auth).toBeUndefined(); // webhook executions carry their token in the path, not the bot's
    const hook = [...h.fake.webhooks.values()][0]!;
    expect(hook).toMatchObject({ channel_id: h.fake.ids.channel, application_id: h.fake.ids.app });
    expect(h.fake.webhooks.size).toBe(1);
  });

  it('the echo of the relayed message is not sent back to Ouro', async () => {
    const sentinel = h.fake.userMessage('sentinel after the relay', { thread: root.id });
    await eventually(
      () =>
        expect(
          messagesOf(conversationId)
            .map((m) => m.text)
            .some((t) => t.includes('sentinel')),
        ).toBe(true),
      10_000,
    );
    const texts = messagesOf(conversationId).map((m) => m.text);
    expect(texts.filter((t) => t.includes('per atom'))).toHaveLength(1);
    expect(sentinel.id).toBeTruthy();
  });

  it('a second Ouro message reuses the webhook', async () => {
    await h.sandbox.postAs('alice', conversationId, 'One more thing');
    await eventually(() => expect(h.fake.received().some((r) => r.op === 'post' && r.text === 'One more thing')).toBe(true), 10_000);
    expect(h.fake.webhooks.size).toBe(1);
    expect(h.fake.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/webhooks'))).toHaveLength(1);
  });

  it('mirror attach typed in a second thread joins it to the same conversation, and Ouro reaches both', async () => {
    root2 = h.fake.userMessage('A second thread about the same question');
    h.fake.startThread(root2.id);
    const { token } = h.command(`mirror attach ${conversationId}`, { admin: true, channelId: root2.id });
    const answer = await h.fake.waitForCall((c) => c.method === 'PATCH' && c.path === `/webhooks/${h.fake.ids.app}/${token}/messages/@original`, 10_000);
    expect(answer.body.content).toContain('attached');
    h.fake.userMessage('from the second thread', { thread: root2.id });
    await eventually(() => expect(messagesOf(conversationId).some((m) => m.text.includes('from the second thread'))).toBe(true), 10_000);
    await h.sandbox.postAs('alice', conversationId, 'Seen in both threads');
    await eventually(() => {
      const threads = h.fake
        .received()
        .filter((r) => r.op === 'post' && r.text === 'Seen in both threads')
        .map((r) => r.thread);
      expect(threads.sort()).toEqual([root.id, root2.id].sort());
    }, 10_000);
  });

  /** 60 lines of `words`: two Discord messages' worth. */
  const longText = (words: string) => Array.from({ length: 60 }, (_, i) => `line ${i}: ${words}`).join('\n');
  /** Posts `text` in the second thread; resolves once its copy in the first went out as two messages (found by `marker`). */
  const copiedInTwo = async (text: string, marker: string) => {
    const original = h.fake.userMessage(text, { thread: root2.id });
    let parts: string[] = [];
    await eventually(() => {
      parts = h.fake
        .received()
        .filter((r) => r.op === 'post' && r.thread === root.id && r.text?.includes(marker))
        .map((r) => r.messageId!);
      expect(parts).toHaveLength(2);
    }, 10_000);
    return { original, parts };
  };

  it('a long message copied into the other thread goes as several messages; its edit and delete reach each of them', async () => {
    const text = longText('lorem ipsum '.repeat(4)); // ~3,500 characters
    const { original: long, parts } = await copiedInTwo(text, 'lorem ipsum');
    h.fake.editUserMessage(long.id, 'shortened to one line');
    await eventually(() => {
      const ops = h.fake.received();
      expect(ops.some((o) => o.op === 'edit' && o.messageId === parts[0] && o.text?.includes('shortened to one line'))).toBe(true);
      expect(ops.some((o) => o.op === 'delete' && o.messageId === parts[1])).toBe(true);
    }, 10_000);
    const { original: longer, parts: again } = await copiedInTwo(text.replaceAll('lorem', 'dolor'), 'dolor ipsum');
    h.fake.deleteUserMessage(longer.id);
    await eventually(() => {
      const deleted = h.fake
        .received()
        .filter((o) => o.op === 'delete')
        .map((o) => o.messageId);
      expect(deleted).toEqual(expect.arrayContaining(again));
    }, 10_000);
    for (const id of [...again, parts[1]!]) expect(h.fake.messages.has(id)).toBe(false);
  });

  it('an edit of a long message is laid over the copied part left when a person deleted the other', async () => {
    const text = longText('sit amet '.repeat(5)); // ~3,000 characters
    const { original: long, parts } = await copiedInTwo(text, 'sit amet');
    // Gone from Discord without an event reaching the bridge: only the edit finds out.
    h.fake.messages.delete(parts[0]!);
    // Still two messages' worth of text: laid over the one part left, cut with a note.
    h.fake.editUserMessage(long.id, text.replaceAll('sit amet', 'SIT AMET'));
    await eventually(() => {
      const edit = h.fake.received().find((o) => o.op === 'edit' && o.messageId === parts[1]);
      expect(edit?.text).toMatch(/^[\s\S]*line 0: SIT AMET[\s\S]*\(cut to fit Discord; the full text is on Ouro\)$/);
    }, 10_000);
    expect(messagesOf(conversationId).some((m) => m.text.includes('line 59: SIT AMET'))).toBe(true);
  });

  it('an edit and a delete in Discord reach the Ouro conversation', async () => {
    h.fake.editUserMessage(reply.id, 'I think so, see run 13');
    await eventually(() => {
      const texts = messagesOf(conversationId).map((m) => m.text);
      expect(texts.some((t) => t.includes('run 13'))).toBe(true);
      expect(texts.some((t) => t.includes('run 12'))).toBe(false);
    }, 10_000);
    h.fake.deleteUserMessage(reply.id);
    await eventually(() => expect(messagesOf(conversationId).some((m) => m.text.includes('run 13'))).toBe(false), 10_000);
  });

  it('after a gateway RECONNECT the client resumes, and a replayed MESSAGE_CREATE is not doubled in Ouro', async () => {
    const before = h.fake.userMessage('written just before the reconnect', { thread: root.id });
    await eventually(() => expect(messagesOf(conversationId).filter((m) => m.text.includes('just before'))).toHaveLength(1), 10_000);
    // Forget the message in discord.js's cache, so the replay reaches the bridge (discord.js alone would drop a cached one).
    const thread = h.discord.client.channels.cache.get(root.id);
    if (thread?.isTextBased()) thread.messages.cache.delete(before.id);
    const identifies = h.fake.gateway.identifies;
    h.fake.reconnect({ replayAlso: (t, d) => t === 'MESSAGE_CREATE' && d.id === before.id });
    await eventually(() => expect(h.fake.gateway.resumes).toBe(1), 10_000);
    expect(h.fake.gateway.identifies).toBe(identifies); // resumed, not a new session
    expect(h.fake.gateway.replayed).toContain(`MESSAGE_CREATE ${before.id}`);
    const after = h.fake.userMessage('written after the resume', { thread: root.id });
    await eventually(() => expect(messagesOf(conversationId).filter((m) => m.text.includes('after the resume'))).toHaveLength(1), 10_000);
    await h.app.bridge.drain(5_000);
    expect(messagesOf(conversationId).filter((m) => m.text.includes('just before'))).toHaveLength(1);
    expect(after.id).not.toBe(before.id);
    expect(h.discord.health()).toEqual({ connected: true });
  });
});
