import { z } from 'zod';
import { validate as validateCron } from 'node-cron';
import { parseSecretKey } from './accounts/secret-box.ts';

/**
 * The one place that reads the environment. `loadConfig` validates every variable of the
 * design and returns a frozen, typed object; nothing else in src/ reads `process.env`.
 * A bad or missing value becomes a `ConfigError` whose message is one line naming the
 * variable and what is expected, so `main` can print it and exit 2.
 */

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expected: string,
  ) {
    super(`${variable}: ${expected}`);
    this.name = 'ConfigError';
  }
}

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A node-cron schedule, every minute when unset. */
const cronSetting = optionalString
  .transform((v) => v ?? '* * * * *')
  .refine((v) => [5, 6].includes(v.split(/\s+/).length) && validateCron(v), {
    message: 'expected a node-cron expression of 5 or 6 fields, e.g. "* * * * *"',
  });

const url = (what: string) =>
  optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s/]+/.test(v), {
    message: `expected an http(s) URL for ${what}`,
  });

/** A comma-separated list whose items must match `item`; unset → undefined, so a default can differ from "empty". */
const idList = (item: RegExp, expected: string) =>
  optionalString
    .transform((v) =>
      v === undefined
        ? undefined
        : v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    )
    .refine((v) => v === undefined || v.every((s) => item.test(s)), { message: expected });

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z.object({
  OURO_API_KEY: optionalString,
  OURO_BASE_URL: url('the Ouro API base').transform((v) => (v ?? 'https://api.ouro.foundation').replace(/\/+$/, '')),
  SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xoxb-'), {
    message: 'expected a bot token starting with xoxb-',
  }),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xapp-'), {
    message: 'expected an app-level token starting with xapp- (Socket Mode)',
  }),
  SLACK_API_URL: url('the Slack Web API base'),
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString.refine((v) => v === undefined || /^\d{15,22}$/.test(v), {
    message: 'expected the numeric application id (a Discord snowflake)',
  }),
  DISCORD_API_URL: url('the Discord REST base'),
  SLACK_ALLOWED_TEAMS: idList(/^[TE][A-Z0-9]{2,}$/, 'expected comma-separated Slack team ids (T…, or E… for an Enterprise Grid org)'),
  DISCORD_ALLOWED_GUILDS: idList(/^\d{15,22}$/, 'expected comma-separated Discord server (guild) ids, numbers of 15 to 22 digits'),
  OURO_ALLOWED_ORGS: idList(/^[^,]{1,200}$/, 'expected comma-separated Ouro org ids or names'),
  DATABASE_URL: optionalString,
  HOST: optionalString.transform((v) => v ?? '0.0.0.0'),
  PORT: optionalString
    .transform((v) => (v === undefined ? 3000 : Number(v)))
    .refine((v) => Number.isInteger(v) && v >= 0 && v <= 65535, { message: 'expected a port number from 0 to 65535' }),
  OURO_WEBHOOK_SECRET: optionalString.refine((v) => v === undefined || /^[A-Za-z0-9_-]{16,}$/.test(v), {
    message: 'expected at least 16 characters of letters, digits, - or _ (it is part of the webhook URL path)',
  }),
  BRIDGE_ADMINS: optionalString.transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ),
  BRIDGE_SECRET_KEY: optionalString.refine((v) => v === undefined || parseSecretKey(v) !== undefined, {
    message: 'expected 32 random bytes as base64 or 64 hex digits (e.g. `openssl rand -base64 32`)',
  }),
  BRIDGE_SECRET_KEY_NEW: optionalString.refine((v) => v === undefined || parseSecretKey(v) !== undefined, {
    message: 'expected 32 random bytes as base64 or 64 hex digits (only `ouro-bridge rotate-secret` reads it)',
  }),
  QUEST_POLL_CRON: cronSetting,
  COMMENT_POLL_CRON: cronSetting,
  BRIDGE_INSTANCE_ID: optionalString.refine((v) => v === undefined || /^[\x21-\x7e]{1,200}$/.test(v), {
    message: "expected 1 to 200 printable ASCII characters without spaces (this replica's name in leases and logs)",
  }),
  SANDBOX_DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: 'expected a postgres:// URL (the sandbox keeps dataset tables there instead of embedded PGlite)',
  }),
  FILE_MAX_BYTES: optionalString
    .transform((v) => (v === undefined ? 25_000_000 : Number(v)))
    .refine((v) => Number.isInteger(v) && v >= 0, { message: 'expected a whole number of bytes, e.g. 25000000 (0 mirrors every file as a link)' }),
  LOG_LEVEL: optionalString
    .transform((v) => (v ?? 'info').toLowerCase())
    .refine((v) => (LOG_LEVELS as readonly string[]).includes(v), {
      message: `expected one of ${LOG_LEVELS.join(', ')}`,
    }),
});

export type StoreTarget = { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string };

