/**
 * Configuration: every bad value stops start-up with one line naming the variable; good
 * values parse into the typed, frozen object. Includes the real `ouro-bridge start` binary
 * refusing a bad PORT with exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDatabaseUrl } from '../../src/config.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OK = { OURO_API_KEY: 'pat-123' };
const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 'sig' };

describe('loadConfig: a bad value → one line naming the variable', () => {
  it.each<[string, Record<string, string>, string, boolean?]>([
    ['PORT not a number', { PORT: 'abc' }, 'PORT'],
    ['PORT out of range', { PORT: '70000' }, 'PORT'],
    ['PORT negative', { PORT: '-1' }, 'PORT'],
    ['PORT fractional', { PORT: '80.5' }, 'PORT'],
    ['OURO_BASE_URL not http', { OURO_BASE_URL: 'ftp://ouro' }, 'OURO_BASE_URL'],
    ['OURO_BASE_URL not a URL', { OURO_BASE_URL: 'api.ouro.foundation' }, 'OURO_BASE_URL'],
    ['SLACK_BOT_TOKEN wrong kind', { SLACK_BOT_TOKEN: 'xoxp-user', SLACK_SIGNING_SECRET: 's' }, 'SLACK_BOT_TOKEN'],
    ['SLACK_APP_TOKEN wrong kind', { ...SLACK, SLACK_APP_TOKEN: 'xoxb-nope' }, 'SLACK_APP_TOKEN'],
    ['Slack HTTP mode without a signing secret', { SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET'],
    ['Slack secret without a bot token', { SLACK_SIGNING_SECRET: 'sig' }, 'SLACK_BOT_TOKEN'],
    ['Slack app token without a bot token', { SLACK_APP_TOKEN: 'xapp-1' }, 'SLACK_BOT_TOKEN'],
    ['SLACK_API_URL not a URL', { ...SLACK, SLACK_API_URL: 'slack' }, 'SLACK_API_URL'],
    ['DISCORD_APPLICATION_ID not a snowflake', { DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: 'my-app' }, 'DISCORD_APPLICATION_ID'],
    ['Discord application without a token', { DISCORD_APPLICATION_ID: '123456789012345678' }, 'DISCORD_TOKEN'],
    ['DISCORD_API_URL not a URL', { DISCORD_TOKEN: 't', DISCORD_API_URL: 'discord' }, 'DISCORD_API_URL'],
    ['DATABASE_URL of an unknown engine', { DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL'],
    ['DATABASE_URL sqlite: without a path', { DATABASE_URL: 'sqlite:' }, 'DATABASE_URL'],
    ['OURO_WEBHOOK_SECRET too short', { OURO_WEBHOOK_SECRET: 'short' }, 'OURO_WEBHOOK_SECRET'],
    ['OURO_WEBHOOK_SECRET with URL characters', { OURO_WEBHOOK_SECRET: 'abcdefgh/ijklmnop?q' }, 'OURO_WEBHOOK_SECRET'],
    ['QUEST_POLL_CRON words', { QUEST_POLL_CRON: 'every minute' }, 'QUEST_POLL_CRON'],
    ['QUEST_POLL_CRON too few fields', { QUEST_POLL_CRON: '* * *' }, 'QUEST_POLL_CRON'],
    ['QUEST_POLL_CRON out of range', { QUEST_POLL_CRON: '61 * * * *' }, 'QUEST_POLL_CRON'],
    ['SANDBOX_DATABASE_URL not postgres', { SANDBOX_DATABASE_URL: 'sqlite:x.db' }, 'SANDBOX_DATABASE_URL'],
    ['LOG_LEVEL unknown', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['SLACK_ALLOWED_TEAMS not team ids', { ...SLACK, SLACK_ALLOWED_TEAMS: 'T0LAB, my workspace' }, 'SLACK_ALLOWED_TEAMS'],
    ['DISCORD_ALLOWED_GUILDS not snowflakes', { DISCORD_TOKEN: 't', DISCORD_ALLOWED_GUILDS: '123456789012345678,lab-server' }, 'DISCORD_ALLOWED_GUILDS'],
    ['OURO_API_KEY missing when start needs it', {}, 'OURO_API_KEY', true],
    ['OURO_API_KEY blank when start needs it', { OURO_API_KEY: '   ' }, 'OURO_API_KEY', true],
  ])('%s', (_name, env, variable, requireOuro = false) => {
    let error: unknown;
    try {
      loadConfig(requireOuro ? env : { ...OK, ...env }, { requireOuro });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.variable).toBe(variable);
    expect(e.message.startsWith(`${variable}: `)).toBe(true);
    expect(e.message).not.toContain('\n');
    // The line says what is expected, not just that something is wrong.
    expect(e.message.length).toBeGreaterThan(variable.length + 10);
  });
});

describe('loadConfig: good values', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({ OURO_API_KEY: 'k' }, { requireOuro: true });
    expect(c).toMatchObject({
      ouro: { apiKey: 'k', baseUrl: 'https://api.ouro.foundation' },
      store: { engine: 'sqlite', path: './data/ouro-bridge.db' },
      http: { host: '0.0.0.0', port: 3000 },
      bridgeAdmins: [],
      questPollCron: '* * * * *',
      logLevel: 'info',
    });
    expect(c.slack).toBeUndefined();
    expect(c.discord).toBeUndefined();
    expect(c.webhookSecret).toBeUndefined();
    expect(c.ouro.allowedOrgs).toEqual([]); // every org the bridge's account belongs to
  });

  it("serves no Discord server and only the token's own Slack team unless told otherwise", () => {
    const c = loadConfig({ OURO_API_KEY: 'k', DISCORD_TOKEN: 'd', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
    expect(c.discord!.allowedGuilds).toEqual([]);
    expect(c.slack!.allowedTeams).toEqual([]);
  });

  it('reads every variable, trimmed, and freezes the result', () => {
    const c = loadConfig({
      OURO_API_KEY: ' k ',
      OURO_BASE_URL: 'http://127.0.0.1:9/',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      SLACK_API_URL: 'http://127.0.0.1:8/api/',
      DISCORD_TOKEN: 'd',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_URL: 'http://127.0.0.1:7',
      DATABASE_URL: 'postgres://u@h/db',
      HOST: '127.0.0.1',
      PORT: '0',
      OURO_WEBHOOK_SECRET: 'a-very-long-secret_123',
      BRIDGE_ADMINS: 'U1, U2 ,,U3',
      QUEST_POLL_CRON: '*/5 * * * * *',
      LOG_LEVEL: 'DEBUG',
      SANDBOX_DATABASE_URL: 'postgresql://u@h/sb',
      SLACK_ALLOWED_TEAMS: 'T0GRID1, E0GRID',
      DISCORD_ALLOWED_GUILDS: '123456789012345678 ,223456789012345678',
      OURO_ALLOWED_ORGS: 'Ouro Lab, 0193a5c0-0000-7000-8000-000000000001',
    });
    expect(c.ouro).toEqual({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9', allowedOrgs: ['Ouro Lab', '0193a5c0-0000-7000-8000-000000000001'] });
    expect(c.slack).toEqual({
      botToken: 'xoxb-1',
      allowedTeams: ['T0GRID1', 'E0GRID'],
      signingSecret: undefined,
      appToken: 'xapp-1',
      apiUrl: 'http://127.0.0.1:8/api/',
    });
    expect(c.discord).toEqual({
      token: 'd',
      applicationId: '123456789012345678',
      apiUrl: 'http://127.0.0.1:7',
      allowedGuilds: ['123456789012345678', '223456789012345678'],
    });
    expect(c.store).toEqual({ engine: 'postgres', url: 'postgres://u@h/db' });
    expect(c.http).toEqual({ host: '127.0.0.1', port: 0 });
    expect(c.bridgeAdmins).toEqual(['U1', 'U2', 'U3']);
    expect(c.logLevel).toBe('debug');
    expect(c.sandbox.databaseUrl).toBe('postgresql://u@h/sb');
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.http)).toBe(true);
    expect(() => ((c.http as { port: number }).port = 1)).toThrow();
  });

  it.each([
    [undefined, { engine: 'sqlite', path: './data/ouro-bridge.db' }],
    ['./x.db', { engine: 'sqlite', path: './x.db' }],
    ['sqlite:/tmp/a.db', { engine: 'sqlite', path: '/tmp/a.db' }],
    ['file:rel.db', { engine: 'sqlite', path: 'rel.db' }],
    ['sqlite:///abs/b.db', { engine: 'sqlite', path: '/abs/b.db' }],
    ['postgres://u@h:5432/db', { engine: 'postgres', url: 'postgres://u@h:5432/db' }],
    ['postgresql://u@h/db', { engine: 'postgres', url: 'postgresql://u@h/db' }],
  ])('DATABASE_URL %s', (value, expected) => {
    expect(parseDatabaseUrl(value)).toEqual(expected);
  });
});

