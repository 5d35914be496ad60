import { afterEach, describe, expect, it } from 'vitest';
import type { CommandInput, CommandRunner } from '../../src/commands/types.ts';
import { createCommandRunner } from '../../src/commands/index.ts';
import { textReply } from '../../src/chat/reply.ts';
import type { InboundEvent } from '../../src/bridge/types.ts';
import { ada, bob, dee, startMirror, type Mirror } from './mirror-harness.ts';

const GLOBAL = '00000000-0000-0000-0000-000000000000';
let m: Mirror;
afterEach(async () => {
  await m.close();
});

describe('commands and buttons through the core', () => {
  it('runs /ouro with the real command layer and answers once, even when the platform retries', async () => {
    let runner: CommandRunner | undefined;
    m = await startMirror({ commands: { run: (i) => runner!.run(i), press: (i) => runner!.press(i) } });
    runner = createCommandRunner({ ouro: m.ouro, store: m.store, bridgeAdmins: [] });

    const event: InboundEvent = {
      kind: 'command.invoked',
      key: 'slash-1',
      ref: m.slack.ref('C1'),
      invoker: { ...ada, isPlatformAdmin: false },
      text: 'mirror status',
      replyTo: { platform: 'slack', responseUrl: 'r1' },
    };
    expect(await m.slack.deliver(event)).toEqual({ accepted: true });
    expect(await m.slack.deliver(event)).toEqual({ accepted: false });
    await m.bridge.drain();
    expect(m.slack.replies).toHaveLength(1);
    expect(m.slack.replies[0]!.target).toEqual({ platform: 'slack', responseUrl: 'r1' });
    expect(m.slack.replies[0]!.reply.text).toMatch(/Mirror mode: off/);
  });

  it("`mirror attach` from a Discord thread joins it to a Slack thread's conversation", async () => {
    let runner: CommandRunner | undefined;
    m = await startMirror({ commands: { run: (i) => runner!.run(i), press: (i) => runner!.press(i) } });
    runner = createCommandRunner({ ouro: m.ouro, store: m.store, bridgeAdmins: [] });
    await m.link(m.slack, 'C1', 'threads');
    await m.store.upsertChannelLink({
      platform: 'discord',
      workspace: 'G1',
      channel: 'D1',
      orgId: GLOBAL,
      orgName: 'all',
      teamId: null,
      teamName: null,
      mirrorMode: 'off',
      updatedBy: 'test',
    });
    const root = await m.slack.say(ada, 'C1', 'cross-platform question');
    await m.slack.say(bob, 'C1', 'reply', { thread: root.messageId });
    await m.bridge.drain();
    const convId = await m.conversationOf(m.slack, 'C1', root.messageId);

    await m.discord.command({ ...dee, isPlatformAdmin: true }, 'D1', `mirror attach ${convId}`, { thread: 'D-T' });
    await m.bridge.drain();
    expect(m.discord.replies.map((r) => r.reply.text)).toEqual([
      'This thread is now attached to the Ouro conversation **#materials-lab (Slack) — cross-platform question**.',
    ]);
    expect(await m.conversationOf(m.discord, 'D1', 'D-T')).toBe(convId);

    await m.discord.say(dee, 'D1', 'joining from Discord', { thread: 'D-T' });
    await m.bridge.drain();
    expect(m.messagesOf(convId).at(-1)!.text).toBe('**Dee** (Discord): joining from Discord');
    expect(m.slack.bridgePosts('C1', root.messageId).map((p) => p.text)).toEqual(['joining from Discord']);
  });

  it('turns a failing command into a reply in words, to the invoker only', async () => {
    const seen: CommandInput[] = [];
    m = await startMirror({
      commands: {
        async run(input) {
          seen.push(input);
          throw new Error('the dataset service is down');
        },
        async press() {
          throw new Error('unused');
        },
      },
    });
    await m.slack.command({ ...bob, isPlatformAdmin: false }, 'C1', 'query sales', { thread: '171.1' });
    await m.bridge.drain();
    expect(seen).toEqual([
      {
        text: 'query sales',
        user: { id: 'U-BOB', name: 'Bob', isPlatformAdmin: false },
        channel: { platform: 'slack', workspace: 'T1', channel: 'C1' },
        thread: '171.1',
      },
    ]);
    expect(m.slack.replies).toHaveLength(1);
    expect(m.slack.replies[0]!.visibility).toBe('invoker');
    // The error's own message stays in the log; chat gets words.
    expect(m.slack.replies[0]!.reply.text).toBe(
      'Something went wrong inside the bridge, so this was not done. Try again; if it keeps failing, tell the bridge’s operator (the details are in its log).',
    );
  });

  it('updates the card a button belongs to and replies to the presser', async () => {
    m = await startMirror({
      bridgeAdmins: ['U-ADA'],
      commands: {
        async run() {
          return { reply: textReply('unused'), visibility: 'invoker' };
        },
        async press(input) {
          return {
            reply: textReply(`${input.actionId} by ${input.user.name} (admin: ${input.user.isPlatformAdmin})`),
            visibility: 'invoker',
            updateMessage: textReply(`Accepted by ${input.user.name}`),
          };
        },
      },
    });
    await m.slack.deliver({
      kind: 'button.pressed',
      key: 'press-1',
      ref: m.slack.ref('C1'),
      invoker: { ...ada, isPlatformAdmin: false },
      actionId: 'entry.accept',
      value: 'q1:e1',
      messageId: 'CARD-1',
      replyTo: { platform: 'slack', responseUrl: 'r2' },
    });
    await m.bridge.drain();
    expect(m.slack.ops).toEqual([{ op: 'edit', ref: m.slack.ref('C1'), messageId: 'CARD-1', text: 'Accepted by Ada Lovelace' }]);
    expect(m.slack.replies.map((r) => r.reply.text)).toEqual(['entry.accept by Ada Lovelace (admin: true)']);
  });

  it('rejects an event that breaks the contract with a clear error', async () => {
    m = await startMirror();
    await expect(m.slack.deliver({ kind: 'message.posted', key: '', ref: m.slack.ref('C1') } as unknown as InboundEvent)).rejects.toThrow(
      'event.key must be a non-empty string',
    );
  });
});
