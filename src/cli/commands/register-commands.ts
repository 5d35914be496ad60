/**
 * `ouro-bridge register-commands [--guild <id>]`: puts the Discord application commands
 * (`/ouro` and `/ouro-admin`) with one bulk overwrite. Needs only REST (no gateway).
 * A guild's commands appear at once, which suits testing; global commands reach every
 * server the bot is in but Discord may take up to an hour to show them.
 */
import { ConfigError, loadConfig, type Config } from '../../config.ts';
import { parseFlags, UsageError, type CliCommand } from '../main.ts';

const USAGE = `Usage: ouro-bridge register-commands [--guild <id>]

  --guild <id>   register in one server (appears at once); without it, globally
                 (every server the bot is in; Discord may take up to an hour to show them)

Needs DISCORD_TOKEN (and DISCORD_APPLICATION_ID, or it is looked up). Registers /ouro for
everyone and /ouro-admin for members with Manage Server (re-grant it to roles under
Server Settings → Integrations). Re-running replaces the previous definitions.`;

/** The testable body: configuration comes in, one line goes out. */
export async function registerCommands(config: Config, args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { flags, positional } = parseFlags(args, { guild: 'string' });
  if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
  const guild = flags.guild as string | undefined;
  if (guild !== undefined && !/^\d{1,22}$/.test(guild)) throw new UsageError(`--guild expects a server id (a number), not "${guild}"`);
  if (!config.discord) throw new ConfigError('DISCORD_TOKEN', 'required to register Discord commands (the bot token)');
  const { createDiscordAdapter } = await import('../../adapters/discord/index.ts');
  const adapter = createDiscordAdapter({ ...config.discord, restOptions: { retries: 1 } });
  try {
    await adapter.registerCommands(guild);
  } catch (err) {
    process.stderr.write(`ouro-bridge register-commands: Discord refused: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await adapter.client.destroy();
  }
  out.write(
    guild ? `Registered /ouro and /ouro-admin in server ${guild}.\n` : 'Registered /ouro and /ouro-admin globally (may take up to an hour to appear).\n',
  );
  return 0;
}

export const command: CliCommand = {
  summary: 'Register the /ouro Discord commands (in one server with --guild, else globally)',
  usage: USAGE,
  run: (args) => registerCommands(loadConfig(), args),
};