describe('ouro-bridge start with bad configuration (the real binary)', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [resolve(ROOT, 'bin/ouro-bridge.js'), 'start'], {
      cwd: ROOT,
      // A clean environment: only what the case sets (node needs no PATH when run by absolute path).
      env,
      encoding: 'utf8',
      timeout: 20_000,
    });

  it('exits 2 with one line naming PORT', () => {
    const r = run({ OURO_API_KEY: 'pat', PORT: 'not-a-port' });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ouro-bridge: configuration error: PORT: expected a port number/);
    expect(r.stdout).toBe('');
  });

  it('exits 2 naming OURO_API_KEY when it is missing', () => {
    const r = run({});
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/configuration error: OURO_API_KEY: required/)]);
  });
});

describe('README', () => {
  it('documents every variable that src/config.ts reads', () => {
    const source = readFileSync(resolve(ROOT, 'src/config.ts'), 'utf8');
    const schema = source.slice(source.indexOf('const schema = z.object({'), source.indexOf('});', source.indexOf('const schema = z.object({')));
    const variables = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
    expect(variables.length).toBeGreaterThanOrEqual(17);
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    // The Configuration table; platform sections repeat some variables in their own tables.
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
    const documented = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);
    expect(documented.sort()).toEqual([...variables].sort());
  });
});
