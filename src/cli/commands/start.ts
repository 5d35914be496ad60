/**
 * `ouro-bridge start` (the default): run the bridge until SIGINT/SIGTERM, then shut down in
 * order (src/app.ts). A second signal during shutdown exits at once; the durable queue
 * keeps whatever was not finished.
 *
 * `--console` adds the console chat on stdin/stdout next to the configured platforms (try
 * the bridge against a real Ouro account; the kill test drives it this way). Input ending
 * (Ctrl-D) then stops the bridge too.
 */
import { createConsoleAdapter } from '../../adapters/console/index.ts';
import { createApp } from '../../app.ts';
import type { ChatAdapter } from '../../bridge/types.ts';
import { loadConfig } from '../../config.ts';
import { parseFlags, UsageError, untilSignal, type CliCommand } from '../main.ts';
import { missingNodeFlags } from '../node-flags.ts';

export const command: CliCommand = {
  summary: 'Run the bridge (the platforms whose tokens are set, the Ouro webhook, health and metrics)',
  usage: `Usage: ouro-bridge start [--console] [--console-session ID]

Runs until SIGINT or SIGTERM. Configuration comes from the environment (see README):
OURO_API_KEY is required; Slack runs when SLACK_BOT_TOKEN is set, Discord when
DISCORD_TOKEN is set. Exit code 2 on bad configuration.
  --console             also chat from this terminal (#lab in workspace "local")
  --console-session ID  idempotency namespace of console messages; reuse it to replay a
                        session after a crash without duplicates (default: new each run)`,
  async run(args) {
    const { flags, positional } = parseFlags(args, { console: 'boolean', 'console-session': 'string' });
    if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
    if (flags['console-session'] !== undefined && !flags.console) throw new UsageError('--console-session needs --console');
    const config = loadConfig(undefined, { requireOuro: true });
    let inputEnded: () => void = () => undefined;
    const ended = new Promise<void>((r) => (inputEnded = r));
    const adapters: ChatAdapter[] = flags.console
      ? [
          createConsoleAdapter({
            input: process.stdin,
            output: process.stdout,
            ...(flags['console-session'] ? { session: flags['console-session'] as string } : {}),
            onInputEnd: () => inputEnded(),
          }),
        ]
      : [];
    const app = await createApp(config, { adapters });
    try {
      const { url } = await app.start();
      process.stderr.write(`ouro-bridge listening on ${url}\n`);
      const missing = missingNodeFlags(process.execArgv, process.env.NODE_OPTIONS);
      if (missing.length > 0) {
        app.logger.info({ missing }, 'Node runs without the flags `npm start` gives it; bursts will see longer GC pauses (README: Run it for real)');
      }
    } catch (err) {
      // Usually Ouro unreachable or the key refused: one line for the operator, the stack in the log.
      app.logger.error({ err }, 'start-up failed');
      await app.stop();
      process.stderr.write(`ouro-bridge start: cannot start: ${(err as Error).message}\n`);
      return 1;
    }
    const why = await Promise.race([untilSignal(), ended.then(() => 'end of console input')]);
    app.logger.info({ why }, 'shutting down');
    const force = () => {
      process.stderr.write('ouro-bridge: second signal, exiting now (unfinished jobs stay queued)\n');
      process.exit(130);
    };
    process.once('SIGINT', force).once('SIGTERM', force);
    await app.stop();
    return 0;
  },
};
