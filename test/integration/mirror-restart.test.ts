import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PostedPayload } from '../../src/bridge/jobs.ts';
import { markdownToDoc } from '../../src/ouro/index.ts';
import { ada, bob, startMirror, type Mirror } from './mirror-harness.ts';

let m: Mirror;
beforeEach(async () => {
  m = await startMirror({ leaseMs: 300 });
});
afterEach(async () => {
  await m.close();
});

async function mirroredThread() {
  await m.link(m.slack, 'C1', 'threads');
  const root = await m.slack.say(ada, 'C1', 'root');
  await m.slack.say(bob, 'C1', 'reply 0', { thread: root.messageId });
  await m.bridge.drain();
  return { root, convId: await m.conversationOf(m.slack, 'C1', root.messageId) };
}

describe('restarts', () => {
  it('events recorded while the worker was down are delivered by the next process, in order', async () => {
    const { root, convId } = await mirroredThread();
    await m.bridge.stop();
    // The adapter still acks into the durable queue.
    for (let i = 1; i <= 5; i++) expect((await m.slack.say(bob, 'C1', `queued ${i}`, { thread: root.messageId })).ack).toEqual({ accepted: true });
    await m.restart();
    await m.bridge.drain();
    expect(
      m
        .messagesOf(convId)
        .map((x) => x.text)
        .slice(2),
    ).toEqual([1, 2, 3, 4, 5].map((i) => `**Bob** (Slack): queued ${i}`));
  });

  it('a process that died after creating the Ouro message but before finishing the job causes no duplicate', async () => {
    const { root, convId } = await mirroredThread();
    await m.restart(async () => {
      for (let i = 1; i <= 3; i++) await m.slack.say(bob, 'C1', `half done ${i}`, { thread: root.messageId });
      // A process that is about to die: it leases the lane's head job, creates the Ouro
      // message with the id chosen at enqueue time, and never records the outcome.
      const jobs = await m.store.claimJobs('doomed-process', 10, 300);
      expect(jobs).toHaveLength(1);
      const p = jobs[0]!.payload as PostedPayload;
      expect(p.event.text).toBe('half done 1');
      const text = `**${p.event.author.name}** (Slack): ${p.event.text}`;
      await m.ouro.messages.create(convId, { id: p.ouroMessageId, text, json: markdownToDoc(text) });
    });
    await m.bridge.drain(10_000);
    const texts = m.messagesOf(convId).map((x) => x.text);
    for (let i = 1; i <= 3; i++) expect(texts.filter((t) => t.endsWith(`half done ${i}`))).toHaveLength(1);
    expect(texts).toHaveLength(5);
    expect(await m.store.countJobs()).toMatchObject({ pending: 0, running: 0, dead: 0 });
  });
});
