/** The core's main paths on the PostgreSQL store (the multi-replica engine). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../helpers/store.ts';
import { ada, bob, eventually, startMirror, type Mirror } from './mirror-harness.ts';

describe.skipIf(!TEST_DATABASE_URL)('mirroring on PostgreSQL', () => {
  let m: Mirror;
  beforeEach(async () => {
    m = await startMirror({}, { engine: 'postgres' });
  });
  afterEach(async () => {
    await m.close();
  });

  it('mirrors a thread both ways, once', async () => {
    await m.link(m.slack, 'C1', 'threads');
    const root = await m.slack.say(ada, 'C1', 'on postgres');
    const reply = await m.slack.say(bob, 'C1', 'reply', { thread: root.messageId });
    await m.slack.deliver(reply.event);
    await m.bridge.drain();
    const convId = await m.conversationOf(m.slack, 'C1', root.messageId);
    expect(m.messagesOf(convId).map((x) => x.text)).toEqual(['**Ada Lovelace** (Slack): on postgres', '**Bob** (Slack): reply']);

    m.sandbox.addUser('alice');
    await m.sandbox.postAs('alice', convId, 'back from Ouro');
    await eventually(() => expect(m.webhooks).toHaveLength(1));
    await m.redeliver(m.webhooks[0]!.body);
    await m.bridge.drain();
    expect(m.slack.bridgePosts('C1', root.messageId).map((p) => [p.author, p.text])).toEqual([['alice (Ouro)', 'back from Ouro']]);
  });
});
