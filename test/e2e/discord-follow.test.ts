/**
 * `/ouro follow` on Discord end to end: the real runtime and discord.js Client against the
 * Discord fake and the Ouro sandbox. The card goes in the channel, a comment written on Ouro
 * goes in the thread started from the card, and a person's message in that thread becomes
 * an Ouro reply (by the bot with their name: they linked no account), never posted back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS, SEED_KEYS } from '../../src/sandbox/seed.ts';
import { eventually, startMirroringDiscordApp, type DiscordApp } from '../helpers/discord-app.ts';

const D = SEED_IDS.datasetScreening;

describe('Discord: /ouro follow', () => {
  let h: DiscordApp;
  let alice: OuroClient;
  beforeAll(async () => {
    // Polled every second (node-cron's six-field form) besides the webhook.
    h = await startMirroringDiscordApp({ env: { COMMENT_POLL_CRON: '* * * * * *' } });
    alice = createOuroClient({ baseUrl: h.sandbox.url, apiKey: SEED_KEYS.alice, retries: 0 });
  }, 60_000);
  afterAll(async () => {
    await alice?.close();
    await h?.close();
  });

  const inThread = (card: string, text: string) => h.fake.received().filter((r) => r.op === 'post' && r.thread === card && r.text?.includes(text));

  it('card in the channel, comments in its thread, a reply there answers on Ouro', async () => {
    h.command('follow screening_runs');
    let card = '';
    await eventually(async () => {
      card = (await h.app.store.listFollows({ platform: 'discord' }))[0]?.cardMessageId ?? '';
      expect(card).not.toBe('');
    }, 15_000);
    expect(h.fake.received().some((r) => r.op === 'post' && r.text?.includes('## Comments: screening') && r.thread === undefined)).toBe(true);

    const top = await alice.comments.create(D, 'Is run 7 an outlier?');
    await eventually(() => expect(inThread(card, 'Is run 7 an outlier?')).toHaveLength(1), 15_000);

    h.fake.userMessage('The bench agrees with it', { thread: card });
    const replies = () => h.sandbox.state.comments.filter((c) => c.parent_id === top.id);
    await eventually(() => expect(replies().map((c) => c.content.text)).toEqual([expect.stringContaining('The bench agrees with it')]), 15_000);
    expect(replies()[0]!.user_id).toBe(SEED_IDS.bot);

    await new Promise((r) => setTimeout(r, 2_200)); // two more polls
    await h.app.bridge.drain(5_000);
    expect(inThread(card, 'Is run 7 an outlier?')).toHaveLength(1);
    expect(inThread(card, 'The bench agrees with it')).toEqual([]);
  }, 60_000);
});
