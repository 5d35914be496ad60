/**
 * `ouro-bridge doctor` against real parts on loopback: the Ouro sandbox, the Slack fake
 * (Web API), the Discord fake (REST) and SQLite/PostgreSQL stores. Each case breaks one
 * part and checks that exactly that part is named with its fix, and that the fakes saw
 * the calls the doctor claims to have made.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BOT_SCOPES } from '../../src/adapters/slack/manifest.ts';
import { doctor } from '../../src/cli/commands/doctor.ts';
import { registerCommands } from '../../src/cli/commands/register-commands.ts';
import { loadConfig } from '../../src/config.ts';
import type { CheckResult } from '../../src/doctor/index.ts';
import { migrateStore, openStore, pendingMigrations } from '../../src/store/index.ts';
import { startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.ts';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { dropSchema, TEST_DATABASE_URL } from '../helpers/store.ts';

const run = promisify(execFile);
const sandbox = withSandbox();
let slack: FakeSlack;
let discord: FakeDiscord;
let dir: string;
let migratedDb: string;

const SECRETS = {
  bot: 'xoxb-doctor-bot-token',
  app: 'xapp-doctor-app-token',
  discord: 'doctor.discord.bot-token',
  webhook: 'doctor-webhook-secret-0123456789',
};

beforeAll(async () => {
  [slack, discord] = await Promise.all([startFakeSlack(), startFakeDiscord()]);
  dir = mkdtempSync(join(tmpdir(), 'doctor-'));
  migratedDb = join(dir, 'bridge.db');
  await migrateStore({ engine: 'sqlite', path: migratedDb });
});
afterAll(async () => {
  await Promise.all([slack?.close(), discord?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  slack.grantedScopes = BOT_SCOPES;
  slack.fail('auth.test', undefined);
  discord.botCan.messageContent = true;
});

/** A deployment where everything works; each test overrides what it breaks. */
function env(over: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    OURO_API_KEY: sandbox().apiKey,
    OURO_BASE_URL: sandbox().url,
    SLACK_BOT_TOKEN: SECRETS.bot,
    SLACK_APP_TOKEN: SECRETS.app,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_TOKEN: SECRETS.discord,
    DISCORD_APPLICATION_ID: discord.ids.app,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_ALLOWED_GUILDS: discord.ids.guild,
    DATABASE_URL: migratedDb,
    OURO_WEBHOOK_SECRET: SECRETS.webhook,
    ...over,
  };
}

async function diagnose(over: Record<string, string | undefined> = {}, timeoutMs?: number): Promise<{ code: number; checks: CheckResult[]; text: string }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const code = await doctor(['--json'], out, () => loadConfig(env(over)), timeoutMs ? { timeoutMs } : {});
  return { code, checks: (JSON.parse(text) as { checks: CheckResult[] }).checks, text };
}

const find = (checks: CheckResult[], part: string, name: string) => {
  const c = checks.find((x) => x.part === part && x.name.startsWith(name));
  if (!c) throw new Error(`no check ${part}/${name} in ${checks.map((x) => `${x.part}/${x.name}`).join(', ')}`);
  return c;
};
const failed = (checks: CheckResult[]) => checks.filter((c) => c.ok === false).map((c) => `${c.part}/${c.name}`);

