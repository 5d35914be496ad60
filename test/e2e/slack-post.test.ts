/**
 * `/ouro post` through Slack's message shortcut "Save thread to Ouro", end to end: the real
 * bolt App against the Slack fake, the core and command runner, the sandbox. A 20-message
 * thread with two files becomes one post that reads in order with its authors and both
 * files embedded; a second run updates the same post.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAVE_THREAD_CALLBACK } from '../../src/adapters/slack/manifest.ts';
import { createCommandRunner } from '../../src/commands/index.ts';
import { SEED_IDS } from '../../src/sandbox/index.ts';
import { eventually } from '../helpers/eventually.ts';
import { TEAM } from '../helpers/fake-slack.ts';
import { startSlackStack, type SlackStack, linkToLab } from '../helpers/slack-stack.ts';

const C = 'C0POST';
let s: SlackStack;

beforeAll(async () => {
  s = await startSlackStack({
    sandbox: { seed: 'demo' },
    clientOptions: { retries: 0 },
    bridge: (ouro, store) => ({ commands: createCommandRunner({ ouro, store, bridgeAdmins: [] }) }),
  });
  await linkToLab(s.store, C, 'threads');
});
afterAll(async () => {
  await s?.close();
});

describe('Save thread to Ouro', () => {
  it('saves a 20-message thread with two files as one post in order, then updates it', async () => {
    const root = await s.fake.userPosts('*Band gap* results, week 12\nsecond line', { channel: C });
    const lines: string[] = [];
    for (let i = 1; i < 20; i++) {
      const text = `reply number ${String(i).padStart(2, '0')}`;
      lines.push(text);
      const files =
        i === 5
          ? [s.fake.files.host('gaps.csv', Buffer.from('x,y\n1,2\n'), 'text/csv')]
          : i === 12
            ? [s.fake.files.host('dos.png', Buffer.from('\x89PNG fake'), 'image/png')]
            : undefined;
      await s.fake.userPosts(text, { channel: C, thread_ts: root.ts, user: i % 2 ? 'U0BOB' : 'U0ADA', ...(files ? { files, subtype: 'file_share' } : {}) });
    }
    let conv = '';
    await eventually(async () => {
      conv = (await s.store.getThreadLink({ platform: 'slack', workspace: TEAM, channel: C, thread: root.ts }))!.conversationId;
      expect(s.sandbox.state.messages.filter((m) => m.conversation_id === conv)).toHaveLength(20);
    }, 20_000);
    expect(s.sandbox.state.files).toHaveLength(2);

    const last = lines.length;
    await s.fake.messageShortcut(SAVE_THREAD_CALLBACK, C, root.ts);
    const answers = () => s.fake.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === root.ts && /this thread as an Ouro post/.test(c.args.text));
    await eventually(() => expect(answers()).toHaveLength(1), 10_000);
    expect(s.sandbox.state.posts.filter((p) => p.user_id === s.sandbox.bot.id)).toHaveLength(1);
    const post = s.sandbox.state.posts.find((p) => p.user_id === s.sandbox.bot.id)!;
    expect(post).toMatchObject({ name: 'Band gap results, week 12', org_id: SEED_IDS.orgLab, visibility: 'organization' });
    const text = post.content.text;
    // In order, with authors and times.
    let at = text.indexOf('Band gap');
    for (const l of lines.slice(0, last)) {
      const next = text.indexOf(l);
      expect(next).toBeGreaterThan(at);
      at = next;
    }
    expect(text).toContain('**Ada Lovelace** (Slack) · _');
    expect(text).toContain('**Bob Builder** (Slack) · _');
    expect(text).toMatch(/· _\d{4}-\d\d-\d\d \d\d:\d\d UTC_/);
    const embedded = (post.content.json.content as { type: string; attrs?: { id?: string } }[])
      .filter((n) => n.type === 'assetComponent')
      .map((n) => n.attrs?.id);
    expect(embedded).toEqual(s.sandbox.state.files!.map((f) => f.id));
    expect(answers()[0]!.args.text).toMatch(/^Saved this thread as an Ouro post \(20 messages\): <https:\/\/ouro\.foundation\/posts\//);

    await s.fake.userPosts('one more after saving', { channel: C, thread_ts: root.ts });
    await eventually(() => expect(s.sandbox.state.messages.filter((m) => m.conversation_id === conv)).toHaveLength(21), 10_000);
    await s.fake.messageShortcut(SAVE_THREAD_CALLBACK, C, root.ts);
    await eventually(() => expect(answers()).toHaveLength(2), 10_000);
    expect(answers()[1]!.args.text).toMatch(/^Updated this thread as an Ouro post \(21 messages\)/);
    expect(s.sandbox.state.posts.filter((p) => p.user_id === s.sandbox.bot.id)).toHaveLength(1);
    expect(post.content.text).toContain('one more after saving');
    // No file was uploaded again for the post.
    expect(s.sandbox.state.files).toHaveLength(2);
  });
});
