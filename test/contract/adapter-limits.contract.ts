/**
 * The adapter contract's limit cases: payloads that push against what Slack and Discord
 * publish. Every payload the fake receives is checked against the adapter's limits table
 * (harness.limits.problems, test/helpers/payload-limits.ts), including surrogate safety.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRef, CommandInvoked } from '../../src/bridge/types.ts';
import { resultReply } from '../../src/commands/query.ts';
import type { RichReply } from '../../src/chat/reply.ts';
import { toTable } from '../../src/commands/render/table.ts';
import { RecordingInbox, waitUntil, words, type AdapterHarness } from './adapter.contract.ts';

const EMOJI = '🧪👩🏽‍🔬🇫🇷';

export function describeAdapterLimits(name: string, makeHarness: () => Promise<AdapterHarness>): void {
  describe(`adapter limits: ${name}`, () => {
    let h: AdapterHarness;
    let inbox: RecordingInbox;
    beforeEach(async () => {
      h = await makeHarness();
      inbox = new RecordingInbox();
      await h.adapter.start(inbox);
    });
    afterEach(async () => {
      expect(h.limits?.problems() ?? []).toEqual([]);
      await h.adapter.stop();
      await h.close();
    });
    const at = (thread?: string): ChatRef => ({ ...h.channel, ...(thread ? { thread } : {}) });
    const command = async (): Promise<CommandInvoked> => {
      await h.invokeCommand('help');
      return inbox.waitFor('command.invoked', (c) => c.text === 'help');
    };

    it("a 40,000-row query result: the CSV is cut to the platform's file limit, and the reply says so", { timeout: 60_000 }, async () => {
      // 40,000 rows of ~1.6 kB: a 64 MB CSV, over Discord's 10 MiB and the bridge's 50 MiB for Slack.
      const filler = 'x'.repeat(1600);
      const rows = Array.from({ length: 40_000 }, (_, i) => ({ id: i, note: `${i} ${filler}` }));
      const reply = resultReply('big', toTable(rows), [], 'big-query');
      const cmd = await command();
      await h.adapter.reply(cmd.replyTo, reply, 'public');
      await waitUntil(
        () => /of 40,000 rows/.test(h.limits!.sent()),
        20_000,
        () => 'a note saying the CSV was cut',
      );
      expect(h.limits!.sent()).toMatch(/narrow the query/);
    });

    it('a 3,000-character paragraph on the bot path arrives whole, in messages within the limit', async () => {
      h.limits!.withoutWebhooks?.();
      const text = Array.from({ length: 400 }, (_, i) => `word${i}`)
        .join(' ')
        .slice(0, 3000);
      const posted = await h.adapter.post(at(), { text, author: { name: 'Ada Lovelace (Ouro)' } });
      const ids = [posted.messageId, ...(posted.parts ?? [])];
      await waitUntil(() => ids.every((id) => h.received().some((r) => r.op === 'post' && r.messageId === id)), 5_000);
      const got = h
        .received()
        .filter((r) => r.op === 'post' && ids.includes(r.messageId!))
        .map((r) => r.text ?? '')
        .join(' ');
      expect(words(got).filter((w) => /^word\d+$/.test(w))).toEqual(words(text).filter((w) => /^word\d+$/.test(w)));
    });

    it('names full of emoji: usernames, thread names, headers, fields and buttons are cut whole', async () => {
      const root = await h.sendUserMessage(`## ${EMOJI.repeat(60)}`);
      const name = EMOJI.repeat(40);
      await h.adapter.post(at(root.messageId), { text: 'in a thread named in emoji', author: { name } });
      await h.adapter.post(at(), { text: 'top level', author: { name: `${name} (Ouro)` } });
      const card: RichReply = {
        text: EMOJI.repeat(50),
        blocks: [
          { type: 'heading', text: EMOJI.repeat(50) },
          { type: 'fields', fields: [{ label: EMOJI.repeat(100), value: EMOJI.repeat(400) }] },
          { type: 'buttons', buttons: [{ actionId: 'entry.accept', label: EMOJI.repeat(30), value: 'e1', style: 'primary' }] },
        ],
      };
      await h.adapter.reply((await command()).replyTo, card, 'public');
      await waitUntil(() => h.received().filter((r) => r.op === 'post' || r.op === 'reply').length >= 3, 5_000);
    });

    it('an empty message is never sent empty', async () => {
      const posted = await h.adapter.post(at(), { text: '', author: { name: 'Ada (Ouro)' } });
      await h.adapter.edit(at(), posted.messageId, { text: '   ', author: { name: 'Ada (Ouro)' } });
      await waitUntil(() => h.received().some((r) => r.op === 'edit' && r.messageId === posted.messageId), 5_000);
    });
  });
}