describe('doctor, everything configured and working', () => {
  beforeAll(async () => {
    discord.botCan.messageContent = true;
    const sink = new PassThrough().resume();
    expect(await registerCommands(loadConfig(env()), [], sink)).toBe(0);
  });

  it('passes every check, says what it found, and asked each service', async () => {
    const slackBefore = slack.calls.length;
    const discordBefore = discord.calls.length;
    const { code, checks } = await diagnose();
    expect(failed(checks)).toEqual([]);
    expect(code).toBe(0);
    expect(checks.map((c) => `${c.part}/${c.name}`)).toEqual([
      'config/environment',
      'ouro/API key exchange',
      'ouro/GET /user',
      'slack/bot token (auth.test)',
      'slack/granted scopes',
      'slack/Socket Mode (apps.connections.open)',
      'discord/bot token (GET /users/@me)',
      'discord/application (GET /applications/@me)',
      'discord/Message Content intent',
      'discord/commands registered',
      'discord/servers allowed (DISCORD_ALLOWED_GUILDS)',
      'store/reachable',
      'store/migrated',
      'webhook/OURO_WEBHOOK_SECRET',
    ]);
    expect(find(checks, 'ouro', 'GET /user').detail).toContain(`@${sandbox().bot.username} (${sandbox().bot.id})`);
    expect(find(checks, 'slack', 'bot token').detail).toBe('workspace "Lab" (T0LAB), bot @ouro');

    const slackCalls = slack.calls
      .slice(slackBefore)
      .map((c) => `${c.method} ${c.token}`)
      .sort();
    expect(slackCalls).toEqual([`apps.connections.open ${SECRETS.app}`, `auth.test ${SECRETS.bot}`]);
    const discordCalls = discord.calls.slice(discordBefore);
    expect(discordCalls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /users/@me',
      'GET /applications/@me',
      `GET /applications/${discord.ids.app}/commands`,
      'GET /users/@me/guilds',
    ]);
    expect(discordCalls.every((c) => c.auth === `Bot ${SECRETS.discord}`)).toBe(true);
    expect(discord.gateway.identifies).toBe(0); // REST only: a running bridge's gateway session is left alone
  });

  it('runs as the real CLI: exit 0, a checklist, and no secret in it', async () => {
    const { stdout } = await run(process.execPath, ['bin/ouro-bridge.js', 'doctor'], {
      cwd: join(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH, NO_COLOR: '1', ...env() },
      timeout: 30_000,
    });
    expect(stdout).toContain('✓ API key exchange');
    expect(stdout).toContain('✓ Message Content intent: enabled (limited');
    expect(stdout).toMatch(/14 passed, 0 failed, 0 skipped: all configured parts work\n$/);
    for (const s of [...Object.values(SECRETS), sandbox().apiKey]) expect(stdout).not.toContain(s);
  });
});

