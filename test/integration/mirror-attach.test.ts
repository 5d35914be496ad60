import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ada, bob, dee, eventually, startMirror, type Mirror } from './mirror-harness.ts';

let m: Mirror;
beforeEach(async () => {
  m = await startMirror();
});
afterEach(async () => {
  await m.close();
});

/**
 * A Slack thread mirrored the usual way, and Discord thread D-THREAD attached to its
 * conversation the way `/ouro mirror attach <id>` records it.
 */
async function attachedThreads() {
  await m.link(m.slack, 'C1', 'threads');
  const root = await m.slack.say(ada, 'C1', 'Shared question');
  await m.slack.say(bob, 'C1', 'first Slack reply', { thread: root.messageId });
  await m.bridge.drain();
  const convId = await m.conversationOf(m.slack, 'C1', root.messageId);
  await m.store.linkThread({ platform: 'discord', workspace: 'G1', channel: 'D1', thread: 'D-THREAD', conversationId: convId });
  return { root, convId };
}

describe('a Slack thread and a Discord thread attached to one conversation', () => {
  it('stay in step: each side gets the other, Ouro gets both, Ouro replies reach both', async () => {
    const { root, convId } = await attachedThreads();
    const fromSlack = await m.slack.say(ada, 'C1', 'hello Discord', { thread: root.messageId });
    await m.bridge.drain();
    const fromDiscord = await m.discord.say(dee, 'D1', 'hello **Slack**', { thread: 'D-THREAD' });
    await m.bridge.drain();

    expect(m.discord.bridgePosts('D1', 'D-THREAD').map((p) => [p.author, p.text])).toEqual([['Ada Lovelace (Slack)', 'hello Discord']]);
    expect(m.slack.bridgePosts('C1', root.messageId).map((p) => [p.author, p.text])).toEqual([['Dee (Discord)', 'hello **Slack**']]);
    expect(
      m
        .messagesOf(convId)
        .map((x) => x.text)
        .slice(-2),
    ).toEqual(['**Ada Lovelace** (Slack): hello Discord', '**Dee** (Discord): hello **Slack**']);

    m.sandbox.addUser('alice');
    await m.sandbox.postAs('alice', convId, 'Ouro says hi to both');
    await eventually(async () => {
      expect(m.slack.bridgePosts('C1', root.messageId).map((p) => p.text)).toContain('Ouro says hi to both');
      expect(m.discord.bridgePosts('D1', 'D-THREAD').map((p) => p.text)).toContain('Ouro says hi to both');
    });
    await m.bridge.drain();

    // Edits and deletes follow the copies too.
    await m.slack.editAs(ada, 'C1', fromSlack.messageId, 'hello again, Discord', { thread: root.messageId });
    await m.discord.remove('D1', fromDiscord.messageId, { thread: 'D-THREAD' });
    await m.bridge.drain();
    const discordCopy = m.discord.bridgePosts('D1', 'D-THREAD')[0]!;
    expect(discordCopy.text).toBe('hello again, Discord');
    const slackCopy = m.slack.bridgePosts('C1', root.messageId)[0]!;
    expect(slackCopy.deleted).toBe(true);
    expect(m.messagesOf(convId).map((x) => x.text)).toContain('_(message deleted on Discord)_');

    // Nothing the bridge wrote came back around: Ouro holds exactly what people wrote.
    expect(m.messagesOf(convId)).toHaveLength(5);
    expect(m.slack.bridgePosts('C1', root.messageId)).toHaveLength(2);
    expect(m.discord.bridgePosts('D1', 'D-THREAD')).toHaveLength(2);
  });

  it('an edit whose copy a person deleted on the other side updates Ouro and ends its job; the copy stays deleted', async () => {
    const { root, convId } = await attachedThreads();
    const fromSlack = await m.slack.say(ada, 'C1', 'hello Discord', { thread: root.messageId });
    await m.bridge.drain();
    const copy = m.discord.bridgePosts('D1', 'D-THREAD')[0]!;
    // A moderator deletes the bridge's copy on Discord (the loop guard keeps that from Ouro).
    await m.discord.remove('D1', copy.messageId, { thread: 'D-THREAD' });
    await m.bridge.drain();

    await m.slack.editAs(ada, 'C1', fromSlack.messageId, 'hello again', { thread: root.messageId });
    await m.bridge.drain();
    expect(m.messagesOf(convId).map((x) => x.text)).toContain('**Ada Lovelace** (Slack, edited): hello again');
    expect(m.discord.bridgePosts('D1', 'D-THREAD')[0]).toMatchObject({ messageId: copy.messageId, text: 'hello Discord', deleted: true });
    expect(m.discord.ops.filter((o) => o.op === 'edit')).toEqual([]);
    const jobs = await m.store.countJobs();
    expect(jobs).toMatchObject({ pending: 0, running: 0, dead: 0 });
  });

  it('an attached thread does not receive the conversation history from before it was linked', async () => {
    await m.link(m.slack, 'C1', 'threads');
    const root = await m.slack.say(ada, 'C1', 'old thread');
    await m.slack.say(bob, 'C1', 'reply', { thread: root.messageId });
    await m.bridge.drain();
    const convId = await m.conversationOf(m.slack, 'C1', root.messageId);
    m.sandbox.addUser('alice');
    m.sandbox.setWebhookUrl(undefined);
    await m.sandbox.postAs('alice', convId, 'said long ago');
    // Pretend the Ouro message is older than the link allowance (60 s of clock skew).
    const msg = m.sandbox.state.messages.at(-1)!;
    msg.created_at = new Date(Date.now() - 120_000).toISOString();
    await m.store.linkThread({ platform: 'discord', workspace: 'G1', channel: 'D1', thread: 'LATE', conversationId: convId });

    await m.bridge.reconcile();
    await m.bridge.drain();
    expect(m.discord.bridgePosts('D1', 'LATE')).toEqual([]);
  });
});
