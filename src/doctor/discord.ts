/**
 * Discord, over REST only (no gateway session, so a running bridge is not disturbed): the
 * bot token, the application it belongs to, the Message Content intent, whether the
 * `/ouro` commands are registered globally, and the servers the bot sits in that
 * DISCORD_ALLOWED_GUILDS does not list.
 */
import { ApplicationFlags, DiscordAPIError, HTTPError, REST, Routes } from 'discord.js';
import type { Config } from '../config.ts';
import { restBase } from '../adapters/discord/index.ts';
import { COMMAND_NAMES } from '../adapters/discord/commands.ts';
import { CHECK_TIMEOUT_MS, CheckTimeout, libraryTimeout, fail, oneLine, pass, skip, withTimeout, type CheckResult } from './check.ts';

const TOKEN_FIX = 'copy the bot token from the Developer Portal → your application → Bot (Reset Token) into DISCORD_TOKEN';

function explain(name: string, err: unknown, where: string, fix401: string): CheckResult {
  const unreachable = `check DISCORD_API_URL (now ${where}) and that this host can reach it`;
  if (err instanceof CheckTimeout) return fail('discord', name, `no answer from ${where} within ${err.ms / 1000} s`, unreachable);
  if (err instanceof DiscordAPIError) {
    const why = `Discord answered ${err.status}${err.code ? ` (code ${err.code})` : ''}: ${oneLine(err)}`;
    if (err.status === 401) return fail('discord', name, why, fix401);
    return fail('discord', name, why, err.status === 403 ? 'the token may not read this: use the bot token of this application' : unreachable);
  }
  if (err instanceof HTTPError) return fail('discord', name, `${where} answered HTTP ${err.status}`, unreachable);
  const cause = (err as { cause?: unknown }).cause;
  return fail('discord', name, `cannot reach ${where}: ${oneLine(cause ?? err)}`, unreachable);
}

