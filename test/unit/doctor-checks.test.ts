/** The doctor's pure verdicts: scopes, intent flags, registered commands, the webhook
 * secret, a bad configuration, which values count as secrets, and the time limit. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { BOT_SCOPES } from '../../src/adapters/slack/manifest.ts';
import { CheckTimeout, withTimeout } from '../../src/doctor/check.ts';
import { commandsCheck, intentCheck } from '../../src/doctor/discord.ts';
import { configFailure, secretsOf } from '../../src/doctor/index.ts';
import { scopeCheck } from '../../src/doctor/slack.ts';
import { checkWebhook } from '../../src/doctor/webhook.ts';

describe('slack scopes against the manifest', () => {
  it.each([
    { what: 'exactly the manifest', granted: [...BOT_SCOPES], ok: true, detail: `all ${BOT_SCOPES.length} scopes` },
    { what: 'more than the manifest', granted: [...BOT_SCOPES, 'admin'], ok: true, detail: 'all' },
    {
      what: 'two missing, named',
      granted: BOT_SCOPES.filter((s) => s !== 'files:write' && s !== 'links:write'),
      ok: false,
      detail: 'missing 2 of 14: files:write, links:write',
    },
    { what: 'none granted', granted: [], ok: false, detail: `missing ${BOT_SCOPES.length} of ${BOT_SCOPES.length}` },
    { what: 'no header at all', granted: undefined, ok: false, detail: 'x-oauth-scopes' },
  ])('$what', ({ granted, ok, detail }) => {
    const r = scopeCheck('granted scopes', granted);
    expect(r.ok).toBe(ok);
    expect(r.detail).toContain(detail);
    if (!ok) expect(r.fix).toBeTruthy();
    if (!ok && granted !== undefined) expect(r.fix).toContain('reinstall the app');
  });
});

describe('discord Message Content intent flags', () => {
  it.each([
    { flags: 0, ok: false },
    { flags: 1 << 18, ok: true },
    { flags: 1 << 19, ok: true },
    { flags: (1 << 18) | (1 << 19) | (1 << 23), ok: true },
    { flags: (1 << 12) | (1 << 13) | (1 << 15), ok: false }, // the presence and members intents only
  ])('flags $flags → $ok', ({ flags, ok }) => {
    const r = intentCheck('Message Content intent', flags);
    expect(r.ok).toBe(ok);
    if (!ok) expect(r.fix).toContain('enable Message Content Intent in the Developer Portal');
  });
});

describe('discord commands registered', () => {
  it.each([
    { names: ['ouro', 'ouro-admin'], ok: true, detail: '/ouro and /ouro-admin registered globally' },
    { names: ['ouro-admin', 'other', 'ouro'], ok: true, detail: '/ouro and /ouro-admin registered globally' },
    { names: ['ouro'], ok: false, detail: 'not registered globally: /ouro-admin' },
    { names: [], ok: false, detail: 'not registered globally: /ouro, /ouro-admin' },
  ])('$names', ({ names, ok, detail }) => {
    const r = commandsCheck('commands registered', names);
    expect(r.ok).toBe(ok);
    expect(r.detail).toBe(detail);
    if (!ok) expect(r.fix).toContain('run ouro-bridge register-commands');
  });
});

describe('webhook secret', () => {
  it.each([
    { env: {}, ok: false },
    { env: { OURO_WEBHOOK_SECRET: 'abcdefghijklmnop1234' }, ok: true },
  ])('$env', ({ env, ok }) => {
    const [r] = checkWebhook(loadConfig(env));
    expect(r!.ok).toBe(ok);
    expect(`${r!.detail} ${r!.fix ?? ''}`).not.toContain('abcdefghijklmnop1234');
    if (!ok) expect(r!.fix).toContain('set OURO_WEBHOOK_SECRET and register https://<host>/ouro/webhooks/<secret>');
  });
});

describe('a configuration that does not load', () => {
  it('is one failed check naming the variable', () => {
    let err: unknown;
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'not-a-bot-token' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const results = configFailure(err as ConfigError);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ part: 'config', ok: false });
    expect(results[0]!.detail).toMatch(/^SLACK_BOT_TOKEN: /);
    expect(results[0]!.fix).toContain('SLACK_BOT_TOKEN');
  });
});

describe('secrets of a configuration', () => {
  it('lists every token, secret and the PostgreSQL password, and nothing else', () => {
    const config = loadConfig({
      OURO_API_KEY: 'pat-123456',
      SLACK_BOT_TOKEN: 'xoxb-1-2',
      SLACK_APP_TOKEN: 'xapp-1-2',
      SLACK_SIGNING_SECRET: 'signing-secret',
      DISCORD_TOKEN: 'discord.token',
      OURO_WEBHOOK_SECRET: 'abcdefghijklmnop1234',
      DATABASE_URL: 'postgres://bridge:p%40ss-word@db.example:5432/bridge',
    });
    expect(secretsOf(config).sort()).toEqual(['abcdefghijklmnop1234', 'discord.token', 'p@ss-word', 'pat-123456', 'signing-secret', 'xapp-1-2', 'xoxb-1-2']);
    expect(secretsOf(loadConfig({}))).toEqual([]);
  });
});

describe('withTimeout', () => {
  it('returns what the check returns', async () => {
    await expect(withTimeout(1_000, async () => 7)).resolves.toBe(7);
  });
  it('gives up on a check that never answers, and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const started = Date.now();
    await expect(
      withTimeout(50, (s) => {
        signal = s;
        return new Promise(() => undefined);
      }),
    ).rejects.toBeInstanceOf(CheckTimeout);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(signal!.aborted).toBe(true);
  });
  it("passes a check's own error through", async () => {
    await expect(withTimeout(1_000, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
