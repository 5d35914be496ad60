/**
 * The whole bridge with Discord, for end-to-end tests: the real runtime (`createApp`: SQLite
 * store, Ouro client, command runner, bridge core, HTTP port) configured the way an operator
 * would (DISCORD_TOKEN, DISCORD_APPLICATION_ID, DISCORD_API_URL), with the real discord.js
 * Client talking to the loopback Discord fake and the Ouro client to the sandbox (demo seed).
 * Dataset tables go to PostgreSQL when TEST_DATABASE_URL is set, else embedded PGlite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiscordAdapter } from '../../src/adapters/discord/index.ts';
import { createApp, loggerFor, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { interactionFor } from './discord-command-options.ts';
import { startFakeDiscord, type FakeDiscord } from './fake-discord.ts';
export { eventually } from './eventually.ts';

const SECRET = 'discord-e2e-webhook-secret-0123';
/** Manage Server, as a member permissions bitfield. */
export const MANAGE_SERVER = String(1 << 5);

export interface DiscordApp {
  fake: FakeDiscord;
  sandbox: Sandbox;
  app: App;
  discord: DiscordAdapter;
  /** A person runs `/ouro <text>` (or `/ouro-admin`, chosen by the subcommand); resolves with the interaction. */
  command(text: string, o?: { admin?: boolean; channelId?: string; guildId?: string }): { id: string; token: string };
  close(): Promise<void>;
}

export interface DiscordAppOptions {
  /** More configuration (e.g. OURO_ALLOWED_ORGS); the fake's own server is allowed unless it says otherwise. */
  env?: Record<string, string>;
  /** The runtime's own logger (LOG_LEVEL=info, secrets scrubbed) writing here; default: silent. */
  logTo?: NodeJS.WritableStream;
}

export async function startDiscordApp(opts: DiscordAppOptions = {}): Promise<DiscordApp> {
  const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-discord-'));
  const fake = await startFakeDiscord();
  const sandbox = await startSandbox({ seed: 'demo', databaseUrl: process.env.TEST_DATABASE_URL, webhookRetryDelaysMs: [50, 200] });
  const config = loadConfig({
    OURO_API_KEY: sandbox.apiKey,
    OURO_BASE_URL: sandbox.url,
    DISCORD_TOKEN: 'fake.bot.token',
    DISCORD_APPLICATION_ID: fake.ids.app,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_ALLOWED_GUILDS: fake.ids.guild,
    DATABASE_URL: `sqlite:${join(dir, 'bridge.db')}`,
    HOST: '127.0.0.1',
    PORT: '0',
    OURO_WEBHOOK_SECRET: SECRET,
    LOG_LEVEL: opts.logTo ? 'info' : 'silent',
    ...opts.env,
  });
  const app = await createApp(config, {
    logger: opts.logTo ? loggerFor(config, opts.logTo) : silentLogger,
    tuning: { pollMs: 20, reconcileEveryMs: 0, retry: { baseMs: 20, maxMs: 300, maxAttempts: 20 } },
    drainTimeoutMs: 2_000,
  });
  const { url } = await app.start();
  sandbox.setWebhookUrl(`${url}/ouro/webhooks/${SECRET}`);
  const discord = app.adapters.find((a) => a.platform === 'discord') as DiscordAdapter | undefined;
  if (!discord) throw new Error('the app did not start a Discord adapter');
  return {
    fake,
    sandbox,
    app,
    discord,
    command(text, o = {}) {
      const { commandName, options } = interactionFor(text);
      return fake.chatInput(commandName, options, {
        permissions: o.admin ? MANAGE_SERVER : '0',
        ...(o.channelId ? { channelId: o.channelId } : {}),
        ...(o.guildId ? { guildId: o.guildId } : {}),
      });
    },
    async close() {
      sandbox.setWebhookUrl(undefined);
      await app.stop();
      await sandbox.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The app with the default channel linked to "Ouro Lab" and mirroring threads: each
 * command run by an admin and answered (its deferred reply edited) before the next.
 */
export async function startMirroringDiscordApp(opts: DiscordAppOptions = {}): Promise<DiscordApp> {
  const h = await startDiscordApp(opts);
  for (const text of ['link "Ouro Lab" materials', 'mirror threads']) {
    const { token } = h.command(text, { admin: true });
    await h.fake.waitForCall((c) => c.method === 'PATCH' && c.path === `/webhooks/${h.fake.ids.app}/${token}/messages/@original`, 10_000, text);
  }
  return h;
}
