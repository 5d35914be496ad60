/**
 * `ouro-bridge start` (the default): run the bridge until SIGINT/SIGTERM, then shut down in
 * order (src/app.ts). A second signal during shutdown exits at once; the durable queue
 * keeps whatever was not finished.
 */
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { parseFlags, untilSignal, type CliCommand } from '../main.ts';

export const command: CliCommand = {
  summary: 'Run the bridge (the platforms whose tokens are set, the Ouro webhook, health and metrics)',
  usage: `Usage: ouro-bridge start

Runs until SIGINT or SIGTERM. Configuration comes from the environment (see README):
OURO_API_KEY is required; Slack runs when SLACK_BOT_TOKEN is set, Discord when
DISCORD_TOKEN is set. Exit code 2 on bad configuration.`,
  async run(args) {
    parseFlags(args, {});
    const config = loadConfig(undefined, { requireOuro: true });
    const app = await createApp(config);
    const { url } = await app.start();
    process.stderr.write(`ouro-bridge listening on ${url}\n`);
    const signal = await untilSignal();
    app.logger.info({ signal }, 'shutting down');
    const force = () => {
      process.stderr.write('ouro-bridge: second signal, exiting now (unfinished jobs stay queued)\n');
      process.exit(130);
    };
    process.once('SIGINT', force).once('SIGTERM', force);
    await app.stop();
    return 0;
  },
};
