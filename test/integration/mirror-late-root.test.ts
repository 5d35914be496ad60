/**
 * A thread root whose event comes after its thread's first reply (a platform delivering out
 * of order, or a root job held by a replica that died past the reply's wait) still goes
 * into the conversation: late, never lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/bridge/types.ts';
import { ada, bob, startMirror, type Mirror } from './mirror-harness.ts';

let m: Mirror;
afterEach(async () => {
  await m.close();
});

const posted = (messageId: string, text: string, author = ada, thread?: string): InboundEvent => ({
  kind: 'message.posted',
  key: `posted:${messageId}`,
  ref: { platform: 'slack', workspace: m.slack.workspace, channel: 'C1', ...(thread ? { thread } : {}) },
  messageId,
  author,
  text,
  at: Date.now(),
  raw: { test: true },
});

describe('a thread root that arrives after its first reply', () => {
  it('is relayed late into the conversation the reply opened, once', async () => {
    m = await startMirror();
    await m.link(m.slack, 'C1', 'threads');
    await m.slack.deliver(posted('R-1', 'first reply', bob, 'ROOT-LATE'));
    await m.bridge.drain();
    const convId = await m.conversationOf(m.slack, 'C1', 'ROOT-LATE');

    await m.slack.deliver(posted('ROOT-LATE', 'the question'));
    await m.bridge.drain();
    // In at once, not only when a later reply happens to come.
    expect(m.messagesOf(convId).map((x) => x.text)).toEqual(['**Bob** (Slack): first reply', '**Ada Lovelace** (Slack): the question']);
    await m.slack.deliver(posted('R-2', 'second reply', ada, 'ROOT-LATE'));
    await m.slack.deliver(posted('ROOT-LATE', 'the question')); // a platform retry
    await m.bridge.drain();

    expect(m.messagesOf(convId).map((x) => x.text)).toEqual([
      '**Bob** (Slack): first reply',
      '**Ada Lovelace** (Slack): the question',
      '**Ada Lovelace** (Slack): second reply',
    ]);
    expect(m.sandbox.state.conversations).toHaveLength(1);
    expect(await m.store.countJobs()).toMatchObject({ dead: 0, pending: 0 });
  });
});
