/**
 * `ouro-bridge sandbox`: serves the local Ouro stand-in until SIGINT/SIGTERM and prints the
 * URL, the API key and the environment lines a bridge needs to use it.
 */
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../log.ts';
import { startSandbox } from '../../sandbox/index.ts';
import { parseFlags, untilSignal, UsageError, type CliCommand } from '../main.ts';

const DEFAULT_FILE = './data/sandbox.json';

export const command: CliCommand = {
  summary: 'Serve a local stand-in for the Ouro API (no account needed)',
  usage: [
    'Usage: ouro-bridge sandbox [--port N] [--host H] [--seed demo|none] [--memory | --file PATH]',
    '                           [--token-ttl SECONDS] [--webhook-url URL]',
    '',
    '  --port N            port to listen on (default 8003; 0 = any free port)',
    '  --host H            interface to bind (default 127.0.0.1)',
    '  --seed demo|none    demo: org "Ouro Lab", alice, bob, datasets, a quest, a post, a conversation',
    '                      none: only the bot user and its API key (default demo)',
    `  --file PATH         keep state in this JSON file (default ${DEFAULT_FILE}); an existing file wins over --seed`,
    '  --memory            keep state in memory only',
    '  --token-ttl SECS    access-token lifetime (default 3600)',
    '  --webhook-url URL   POST new-message webhooks here (e.g. http://127.0.0.1:3000/ouro/webhooks/<secret>)',
    '',
    'Dataset SQL runs in embedded PGlite, or in PostgreSQL when SANDBOX_DATABASE_URL is set.',
    'Control routes: POST/DELETE /_sandbox/faults, GET /_sandbox/state, POST /_sandbox/post-as,',
    '                PUT /_sandbox/webhook-url.',
  ].join('\n'),
  async run(args) {
    const { flags, positional } = parseFlags(args, {
      port: 'string',
      host: 'string',
      seed: 'string',
      file: 'string',
      memory: 'boolean',
      'token-ttl': 'string',
      'webhook-url': 'string',
    });
    if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
    const port = flags.port === undefined ? 8003 : Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a number from 0 to 65535');
    const seed = (flags.seed as string | undefined) ?? 'demo';
    if (seed !== 'demo' && seed !== 'none') throw new UsageError('--seed must be demo or none');
    if (flags.memory && flags.file) throw new UsageError('use --memory or --file, not both');
    const ttl = flags['token-ttl'] === undefined ? undefined : Number(flags['token-ttl']);
    if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1)) throw new UsageError('--token-ttl must be a whole number of seconds ≥ 1');
    const webhookUrl = flags['webhook-url'] as string | undefined;
    if (webhookUrl !== undefined && !/^https?:\/\/\S+$/.test(webhookUrl)) throw new UsageError('--webhook-url must be an http(s) URL');

    const config = loadConfig();
    const logger = createLogger({ level: config.logLevel });
    const file = flags.memory ? undefined : ((flags.file as string | undefined) ?? DEFAULT_FILE);
    const sandbox = await startSandbox({
      port,
      host: (flags.host as string | undefined) ?? '127.0.0.1',
      seed,
      file,
      tokenTtlSeconds: ttl,
      webhookUrl,
      databaseUrl: config.sandbox.databaseUrl,
      logger,
    });
    const humans = Object.keys(sandbox.users).map((name) => (sandbox.userApiKeys[name] ? `${name} (API key ${sandbox.userApiKeys[name]})` : name));
    process.stdout.write(
      [
        `Ouro sandbox listening on ${sandbox.url}`,
        `  state: ${file ?? 'memory only'}; datasets: ${config.sandbox.databaseUrl ? 'PostgreSQL (SANDBOX_DATABASE_URL)' : 'embedded PGlite'}`,
        `  bot user: ${sandbox.bot.username} (${sandbox.bot.id})`,
        humans.length ? `  humans: ${humans.join(', ')}` : '',
        '',
        'Use it from the bridge with:',
        `  OURO_BASE_URL=${sandbox.url}`,
        `  OURO_API_KEY=${sandbox.apiKey}`,
        '',
        'Stop with Ctrl-C.',
        '',
      ]
        .filter((l, i, all) => l !== '' || all[i - 1] !== '')
        .join('\n'),
    );
    const signal = await untilSignal();
    logger.info({ signal }, 'sandbox: shutting down');
    await sandbox.close();
    return 0;
  },
};
