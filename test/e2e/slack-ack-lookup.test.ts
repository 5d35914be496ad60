/**
 * The ack only records: a Slack message from someone the bridge has not looked up yet is
 * acknowledged without waiting for `users.info`, even while Slack rate-limits that call
 * (429, Retry-After: 10); the lookup happens in the message's job, and the message reaches
 * Ouro afterwards under the author's name. Real bolt App (HTTP mode), Slack fake, sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandRunner } from '../../src/commands/index.ts';
import { eventually } from '../helpers/eventually.ts';
import { TEAM } from '../helpers/fake-slack.ts';
import { startSlackStack, type SlackStack, linkToLab } from '../helpers/slack-stack.ts';

const C = 'C0ACK';
/** Slack's deadline for the ack of an event. */
const SLACK_ACK_DEADLINE_MS = 3_000;

describe('Slack: the ack does not wait for users.info', () => {
  let s: SlackStack;
  beforeAll(async () => {
    s = await startSlackStack({
      sandbox: { seed: 'demo' },
      clientOptions: { retries: 0 },
      bridge: (ouro, store) => ({ commands: createCommandRunner({ ouro, store, bridgeAdmins: [] }) }),
    });
    await linkToLab(s.store, C, 'threads');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  // One test for a message and a command, so the two 10 s waits overlap (the suite's time).
  it("acks a message and a slash command within 3 s while users.info answers 429 with Retry-After: 10, then mirrors under the author's name and answers", async () => {
    s.fake.users.set('U0CAT', { id: 'U0CAT', name: 'Cat Herder' });
    s.fake.users.set('U0DOG', { id: 'U0DOG', name: 'Dog Walker' });
    s.fake.rateLimit('users.info', 2, 10);
    const started = Date.now();
    const root = await s.fake.userPosts('who looked me up?', { channel: C, user: 'U0CAT' });
    const reply = await s.fake.userPosts('a reply makes it a thread', { channel: C, user: 'U0CAT', thread_ts: root.ts });
    const d = await s.fake.command('help', { channel: C, user: 'U0DOG' });
    expect(root.delivery.status).toBe(200);
    expect(reply.delivery.status).toBe(200);
    expect(d.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(SLACK_ACK_DEADLINE_MS);

    const texts = async () => {
      const link = await s.store.getThreadLink({ platform: 'slack', workspace: TEAM, channel: C, thread: root.ts });
      return s.sandbox.state.messages.filter((m) => m.conversation_id === link?.conversationId).map((m) => m.text);
    };
    await eventually(
      async () => expect(await texts()).toEqual(['**Cat Herder** (Slack): who looked me up?', '**Cat Herder** (Slack): a reply makes it a thread']),
      30_000,
    );
    // The invoker is looked up after the ack (the 429 waited out), then the command answers.
    await eventually(() => expect(s.fake.hooks.some((h) => `${s.fake.url}/hooks/${h.id}` === d.responseUrl)).toBe(true), 30_000);
    // Each 429 was met (the lookup waited it out), and the author's lookup was cached for the reply.
    expect(s.fake.callsOf('users.info').filter((c) => c.args.user === 'U0CAT')).toHaveLength(2);
    expect(s.fake.callsOf('users.info').filter((c) => c.args.user === 'U0DOG')).toHaveLength(2);
  }, 60_000);
});
