import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  await m.slack.say(bob, 'C1', 'first reply', { thread: root.messageId });
  await m.bridge.drain();
  return { root, convId: await m.conversationOf(m.slack, 'C1', root.messageId) };
}

describe('exactly once in effect', () => {
  it('the same inbound event delivered 3 times makes 1 Ouro message', async () => {
    const { root, convId } = await mirroredThread();
    const first = await m.slack.say(ada, 'C1', 'said once, delivered thrice', { thread: root.messageId });
    // A platform retry, and one racing the first delivery.
    const again = await Promise.all([m.slack.deliver(first.event), m.slack.deliver(first.event)]);
    expect([first.ack.accepted, ...again.map((a) => a.accepted)]).toEqual([true, false, false]);
    await m.bridge.drain();
    const texts = m.messagesOf(convId).map((x) => x.text);
    expect(texts.filter((t) => t.includes('said once'))).toEqual(['**Ada Lovelace** (Slack): said once, delivered thrice']);
    expect(texts).toHaveLength(3);
  });

  it('a create retried after the first went through is not doubled (same message id)', async () => {
    const { root, convId } = await mirroredThread();
    // The create reaches Ouro, but the connection drops before the answer: the job retries
    // with the id chosen at enqueue time.
    m.sandbox.faults.add({ route: `POST /conversations/${convId}/messages/create`, mode: 'drop', times: 1 });
    await m.slack.say(bob, 'C1', 'lost answer', { thread: root.messageId });
    await m.bridge.drain();
    expect(
      m
        .messagesOf(convId)
        .map((x) => x.text)
        .filter((t) => t.includes('lost answer')),
    ).toHaveLength(1);
  });

  it('the same webhook delivery twice makes 1 chat message', async () => {
    const { root, convId } = await mirroredThread();
    m.sandbox.addUser('alice');
    await m.sandbox.postAs('alice', convId, 'from Ouro');
    await eventually(() => expect(m.webhooks).toHaveLength(1));
    await m.bridge.drain();

    const again = await m.redeliver(m.webhooks[0]!.body);
    expect(again).toEqual({ status: 200, body: { status: 'duplicate' } });
    await m.bridge.drain();
    expect(m.slack.bridgePosts('C1', root.messageId).map((p) => p.text)).toEqual(['from Ouro']);
  });

  it('two deliveries for one message (different delivery ids) still make 1 chat message', async () => {
    const { root, convId } = await mirroredThread();
    m.sandbox.addUser('alice');
    await m.sandbox.postAs('alice', convId, 'once only');
    await eventually(() => expect(m.webhooks).toHaveLength(1));
    const body = { ...(m.webhooks[0]!.body as Record<string, unknown>), delivery_id: 'another-delivery' };
    expect((await m.redeliver(body)).body).toEqual({ status: 'accepted', event: 'new-message' });
    await m.bridge.drain();
    expect(m.slack.bridgePosts('C1', root.messageId).map((p) => p.text)).toEqual(['once only']);
  });

  it('reconciliation relays a message whose webhook never came', async () => {
    const { root, convId } = await mirroredThread();
    m.sandbox.setWebhookUrl(undefined);
    m.sandbox.addUser('carol');
    await m.sandbox.postAs('carol', convId, 'no webhook for this one');
    await m.sandbox.postAs('carol', convId, 'nor this');
    await m.bridge.drain();
    expect(m.slack.bridgePosts('C1', root.messageId)).toEqual([]);

    await m.bridge.reconcile();
    await m.bridge.drain();
    expect(m.slack.bridgePosts('C1', root.messageId).map((p) => [p.author, p.text])).toEqual([
      ['carol (Ouro)', 'no webhook for this one'],
      ['carol (Ouro)', 'nor this'],
    ]);
    // A second pass finds nothing new.
    await m.bridge.reconcile();
    await m.bridge.drain();
    expect(m.slack.bridgePosts('C1', root.messageId)).toHaveLength(2);
  });
});