export interface Config {
  /** `allowedOrgs` (OURO_ALLOWED_ORGS): ids or names; empty = every org the bridge's account belongs to. */
  readonly ouro: { readonly apiKey?: string; readonly baseUrl: string; readonly allowedOrgs: readonly string[] };
  readonly slack?: {
    readonly botToken: string;
    /** SLACK_ALLOWED_TEAMS: served besides the bot token's own team. */
    readonly allowedTeams: readonly string[];
    readonly signingSecret?: string;
    readonly appToken?: string;
    readonly apiUrl?: string;
  };
  /** `allowedGuilds` (DISCORD_ALLOWED_GUILDS): the only servers served; unset = none (README "Security model"). */
  readonly discord?: { readonly token: string; readonly applicationId?: string; readonly apiUrl?: string; readonly allowedGuilds: readonly string[] };
  readonly store: StoreTarget;
  readonly http: { readonly host: string; readonly port: number };
  readonly webhookSecret?: string;
  readonly bridgeAdmins: readonly string[];
  /** BRIDGE_SECRET_KEY, decoded: encrypts linked people's Ouro API keys. Unset: `/ouro login` is off. */
  readonly secretKey?: Buffer;
  /** BRIDGE_SECRET_KEY_NEW: only `ouro-bridge rotate-secret` reads it. */
  readonly secretKeyNew?: Buffer;
  readonly questPollCron: string;
  /** When followed assets' comments are polled (the `comment` webhook, when Ouro sends it, is faster). */
  readonly commentPollCron: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Largest chat file uploaded to Ouro as an asset; larger ones are mirrored as links. */
  readonly fileMaxBytes: number;
  /** This replica's name as a lease holder (BRIDGE_INSTANCE_ID); unset: the runtime makes one (host:pid:random). */
  readonly instanceId?: string;
  /** Only `ouro-bridge sandbox` and `demo` read this. */
  readonly sandbox: { readonly databaseUrl?: string };
}

/** `postgres://…` → PostgreSQL; a path, `sqlite:PATH` or `file:PATH` → SQLite. */
export function parseDatabaseUrl(value: string | undefined): StoreTarget {
  if (value === undefined) return { engine: 'sqlite', path: './data/ouro-bridge.db' };
  if (/^postgres(ql)?:\/\//.test(value)) return { engine: 'postgres', url: value };
  const m = /^(sqlite|file):(.*)$/.exec(value);
  if (m) {
    const path = m[2]!.replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new ConfigError('DATABASE_URL', 'expected a file path after sqlite:');
    return { engine: 'sqlite', path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new ConfigError('DATABASE_URL', 'expected postgres://…, sqlite:PATH, file:PATH or a file path');
  }
  return { engine: 'sqlite', path: value };
}

export interface LoadOptions {
  /** `start` needs an Ouro key; `sandbox`, `migrate` and `manifest` do not. */
  requireOuro?: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(variable, issue.message.startsWith('expected') ? issue.message : `invalid: ${issue.message}`);
  }
  const e = parsed.data;
  if (opts.requireOuro && !e.OURO_API_KEY) {
    throw new ConfigError('OURO_API_KEY', 'required: a personal access token from ouro.foundation/settings/api-keys');
  }
  if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    throw new ConfigError('SLACK_SIGNING_SECRET', 'required in HTTP mode (set it, or SLACK_APP_TOKEN for Socket Mode)');
  }
  if (!e.SLACK_BOT_TOKEN && (e.SLACK_APP_TOKEN || e.SLACK_SIGNING_SECRET)) {
    throw new ConfigError('SLACK_BOT_TOKEN', 'required when other SLACK_* variables are set (xoxb-…)');
  }
  if (!e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID) {
    throw new ConfigError('DISCORD_TOKEN', 'required when DISCORD_APPLICATION_ID is set');
  }
  const config: Config = {
    ouro: { apiKey: e.OURO_API_KEY, baseUrl: e.OURO_BASE_URL, allowedOrgs: e.OURO_ALLOWED_ORGS ?? [] },
    slack: e.SLACK_BOT_TOKEN
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          allowedTeams: e.SLACK_ALLOWED_TEAMS ?? [],
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          apiUrl: e.SLACK_API_URL,
        }
      : undefined,
    discord: e.DISCORD_TOKEN
      ? { token: e.DISCORD_TOKEN, applicationId: e.DISCORD_APPLICATION_ID, apiUrl: e.DISCORD_API_URL, allowedGuilds: e.DISCORD_ALLOWED_GUILDS ?? [] }
      : undefined,
    store: parseDatabaseUrl(e.DATABASE_URL),
    http: { host: e.HOST, port: e.PORT },
    webhookSecret: e.OURO_WEBHOOK_SECRET,
    bridgeAdmins: Object.freeze(e.BRIDGE_ADMINS),
    ...(e.BRIDGE_SECRET_KEY ? { secretKey: parseSecretKey(e.BRIDGE_SECRET_KEY)! } : {}),
    ...(e.BRIDGE_SECRET_KEY_NEW ? { secretKeyNew: parseSecretKey(e.BRIDGE_SECRET_KEY_NEW)! } : {}),
    questPollCron: e.QUEST_POLL_CRON,
    commentPollCron: e.COMMENT_POLL_CRON,
    logLevel: e.LOG_LEVEL as Config['logLevel'],
    fileMaxBytes: e.FILE_MAX_BYTES,
    ...(e.BRIDGE_INSTANCE_ID ? { instanceId: e.BRIDGE_INSTANCE_ID } : {}),
    sandbox: { databaseUrl: e.SANDBOX_DATABASE_URL },
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  // A Buffer (the decoded secret key) cannot be frozen; nothing hands it out for writing.
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