describe('doctor names the part that is broken, with its fix', () => {
  it('a wrong Ouro key: exit 1, the key refused (401), GET /user skipped', async () => {
    const { code, checks, text } = await diagnose({ OURO_API_KEY: 'not-the-right-key-123' });
    expect(code).toBe(1);
    expect(failed(checks)).toEqual(['ouro/API key exchange']);
    const c = find(checks, 'ouro', 'API key exchange');
    expect(c.detail).toContain('Ouro refused the API key (401)');
    expect(c.fix).toContain('set OURO_API_KEY');
    expect(find(checks, 'ouro', 'GET /user').ok).toBe('skipped');
    expect(text).not.toContain('not-the-right-key-123');
  });

  it('an Ouro URL nobody answers at: unreachable, not a key problem', async () => {
    const { code, checks } = await diagnose({ OURO_BASE_URL: 'http://127.0.0.1:1' });
    expect(code).toBe(1);
    const c = find(checks, 'ouro', 'API key exchange');
    expect(c.detail).toContain('cannot reach http://127.0.0.1:1');
    expect(c.fix).toContain('check OURO_BASE_URL');
  });

  it('a Slack token without some of the manifest scopes: the missing ones are named', async () => {
    slack.grantedScopes = BOT_SCOPES.filter((s) => s !== 'files:write' && s !== 'users:read');
    const { code, checks } = await diagnose();
    expect(code).toBe(1);
    expect(failed(checks)).toEqual(['slack/granted scopes']);
    const c = find(checks, 'slack', 'granted scopes');
    expect(c.detail).toBe('missing 2 of 14: files:write, users:read');
    expect(c.fix).toContain('reinstall the app');
  });

  it('a Slack token without files:read: doctor says files then travel as links', async () => {
    slack.grantedScopes = BOT_SCOPES.filter((s) => s !== 'files:read');
    const { code, checks } = await diagnose();
    expect(code).toBe(1);
    expect(find(checks, 'slack', 'granted scopes').detail).toBe(
      'missing 1 of 14: files:read (without files:read, files shared in mirrored threads reach Ouro only as links)',
    );
  });

  it('a revoked Slack token: auth.test refused, scopes skipped', async () => {
    slack.fail('auth.test', 'invalid_auth');
    const { checks } = await diagnose();
    expect(failed(checks)).toEqual(['slack/bot token (auth.test)']);
    expect(find(checks, 'slack', 'bot token').detail).toBe('Slack answered "invalid_auth"');
    expect(find(checks, 'slack', 'bot token').fix).toContain('SLACK_BOT_TOKEN');
    expect(find(checks, 'slack', 'granted scopes').ok).toBe('skipped');
  });

  it('Slack in HTTP mode: the signing secret is checked instead of Socket Mode, and nothing opens a socket', async () => {
    const before = slack.calls.length;
    const { code, checks } = await diagnose({ SLACK_APP_TOKEN: undefined, SLACK_SIGNING_SECRET: 'a-signing-secret' });
    expect(code).toBe(0);
    expect(find(checks, 'slack', 'HTTP mode').ok).toBe(true);
    expect(slack.calls.slice(before).map((c) => c.method)).toEqual(['auth.test']);
  });

  it('a Discord application without the Message Content intent', async () => {
    discord.botCan.messageContent = false;
    const { code, checks } = await diagnose();
    expect(code).toBe(1);
    expect(failed(checks)).toEqual(['discord/Message Content intent']);
    expect(find(checks, 'discord', 'Message Content intent').fix).toContain('enable Message Content Intent in the Developer Portal');
  });

  it('lists the Discord servers the bot sits in that DISCORD_ALLOWED_GUILDS does not', async () => {
    discord.otherGuilds.push({ id: '999999999999999999', name: 'Stranger Things' });
    try {
      const { code, checks } = await diagnose();
      expect(code).toBe(1);
      expect(failed(checks)).toEqual(['discord/servers allowed (DISCORD_ALLOWED_GUILDS)']);
      const c = find(checks, 'discord', 'servers allowed');
      expect(c.detail).toBe('the bot sits in servers not allowed: Stranger Things (999999999999999999) (it answers there only with a refusal)');
      expect(c.fix).toContain('add their ids to DISCORD_ALLOWED_GUILDS');
      const unset = await diagnose({ DISCORD_ALLOWED_GUILDS: undefined });
      expect(find(unset.checks, 'discord', 'servers allowed').detail).toContain('DISCORD_ALLOWED_GUILDS is not set: the bridge serves no server');
    } finally {
      discord.otherGuilds.length = 0;
    }
  });

  it('a DISCORD_APPLICATION_ID of another application', async () => {
    const { checks } = await diagnose({ DISCORD_APPLICATION_ID: '1234567890123456789' });
    expect(failed(checks)).toEqual(['discord/application (GET /applications/@me)']);
    expect(find(checks, 'discord', 'application').fix).toBe(`set DISCORD_APPLICATION_ID=${discord.ids.app}, or unset it (it is looked up)`);
    expect(find(checks, 'discord', 'commands').ok).toBe(true); // listed for the token's real application
  });

  it('a store that was never migrated', async () => {
    const path = join(dir, 'fresh.db');
    await (await openStore({ engine: 'sqlite', path }, { migrate: false })).close();
    const { code, checks } = await diagnose({ DATABASE_URL: path });
    expect(code).toBe(1);
    expect(failed(checks)).toEqual(['store/migrated']);
    expect(find(checks, 'store', 'migrated').detail).toBe('5 pending: 0001_initial, 0002_leases, 0003_quests, 0004_account_links, 0005_follows');
    expect(find(checks, 'store', 'migrated').fix).toContain('run ouro-bridge migrate');
  });

  it('a SQLite file that does not exist: reported, not created', async () => {
    const path = join(dir, 'nowhere', 'missing.db');
    const { checks } = await diagnose({ DATABASE_URL: path });
    expect(failed(checks)).toEqual(['store/reachable']);
    expect(find(checks, 'store', 'reachable').detail).toBe(`SQLite ${path} does not exist yet`);
    expect(find(checks, 'store', 'migrated').ok).toBe('skipped');
    const { existsSync } = await import('node:fs');
    expect(existsSync(path)).toBe(false);
  });

  it('a PostgreSQL store nobody answers at, without printing the password', async () => {
    const { checks, text } = await diagnose({ DATABASE_URL: 'postgres://bridge:hunter2-secret@127.0.0.1:1/bridge' });
    expect(failed(checks)).toEqual(['store/reachable']);
    expect(find(checks, 'store', 'reachable').detail).toContain('PostgreSQL postgres://127.0.0.1:1/bridge');
    expect(find(checks, 'store', 'reachable').fix).toContain('check DATABASE_URL');
    expect(text).not.toContain('hunter2-secret');
  });

  it('the webhook secret unset', async () => {
    const { code, checks } = await diagnose({ OURO_WEBHOOK_SECRET: undefined });
    expect(code).toBe(1);
    expect(failed(checks)).toEqual(['webhook/OURO_WEBHOOK_SECRET']);
    expect(find(checks, 'webhook', 'OURO_WEBHOOK_SECRET').fix).toBe(
      "set OURO_WEBHOOK_SECRET and register https://<host>/ouro/webhooks/<secret> in Ouro's settings (a secret: openssl rand -hex 16)",
    );
  });

  it('platforms without tokens are skipped and do not fail the run', async () => {
    const { code, checks } = await diagnose({
      SLACK_BOT_TOKEN: undefined,
      SLACK_APP_TOKEN: undefined,
      DISCORD_TOKEN: undefined,
      DISCORD_APPLICATION_ID: undefined,
    });
    expect(code).toBe(0);
    expect(find(checks, 'slack', 'configured')).toMatchObject({ ok: 'skipped', detail: 'SLACK_BOT_TOKEN is not set: Slack is off' });
    expect(find(checks, 'discord', 'configured')).toMatchObject({ ok: 'skipped', detail: 'DISCORD_TOKEN is not set: Discord is off' });
  });
});

