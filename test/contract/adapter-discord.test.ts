/**
 * The adapter contract suite, run against the Discord adapter: the real discord.js Client
 * talking to the loopback fake of Discord's REST API and gateway.
 */
import { createDiscordAdapter } from '../../src/adapters/discord/index.ts';
import { interactionFor } from '../helpers/discord-command-options.ts';
import { startFakeDiscord } from '../helpers/fake-discord.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { describeAdapterContract, RecordingInbox, type AdapterHarness } from './adapter.contract.ts';
import { describeAdapterLimits } from './adapter-limits.contract.ts';
import { discordPayloadProblems } from '../helpers/payload-limits.ts';

async function makeDiscordHarness(): Promise<AdapterHarness> {
  const fake = await startFakeDiscord();
  const adapter = createDiscordAdapter({
    token: 'fake.bot.token',
    apiUrl: fake.apiUrl,
    restOptions: { retries: 0, timeout: 5_000 },
    waitGuildTimeout: 1_000,
  });
  return {
    adapter,
    channel: { platform: 'discord', workspace: fake.ids.guild, channel: fake.ids.channel },
    userName: fake.user.global_name,
    async sendUserMessage(text, opts = {}) {
      return { messageId: fake.userMessage(text, opts).id };
    },
    async editUserMessage(messageId, text) {
      fake.editUserMessage(messageId, text);
    },
    async deleteUserMessage(messageId) {
      fake.deleteUserMessage(messageId);
    },
    async invokeCommand(text) {
      const { commandName, options } = interactionFor(text);
      fake.chatInput(commandName, options);
    },
    received: () => fake.received(),
    limits: {
      problems: () => discordPayloadProblems(fake.calls),
      sent: () => JSON.stringify(fake.calls.map((c) => c.body ?? null)),
      withoutWebhooks: () => {
        fake.botCan.manageWebhooks = false;
      },
    },
    close: () => fake.close(),
  };
}

describeAdapterContract('discord', makeDiscordHarness);
describeAdapterLimits('discord', makeDiscordHarness);

describe('discord adapter: gateway intents', () => {
  // Guilds (1 << 0), GuildMessages (1 << 9), MessageContent (1 << 15): without the last,
  // Discord delivers messages with empty text and nothing could be mirrored.
  const REQUIRED = { Guilds: 1 << 0, GuildMessages: 1 << 9, MessageContent: 1 << 15 };
  let stop: (() => Promise<void>) | undefined;
  afterAll(async () => stop?.());

  it('identifies with the Guilds, GuildMessages and MessageContent intents', async () => {
    const fake = await startFakeDiscord();
    const adapter = createDiscordAdapter({
      token: 'fake.bot.token',
      apiUrl: fake.apiUrl,
      restOptions: { retries: 0, timeout: 5_000 },
      waitGuildTimeout: 1_000,
    });
    stop = async () => {
      await adapter.stop();
      await fake.close();
    };
    await adapter.start(new RecordingInbox());
    expect(fake.gateway.identifies).toBe(1);
    for (const [name, bit] of Object.entries(REQUIRED)) expect({ name, set: (fake.gateway.intents & bit) === bit }).toEqual({ name, set: true });
  });
});
