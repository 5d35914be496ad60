import { ConfigError } from '../config.ts';

/**
 * `ouro-bridge <command>`: a table of subcommands, each in its own module under
 * src/cli/commands, loaded only when run (the sandbox does not pay for discord.js).
 * Exit codes: 0 ok, 1 failure, 2 bad usage or bad configuration.
 */
export interface CliCommand {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

type Loader = () => Promise<{ command: CliCommand }>;

/** Summaries live here so `--help` does not load every module (start pulls in discord.js). */
const COMMANDS: Record<string, { summary: string; load: Loader }> = {
  start: { summary: 'run the bridge (default)', load: () => import('./commands/start.ts') },
  demo: { summary: 'try it with no accounts: seeded Ouro sandbox + terminal chat', load: () => import('./commands/demo.ts') },
  sandbox: { summary: 'serve a local stand-in of the Ouro API', load: () => import('./commands/sandbox.ts') },
  migrate: { summary: 'create or upgrade the store schema', load: () => import('./commands/migrate.ts') },
  'rotate-secret': { summary: 're-encrypt linked Ouro keys under a new BRIDGE_SECRET_KEY', load: () => import('./commands/rotate-secret.ts') },
  jobs: { summary: 'list, retry or drop queued and dead jobs', load: () => import('./commands/jobs.ts') },
  'register-commands': { summary: 'register the /ouro command with Discord', load: () => import('./commands/register-commands.ts') },
  manifest: { summary: 'print the Slack app manifest', load: () => import('./commands/manifest.ts') },
  doctor: { summary: 'check every configured part and say how to fix what fails', load: () => import('./commands/doctor.ts') },
};

export function usage(): string {
  const lines = ['Usage: ouro-bridge <command> [options]', '', 'Commands:'];
  for (const [name, { summary }] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(18)} ${summary}`);
  lines.push('', "Run `ouro-bridge <command> --help` for a command's options.");
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name = 'start', ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`ouro-bridge: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  let command: CliCommand;
  try {
    ({ command } = await entry.load());
  } catch (err) {
    process.stderr.write(`ouro-bridge ${name}: not available: ${(err as Error).message}\n`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`ouro-bridge: configuration error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`ouro-bridge ${name}: ${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    process.stderr.write(`ouro-bridge ${name}: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

export class UsageError extends Error {}

/**
 * Minimal flag parsing shared by subcommands: `--name value`, `--name=value`, `--flag`.
 * Unknown flags are a UsageError so typos never pass silently.
 */
export function parseFlags(
  args: string[],
  spec: Record<string, 'string' | 'boolean'>,
): { flags: Record<string, string | boolean | undefined>; positional: string[] } {
  const flags: Record<string, string | boolean | undefined> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [rawName, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const kind = spec[rawName];
    if (!kind) throw new UsageError(`unknown option --${rawName}`);
    if (kind === 'boolean') {
      flags[rawName] = true;
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${rawName} needs a value`);
    flags[rawName] = value;
  }
  return { flags, positional };
}

/** Resolves on SIGINT/SIGTERM; the caller then shuts down in order. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