describe('doctor never hangs', () => {
  let silent: Server;
  beforeAll(async () => {
    silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it('gives up on services that never answer, each within its time limit', async () => {
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const started = Date.now();
    const { code, checks } = await diagnose({ OURO_BASE_URL: url, SLACK_API_URL: `${url}/api/`, DISCORD_API_URL: `${url}/api` }, 300);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(code).toBe(1);
    expect(failed(checks)).toEqual([
      'ouro/API key exchange',
      'slack/bot token (auth.test)',
      'slack/Socket Mode (apps.connections.open)',
      'discord/bot token (GET /users/@me)',
    ]);
    for (const name of failed(checks))
      expect(checks.find((c) => `${c.part}/${c.name}` === name)!.detail).toMatch(/^no answer from http:\/\/127\.0\.0\.1:\d+\/?(api\/?)? within 0\.3 s$/);
  });
});

describe('doctor with a bad configuration', () => {
  it('exits 2 with one failed check naming the variable (real CLI)', async () => {
    const err = await run(process.execPath, ['bin/ouro-bridge.js', 'doctor'], {
      cwd: join(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH, NO_COLOR: '1', SLACK_BOT_TOKEN: 'oops' },
      timeout: 30_000,
    }).then(
      () => undefined,
      (e: { code: number; stdout: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stdout).toContain('Configuration\n  ✗ environment: SLACK_BOT_TOKEN: expected a bot token starting with xoxb-\n      fix: fix SLACK_BOT_TOKEN');
    expect(err?.stdout).toContain('0 passed, 1 failed, 0 skipped');
  });
});

describe('pendingMigrations (what the store check reads)', () => {
  it('on SQLite: lists what is not applied, applies nothing', async () => {
    const target = { engine: 'sqlite' as const, path: join(dir, 'pending.db') };
    await (await openStore(target, { migrate: false })).close();
    expect(await pendingMigrations(target)).toEqual(['0001_initial', '0002_leases', '0003_quests', '0004_account_links', '0005_follows']);
    expect(await pendingMigrations(target)).toEqual(['0001_initial', '0002_leases', '0003_quests', '0004_account_links', '0005_follows']); // reading changed nothing
    await migrateStore(target);
    expect(await pendingMigrations(target)).toEqual([]);
  });

  describe.skipIf(!TEST_DATABASE_URL)('on PostgreSQL (TEST_DATABASE_URL)', () => {
    const schema = `test_doctor_${randomBytes(6).toString('hex')}`;
    afterAll(async () => {
      await dropSchema(TEST_DATABASE_URL!, schema);
    });
    it('lists what is not applied in the schema, applies nothing', async () => {
      const target = { engine: 'postgres' as const, url: TEST_DATABASE_URL! };
      expect(await pendingMigrations(target, { schema })).toEqual(['0001_initial', '0002_leases', '0003_quests', '0004_account_links', '0005_follows']);
      expect(await pendingMigrations(target, { schema })).toEqual(['0001_initial', '0002_leases', '0003_quests', '0004_account_links', '0005_follows']);
      await migrateStore(target, { schema });
      expect(await pendingMigrations(target, { schema })).toEqual([]);
    });
  });
});
