/**
 * The log of a realistic run at LOG_LEVEL=info holds no token of any kind: the runtime's own
 * logger (createApp's) over the real discord.js Client, the Discord fake and the sandbox,
 * through a webhook relay that keeps failing until its job is dead, and an interaction whose
 * answer Discord refuses.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startMirroringDiscordApp, type DiscordApp } from '../helpers/discord-app.ts';

let h: DiscordApp;
let logs = '';

beforeAll(async () => {
  const logTo = new PassThrough();
  logTo.on('data', (c: Buffer) => (logs += c.toString('utf8')));
  h = await startMirroringDiscordApp({ logTo });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('no token reaches the log at LOG_LEVEL=info', () => {
  it('through a failing webhook relay (its job dead) and a failed interaction', async () => {
    const root = h.fake.userMessage('Where are the runs of May?');
    h.fake.userMessage('In the lab dataset', { thread: root.id });
    let conversationId = '';
    await eventually(async () => {
      const link = await h.app.store.getThreadLink({ platform: 'discord', workspace: h.fake.ids.guild, channel: h.fake.ids.channel, thread: root.id });
      expect(link).toBeDefined();
      conversationId = link!.conversationId;
    }, 10_000);

    // Every webhook execution fails: the relay retries, then its job is dead.
    h.fake.failAfterWrite('POST', /^\/webhooks\/\d+\/whtoken-/, 1_000, 'refuse');
    await h.sandbox.postAs('alice', conversationId, 'Here they are');
    await eventually(() => expect(logs).toContain('job dead'), 30_000);

    // Discord refuses the interaction's answer.
    h.fake.failAfterWrite('POST', /^\/interactions\/\d+\/itoken-/, 10, 'refuse');
    h.command('help');
    await eventually(() => expect(logs).toContain('interaction failed'), 10_000);

    const webhookTokens = [...h.fake.webhooks.values()].map((w) => w.token);
    expect(webhookTokens.length).toBeGreaterThan(0);
    const seen = {
      discordBotToken: logs.includes('fake.bot.token'),
      webhookToken: webhookTokens.some((t) => logs.includes(t)) || /whtoken-/.test(logs),
      interactionToken: /itoken-/.test(logs),
      ouroApiKey: logs.includes(h.sandbox.apiKey),
      jwt: /eyJ[A-Za-z0-9_-]{10,}/.test(logs),
      slackToken: /xox[a-z]-|xapp-/.test(logs),
    };
    expect(seen).toEqual({ discordBotToken: false, webhookToken: false, interactionToken: false, ouroApiKey: false, jwt: false, slackToken: false });
    // The failures themselves are still there, as status and message.
    expect(logs).toMatch(/"status":500/);
  }, 60_000);
});
