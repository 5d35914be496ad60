import { pino, type Logger } from 'pino';
import { safeError, stripTokens } from './redact.ts';

export type { Logger };

/**
 * Paths whose values never reach a log line. Tokens, keys and secrets show up in config
 * objects, HTTP headers (Slack/Discord/Ouro clients) and webhook URLs.
 */
export const REDACT_PATHS = [
  'apiKey',
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'webhookSecret',
  'access_token',
  'refresh_token',
  'pat',
  'authorization',
  'password',
  '*.apiKey',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.webhookSecret',
  '*.access_token',
  '*.pat',
  '*.authorization',
  '*.Authorization',
  '*.password',
  'headers.authorization',
  'headers["x-slack-signature"]',
  'req.headers.authorization',
  'config.ouro.apiKey',
  'config.slack.botToken',
  'config.slack.appToken',
  'config.slack.signingSecret',
  'config.discord.token',
  'config.webhookSecret',
];

export interface LogOptions {
  level?: string;
  /** Pretty output for people; JSON otherwise. Defaults to "stdout is a terminal". */
  pretty?: boolean;
  /** Strings to scrub from every message (e.g. the webhook secret inside a URL path). */
  secrets?: readonly (string | undefined)[];
  destination?: NodeJS.WritableStream;
}

/**
 * Two guards on every line: errors under `err` (and `cause`) are reduced by `safeError`
 * (status and message, no request bodies), and the written line passes `stripTokens`
 * (token patterns and the configured secrets), whatever field a token hid in.
 */
export function createLogger(opts: LogOptions = {}): Logger {
  const pretty = opts.pretty ?? Boolean(process.stdout.isTTY);
  const secrets = (opts.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 8);
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
    serializers: { err: safeError, error: safeError, cause: safeError },
    hooks: { streamWrite: (line: string) => stripTokens(line, secrets) },
  };
  if (pretty && !opts.destination) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, destination: 2 } } });
  }
  return pino(options, (opts.destination ?? process.stderr) as pino.DestinationStream);
}

/** A logger that drops everything: for tests and library defaults. */
export const silentLogger: Logger = pino({ level: 'silent' });
