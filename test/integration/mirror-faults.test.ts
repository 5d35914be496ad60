import { afterEach, describe, expect, it } from 'vitest';
import { ada, bob, eventually, startMirror, type Mirror } from './mirror-harness.ts';

let m: Mirror;
afterEach(async () => {
  await m.close();
});

async function thread() {
  await m.link(m.slack, 'C1', 'threads');
  const root = await m.slack.say(ada, 'C1', 'root');
  await m.slack.say(bob, 'C1', 'reply 0', { thread: root.messageId });
  await m.bridge.drain();
  return { root, convId: await m.conversationOf(m.slack, 'C1', root.messageId) };
}

const creates = (convId: string) => m.sandbox.requests.filter((r) => r.method === 'POST' && r.path === `/conversations/${convId}/messages/create`);

describe('Ouro failing for a while', () => {
  it('answering 500 for 1.5 s: everything is delivered afterwards, in order, once', async () => {
    m = await startMirror();
    const { root, convId } = await thread();
    m.sandbox.faults.add({ route: /^POST \/conversations\//, mode: '500', forMs: 1500 });
    const started = Date.now();
    for (let i = 1; i <= 10; i++) await m.slack.say(i % 2 ? ada : bob, 'C1', `reply ${i}`, { thread: root.messageId });
    // A second thread opened during the outage needs a conversation too.
    const root2 = await m.slack.say(bob, 'C1', 'second root');
    await m.slack.say(ada, 'C1', 'second reply', { thread: root2.messageId });
    await eventually(() => expect(m.bridge.health()).toEqual({ ouro: false, worker: true }));
    await m.bridge.drain(15_000);
    expect(m.bridge.health()).toEqual({ ouro: true, worker: true });

    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    const texts = m.messagesOf(convId).map((x) => x.text.replace(/^\*\*.*?\*\* \(Slack\): /, ''));
    expect(texts).toEqual(['root', 'reply 0', ...Array.from({ length: 10 }, (_, i) => `reply ${i + 1}`)]);
    const conv2 = await m.conversationOf(m.slack, 'C1', root2.messageId);
    expect(m.messagesOf(conv2).map((x) => x.text)).toEqual(['**Bob** (Slack): second root', '**Ada Lovelace** (Slack): second reply']);
    expect(m.sandbox.state.conversations).toHaveLength(2);
    // The sandbox really refused: more create calls than messages.
    expect(creates(convId).length).toBeGreaterThan(12);
    expect(await m.store.countJobs()).toMatchObject({ pending: 0, running: 0, dead: 0 });
  });

  it('answering 429 with Retry-After: 1 waits at least that long before trying again', async () => {
    m = await startMirror();
    const { root, convId } = await thread();
    const before = creates(convId).length;
    m.sandbox.faults.add({ route: `POST /conversations/${convId}/messages/create`, mode: '429', retryAfterSeconds: 1, times: 1 });
    await m.slack.say(ada, 'C1', 'rate limited', { thread: root.messageId });
    await m.slack.say(bob, 'C1', 'behind it', { thread: root.messageId });
    await m.bridge.drain(10_000);

    const tries = creates(convId).slice(before);
    expect(tries).toHaveLength(3);
    // Base delay is 20 ms in these tests: only Retry-After explains a gap of a second.
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(990);
    expect(
      m
        .messagesOf(convId)
        .slice(-2)
        .map((x) => x.text),
    ).toEqual(['**Ada Lovelace** (Slack): rate limited', '**Bob** (Slack): behind it']);
  });

  it('a job past its budget goes dead with its error kept, and replays when retried', async () => {
    m = await startMirror({ retry: { baseMs: 10, maxMs: 20, maxAttempts: 3 } });
    const { root, convId } = await thread();
    m.sandbox.faults.add({ route: `POST /conversations/${convId}/messages/create`, mode: '500' });
    await m.slack.say(ada, 'C1', 'doomed for now', { thread: root.messageId });
    await m.bridge.drain();

    const [dead] = await m.store.listJobs({ state: 'dead' });
    expect(dead).toMatchObject({ kind: 'chat.posted', attempts: 3 });
    expect(dead!.lastError).toMatch(/500|Sandbox|server/i);
    // Later messages of the lane are not held hostage by a dead job.
    m.sandbox.faults.clear();
    await m.slack.say(bob, 'C1', 'after the outage', { thread: root.messageId });
    await m.bridge.drain();
    expect(m.messagesOf(convId).at(-1)!.text).toBe('**Bob** (Slack): after the outage');

    expect(await m.store.retryJob(dead!.id)).toBe(true);
    await m.bridge.drain();
    expect(m.messagesOf(convId).map((x) => x.text)).toContain('**Ada Lovelace** (Slack): doomed for now');
    expect(await m.store.countJobs()).toMatchObject({ dead: 0, pending: 0 });
  });

  it('a permanent refusal (404) goes dead at once instead of retrying', async () => {
    m = await startMirror();
    await m.store.linkThread({ platform: 'slack', workspace: 'T1', channel: 'C3', thread: 'T-ROOT', conversationId: '019e0000-0000-7000-8000-000000000000' });
    await m.slack.say(ada, 'C3', 'into a conversation that does not exist', { thread: 'T-ROOT' });
    await m.bridge.drain();
    const [dead] = await m.store.listJobs({ state: 'dead' });
    expect(dead).toMatchObject({ attempts: 1 });
    expect(dead!.lastError).toMatch(/not found/i);
  });

  it('a chat platform failing to take a copy is retried without re-sending to Ouro', async () => {
    m = await startMirror();
    const { root, convId } = await thread();
    await m.store.linkThread({ platform: 'discord', workspace: 'G1', channel: 'D1', thread: 'D-T', conversationId: convId });
    m.discord.failPosts = 2;
    await m.slack.say(ada, 'C1', 'copy me', { thread: root.messageId });
    await m.bridge.drain();
    expect(m.discord.bridgePosts('D1', 'D-T').map((p) => [p.author, p.text])).toEqual([['Ada Lovelace (Slack)', 'copy me']]);
    expect(m.messagesOf(convId).filter((x) => x.text.includes('copy me'))).toHaveLength(1);
  });
});
