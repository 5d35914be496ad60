/**
 * Relayed posts into Slack are not doubled when chat.postMessage's answer is lost: the Slack
 * fake stores (and echoes) the post, then answers 500 or drops the connection. The real bolt
 * App runs with its default Web API retries, so a retry inside the client would show up here
 * too. The job retries, finds the post by its message metadata (conversations.replies /
 * .history with include_all_metadata, form-encoded as 'true') and maps it. Assertions are on the fake's channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELAY_EVENT_TYPE } from '../../src/adapters/slack/find-posted.ts';
import type { Bridge } from '../../src/bridge/index.ts';
import type { Sandbox } from '../../src/sandbox/index.ts';
import type { MirrorMode, Store } from '../../src/store/types.ts';
import { eventually } from '../helpers/eventually.ts';
import { TEAM, type FakeSlack } from '../helpers/fake-slack.ts';
import { startSlackStack, type SlackStack } from '../helpers/slack-stack.ts';

const C = 'C0LAB';
let stack: SlackStack;
let sandbox: Sandbox;
let store: Store;
let fake: FakeSlack;
let bridge: Bridge;

beforeAll(async () => {
  // No clientOptions: the Web API client's own retries (2) are on, as in production.
  stack = await startSlackStack();
  ({ sandbox, store, fake, bridge } = stack);
  sandbox.addUser('alice');
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

async function link(channel: string, mode: MirrorMode) {
  await store.upsertChannelLink({
    platform: 'slack',
    workspace: TEAM,
    channel,
    orgId: null,
    orgName: null,
    teamId: null,
    teamName: null,
    mirrorMode: mode,
    updatedBy: 'test',
  });
}

/** A mirrored thread in `channel`: its root ts and conversation. */
async function thread(channel = C, text = 'a question for the lab') {
  await link(channel, 'threads');
  const root = await fake.userPosts(text, { channel });
  await fake.userPosts('a first reply', { channel, thread_ts: root.ts });
  let conv = '';
  await eventually(async () => {
    conv = (await store.getThreadLink({ platform: 'slack', workspace: TEAM, channel, thread: root.ts }))?.conversationId ?? '';
    expect(sandbox.state.messages.filter((m) => m.conversation_id === conv)).toHaveLength(2);
  });
  return { root: root.ts, conv };
}

const botPosts = (channel: string, thread: string | undefined, text: string) =>
  [...fake.messages.values()].filter((m) => m.bot_id && m.channel === channel && m.thread_ts === thread && m.text === text);

/** The mapping of an Ouro message in `channel`, once the bridge is idle. */
async function mappedOnce(ouroId: string, channel = '') {
  const find = async () => (await store.getMessagesByOuro(ouroId)).filter((m) => !channel || m.channel === channel);
  await eventually(async () => expect(await find()).toHaveLength(1));
  await bridge.drain();
  return (await find())[0]!;
}

describe('Slack: a relayed post whose answer is lost is not posted twice', () => {
  it.each(['500', 'reset'] as const)('Ouro → thread, answer lost (%s): one copy in the thread, and the map points at it', async (kind) => {
    const { root, conv } = await thread(C, `question (${kind})`);
    const repliesBefore = fake.callsOf('conversations.replies').length;
    fake.failAfterWrite('chat.postMessage', 1, kind);
    const text = `written once (${kind})`;
    const { id } = await sandbox.postAs('alice', conv, text);
    const mapping = await mappedOnce(id);
    const posts = botPosts(C, root, text);
    expect(posts).toHaveLength(1);
    expect(mapping).toMatchObject({ chatMessageId: posts[0]!.ts, thread: root });
    expect(posts[0]!.metadata).toEqual({ event_type: RELAY_EVENT_TYPE, event_payload: { marker: id } });
    // One postMessage: neither the Web API client nor the job posted a second time.
    expect(fake.callsOf('chat.postMessage').filter((c) => c.args.text === text)).toHaveLength(1);
    const search = fake.callsOf('conversations.replies').slice(repliesBefore);
    expect(search).toHaveLength(1);
    expect(search[0]!.args).toMatchObject({ channel: C, ts: root, include_all_metadata: 'true' });
    expect(Number(search[0]!.args.oldest)).toBeGreaterThan(Date.now() / 1000 - 600);
  });

  it('chat → chat: a copy into a second thread of the conversation, answer lost: one copy there', async () => {
    const { root, conv } = await thread(C, 'thread one');
    const other = await fake.userPosts('thread two, attached', { channel: 'C0TWO' });
    await store.linkThread({ platform: 'slack', workspace: TEAM, channel: 'C0TWO', thread: other.ts, conversationId: conv });
    await link('C0TWO', 'threads');
    fake.failAfterWrite('chat.postMessage', 1, '500');
    await fake.userPosts('said in thread one', { channel: C, thread_ts: root });
    await eventually(() => expect(sandbox.state.messages.some((m) => m.conversation_id === conv && m.text.endsWith('said in thread one'))).toBe(true));
    const ouroId = sandbox.state.messages.find((m) => m.conversation_id === conv && m.text.endsWith('said in thread one'))!.id;
    const mapping = await mappedOnce(ouroId, 'C0TWO');
    const copies = botPosts('C0TWO', other.ts, 'said in thread one');
    expect(copies).toHaveLength(1);
    expect(copies[0]!.username).toBe('Ada Lovelace (Slack)');
    expect(mapping).toMatchObject({ channel: 'C0TWO', thread: other.ts, chatMessageId: copies[0]!.ts, origin: 'ouro' });
  });

  it('the first try never reached Slack (refused before the write): posted once, and identical texts of two messages are both posted', async () => {
    const { root, conv } = await thread(C, 'thread for identical texts');
    const first = await sandbox.postAs('alice', conv, 'Agreed.');
    await mappedOnce(first.id);
    fake.failAfterWrite('chat.postMessage', 1, 'refuse');
    const second = await sandbox.postAs('alice', conv, 'Agreed.');
    const mapping = await mappedOnce(second.id);
    const posts = botPosts(C, root, 'Agreed.');
    expect(posts).toHaveLength(2);
    expect(mapping.chatMessageId).toBe(posts[1]!.ts);
    expect((await store.getMessagesByOuro(first.id))[0]!.chatMessageId).toBe(posts[0]!.ts);
  });

  it('channel mode (top level): the search reads conversations.history, and one copy stands', async () => {
    await link('C0CHAN', 'channel');
    await fake.userPosts('the channel is the conversation', { channel: 'C0CHAN' });
    let conv = '';
    await eventually(async () => {
      conv = (await store.getThreadLink({ platform: 'slack', workspace: TEAM, channel: 'C0CHAN', thread: '' }))?.conversationId ?? '';
      expect(conv).not.toBe('');
    });
    fake.failAfterWrite('chat.postMessage', 1, '500');
    const { id } = await sandbox.postAs('alice', conv, 'top-level answer');
    const mapping = await mappedOnce(id);
    const posts = botPosts('C0CHAN', undefined, 'top-level answer');
    expect(posts).toHaveLength(1);
    expect(mapping.chatMessageId).toBe(posts[0]!.ts);
    expect(fake.callsOf('conversations.history').at(-1)!.args).toMatchObject({ channel: 'C0CHAN', include_all_metadata: 'true' });
  });
});
