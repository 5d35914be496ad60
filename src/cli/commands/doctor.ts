/**
 * `ouro-bridge doctor [--json]`: checks every configured part (Ouro, Slack, Discord, the
 * store, the webhook secret) and prints what works and how to fix what does not.
 * Exit 0 when nothing failed, 1 when a check failed, 2 when the configuration does not load.
 */
import { ConfigError, loadConfig, type Config } from '../../config.ts';
import { configFailure, exitCode, formatJson, formatText, runDoctor, type DoctorOptions } from '../../doctor/index.ts';
import { parseFlags, UsageError, type CliCommand } from '../main.ts';

const USAGE = `Usage: ouro-bridge doctor [--json]

  --json   print the results as one JSON document instead of a checklist

Checks, for each configured part: the Ouro API key (exchange, GET /user); Slack (auth.test,
granted scopes against the manifest's, Socket Mode or the signing secret); Discord (bot
token, application id, Message Content intent, /ouro registered); the store (reachable,
migrated); the webhook secret. Each check gives up after 5 s. Secrets are never printed.
Exit code: 0 all configured checks pass, 1 something failed, 2 the configuration is invalid.`;

/** The testable body: `load` reads the configuration (default: the environment). */
export async function doctor(
  args: string[],
  out: NodeJS.WritableStream = process.stdout,
  load: () => Config = () => loadConfig(),
  opts: DoctorOptions = {},
): Promise<number> {
  const { flags, positional } = parseFlags(args, { json: 'boolean' });
  if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
  const format = flags.json ? formatJson : formatText;
  let config: Config;
  try {
    config = load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    out.write(format(configFailure(err)));
    return 2;
  }
  const results = await runDoctor(config, opts);
  out.write(format(results));
  return exitCode(results);
}

export const command: CliCommand = {
  summary: 'Check every configured part and say how to fix what fails',
  usage: USAGE,
  run: (args) => doctor(args),
};
