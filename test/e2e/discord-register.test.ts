/**
 * `ouro-bridge register-commands` against the Discord fake: the body Discord receives, the
 * route (guild or global), and clear answers for bad input.
 */
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerCommands } from '../../src/cli/commands/register-commands.ts';
import { UsageError } from '../../src/cli/main.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.ts';

let fake: FakeDiscord;
beforeEach(async () => {
  fake = await startFakeDiscord();
});
afterEach(async () => {
  await fake.close();
});

const config = (withAppId = true) =>
  loadConfig({ DISCORD_TOKEN: 'fake.bot.token', DISCORD_API_URL: fake.apiUrl, ...(withAppId ? { DISCORD_APPLICATION_ID: fake.ids.app } : {}) });

function output(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { out, text: () => text };
}

describe('register-commands', () => {
  it('puts both commands in one guild with --guild', async () => {
    const o = output();
    expect(await registerCommands(config(), ['--guild', fake.ids.guild], o.out)).toBe(0);
    const puts = fake.calls.filter((c) => c.method === 'PUT');
    expect(puts.map((c) => c.path)).toEqual([`/applications/${fake.ids.app}/guilds/${fake.ids.guild}/commands`]);
    expect(puts[0]!.auth).toBe('Bot fake.bot.token');
    expect(puts[0]!.body.map((c: { name: string }) => c.name)).toEqual(['ouro', 'ouro-admin']);
    expect(o.text()).toBe(`Registered /ouro and /ouro-admin in server ${fake.ids.guild}.\n`);
    expect(fake.gateway.identifies).toBe(0); // REST only
  });

  it('registers globally without --guild, looking the application id up when not configured', async () => {
    const o = output();
    expect(await registerCommands(config(false), [], o.out)).toBe(0);
    expect(fake.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /applications/@me', `PUT /applications/${fake.ids.app}/commands`]);
    expect(o.text()).toContain('globally');
  });

  it('refuses bad input with a clear answer and calls nothing', async () => {
    await expect(registerCommands(config(), ['--guild', 'lab'])).rejects.toThrow(UsageError);
    await expect(registerCommands(config(), ['--guild'])).rejects.toThrow('--guild needs a value');
    await expect(registerCommands(config(), ['extra'])).rejects.toThrow(UsageError);
    await expect(registerCommands(loadConfig({}), [])).rejects.toThrow(ConfigError);
    expect(fake.calls).toEqual([]);
  });

  it('reports a refusal from Discord as a failure', async () => {
    const bad = loadConfig({ DISCORD_TOKEN: 'fake.bot.token', DISCORD_API_URL: fake.apiUrl, DISCORD_APPLICATION_ID: '1234567890123456789' });
    expect(await registerCommands(bad, ['--guild', fake.ids.guild], output().out)).toBe(1);
    expect(fake.calls.filter((c) => c.method === 'PUT')[0]!.status).toBe(404);
  });
});