export async function checkDiscord(config: Config, timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckResult[]> {
  const discord = config.discord;
  if (!discord) return [skip('discord', 'configured', 'DISCORD_TOKEN is not set: Discord is off')];
  const api = discord.apiUrl ? restBase(discord.apiUrl) : undefined;
  const where = api ?? 'https://discord.com/api';
  const rest = new REST({ ...(api ? { api } : {}), retries: 0, timeout: libraryTimeout(timeoutMs) }).setToken(discord.token);
  const get = <T>(route: `/${string}`) => withTimeout(timeoutMs, (signal) => rest.get(route, { signal }) as Promise<T>);
  const results: CheckResult[] = [];
  const names = {
    token: 'bot token (GET /users/@me)',
    app: 'application (GET /applications/@me)',
    intent: 'Message Content intent',
    commands: 'commands registered',
    servers: 'servers allowed (DISCORD_ALLOWED_GUILDS)',
  };
  try {
    try {
      const me = await get<{ id: string; username: string; bot?: boolean }>(Routes.user('@me'));
      if (!me.bot) {
        results.push(fail('discord', names.token, `the token belongs to the user @${me.username}, not a bot`, TOKEN_FIX));
      } else {
        results.push(pass('discord', names.token, `bot @${me.username} (${me.id})`));
      }
    } catch (err) {
      results.push(explain(names.token, err, where, `the token is wrong or was reset: ${TOKEN_FIX}`));
    }
    if (results[0]!.ok !== true) {
      for (const n of [names.app, names.intent, names.commands, names.servers]) results.push(skip('discord', n, 'needs a valid bot token'));
      return results;
    }

    let appId: string | undefined;
    let publicBot = false;
    try {
      const app = await get<{ id: string; name?: string; flags?: number; bot_public?: boolean }>(Routes.currentApplication());
      appId = app.id;
      publicBot = app.bot_public === true;
      if (discord.applicationId && discord.applicationId !== app.id) {
        results.push(
          fail(
            'discord',
            names.app,
            `DISCORD_APPLICATION_ID is ${discord.applicationId} but the token belongs to application ${app.id}`,
            `set DISCORD_APPLICATION_ID=${app.id}, or unset it (it is looked up)`,
          ),
        );
      } else {
        results.push(pass('discord', names.app, `"${app.name ?? '?'}" (${app.id})${discord.applicationId ? ', matches DISCORD_APPLICATION_ID' : ''}`));
      }
      results.push(intentCheck(names.intent, app.flags ?? 0));
    } catch (err) {
      results.push(explain(names.app, err, where, TOKEN_FIX));
      results.push(skip('discord', names.intent, 'needs the application'));
    }

    const servers = async () => {
      try {
        const guilds = await get<{ id: string; name?: string }[]>(Routes.userGuilds());
        results.push(serversCheck(names.servers, guilds, discord.allowedGuilds, publicBot));
      } catch (err) {
        results.push(explain(names.servers, err, where, TOKEN_FIX));
      }
      return results;
    };
    if (!appId) {
      results.push(skip('discord', names.commands, 'needs the application id'));
      return await servers();
    }
    try {
      const commands = await get<{ name: string }[]>(Routes.applicationCommands(appId));
      results.push(
        commandsCheck(
          names.commands,
          commands.map((c) => c.name),
        ),
      );
    } catch (err) {
      results.push(explain(names.commands, err, where, TOKEN_FIX));
    }
    return await servers();
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

/** Either flag means the bot receives message content: the full intent (verified bots),
 * or the limited one (unverified bots, under 100 servers). */
export function intentCheck(name: string, flags: number): CheckResult {
  if (flags & ApplicationFlags.GatewayMessageContent) return pass('discord', name, 'enabled');
  if (flags & ApplicationFlags.GatewayMessageContentLimited) return pass('discord', name, 'enabled (limited: fine under 100 servers)');
  return fail(
    'discord',
    name,
    'not enabled: the bot would see empty message text and mirror nothing',
    'enable Message Content Intent in the Developer Portal → your application → Bot → Privileged Gateway Intents',
  );
}

/** Global commands only; a `register-commands --guild` registration is per server and not seen here. */
export function commandsCheck(name: string, registered: readonly string[]): CheckResult {
  const want = [COMMAND_NAMES.user, COMMAND_NAMES.admin];
  const missing = want.filter((n) => !registered.includes(n));
  if (missing.length === 0) return pass('discord', name, `${want.map((n) => `/${n}`).join(' and ')} registered globally`);
  return fail(
    'discord',
    name,
    `not registered globally: ${missing.map((n) => `/${n}`).join(', ')}`,
    'run ouro-bridge register-commands (commands registered with --guild live in one server and are not checked here)',
  );
}

/**
 * The servers the bot sits in against DISCORD_ALLOWED_GUILDS (the first page of
 * `GET /users/@me/guilds`: 200 servers, far more than a bridge serves), and "Public Bot",
 * which lets anyone invite it.
 */
export function serversCheck(name: string, guilds: readonly { id: string; name?: string }[], allowed: readonly string[], publicBot: boolean): CheckResult {
  const label = (g: { id: string; name?: string }) => `${g.name ?? '?'} (${g.id})`;
  const strangers = guilds.filter((g) => !allowed.includes(g.id));
  const publicFix = publicBot ? '; turn off "Public Bot" in the Developer Portal → your application → Bot' : '';
  if (!allowed.length) {
    return fail(
      'discord',
      name,
      `DISCORD_ALLOWED_GUILDS is not set: the bridge serves no server${guilds.length ? `; the bot sits in ${guilds.map(label).join(', ')}` : ''}`,
      `set DISCORD_ALLOWED_GUILDS to the ids of the servers the bridge serves${publicFix}`,
    );
  }
  if (strangers.length) {
    return fail(
      'discord',
      name,
      `the bot sits in servers not allowed: ${strangers.map(label).join(', ')} (it answers there only with a refusal)`,
      `remove the bot from them (Server Settings → Integrations), or add their ids to DISCORD_ALLOWED_GUILDS${publicFix}`,
    );
  }
  if (publicBot)
    return fail(
      'discord',
      name,
      '"Public Bot" is on: anyone can invite the bot to their server',
      'turn off "Public Bot" in the Developer Portal → your application → Bot',
    );
  return pass('discord', name, `every server the bot sits in is allowed (${guilds.length})`);
}
