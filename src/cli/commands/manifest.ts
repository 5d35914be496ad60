/**
 * `ouro-bridge manifest slack [--socket-mode] [--url https://bridge.example.org]`: prints the
 * Slack app manifest as JSON on stdout.
 */
import { ManifestError, slackManifest } from '../../adapters/slack/manifest.ts';
import { parseFlags, UsageError, type CliCommand } from '../main.ts';

export const command: CliCommand = {
  summary: 'Print the Slack app manifest (JSON) to create the app from',
  usage: [
    'Usage: ouro-bridge manifest slack [--socket-mode] [--url https://bridge.example.org] [--name Ouro]',
    '',
    '  --socket-mode   the app connects out over a WebSocket (set SLACK_APP_TOKEN); no public URL needed',
    "  --url URL       the bridge's public https URL; events, /ouro and buttons go to URL/slack/events",
    '  --name NAME     the app and bot name shown in Slack (default Ouro)',
    '',
    'Paste the output into api.slack.com/apps → Create New App → From a manifest.',
  ].join('\n'),
  async run(args) {
    const { flags, positional } = parseFlags(args, { 'socket-mode': 'boolean', url: 'string', name: 'string' });
    const [platform, ...extra] = positional;
    if (platform !== 'slack') throw new UsageError(platform ? `no manifest for "${platform}" (only slack)` : 'which platform? (slack)');
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    try {
      const manifest = slackManifest({
        socketMode: flags['socket-mode'] === true,
        url: flags.url as string | undefined,
        name: flags.name as string | undefined,
      });
      process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
      return 0;
    } catch (err) {
      if (err instanceof ManifestError) throw new UsageError(err.message);
      throw err;
    }
  },
};
