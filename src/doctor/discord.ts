/**
 * Discord, over REST only (no gateway session, so a running bridge is not disturbed): the
 * bot token, the application it belongs to, the Message Content intent, and whether the
 * `/ouro` commands are registered globally.
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
  const names = { token: 'bot token (GET /users/@me)', app: 'application (GET /applications/@me)', intent: 'Message Content intent', commands: 'commands registered' };
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
      for (const n of [names.app, names.intent, names.commands]) results.push(skip('discord', n, 'needs a valid bot token'));
      return results;
    }

    let appId: string | undefined;
    try {
      const app = await get<{ id: string; name?: string; flags?: number }>(Routes.currentApplication());
      appId = app.id;
      if (discord.applicationId && discord.applicationId !== app.id) {
        results.push(fail('discord', names.app, `DISCORD_APPLICATION_ID is ${discord.applicationId} but the token belongs to application ${app.id}`, `set DISCORD_APPLICATION_ID=${app.id}, or unset it (it is looked up)`));
      } else {
        results.push(pass('discord', names.app, `"${app.name ?? '?'}" (${app.id})${discord.applicationId ? ', matches DISCORD_APPLICATION_ID' : ''}`));
      }
      results.push(intentCheck(names.intent, app.flags ?? 0));
    } catch (err) {
      results.push(explain(names.app, err, where, TOKEN_FIX));
      results.push(skip('discord', names.intent, 'needs the application'));
    }

    if (!appId) {
      results.push(skip('discord', names.commands, 'needs the application id'));
      return results;
    }
    try {
      const commands = await get<{ name: string }[]>(Routes.applicationCommands(appId));
      results.push(commandsCheck(names.commands, commands.map((c) => c.name)));
    } catch (err) {
      results.push(explain(names.commands, err, where, TOKEN_FIX));
    }
    return results;
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
