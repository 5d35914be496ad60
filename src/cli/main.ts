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

const COMMANDS: Record<string, Loader> = {
  start: () => import('./commands/start.ts'),
  sandbox: () => import('./commands/sandbox.ts'),
  demo: () => import('./commands/demo.ts'),
  migrate: () => import('./commands/migrate.ts'),
  jobs: () => import('./commands/jobs.ts'),
  'register-commands': () => import('./commands/register-commands.ts'),
  doctor: () => import('./commands/doctor.ts'),
  manifest: () => import('./commands/manifest.ts'),
};

export async function usage(): Promise<string> {
  const lines = ['Usage: ouro-bridge <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const summary = await load()
      .then((m) => m.command.summary)
      .catch(() => '(not available in this build)');
    lines.push(`  ${name.padEnd(18)} ${summary}`);
  }
  lines.push('', 'Run `ouro-bridge <command> --help` for a command\'s options.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name = 'start', ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await usage()}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`ouro-bridge: unknown command "${name}"\n\n${await usage()}\n`);
    return 2;
  }
  let command: CliCommand;
  try {
    ({ command } = await load());
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
