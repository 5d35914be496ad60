import { describe, expect, it } from 'vitest';
import { BOT_EVENTS, BOT_SCOPES, slackManifest } from '../../src/adapters/slack/manifest.ts';
import { main } from '../../src/cli/main.ts';
import { slackManifestSchema } from '../helpers/slack-manifest-schema.ts';

describe('Slack app manifest', () => {
  it('HTTP mode points events, /ouro and interactivity at <url>/slack/events', () => {
    const m = slackManifest({ socketMode: false, url: 'https://bridge.example.org/' }) as any;
    const url = 'https://bridge.example.org/slack/events';
    expect(m.features.slash_commands[0]).toMatchObject({ command: '/ouro', url });
    expect(m.features.slash_commands[0]).not.toHaveProperty('request_url');
    expect(m.settings.event_subscriptions).toEqual({ request_url: url, bot_events: [...BOT_EVENTS] });
    expect(m.settings.interactivity).toEqual({ is_enabled: true, request_url: url });
    expect(m.settings.socket_mode_enabled).toBe(false);
    expect(m.features.unfurl_domains).toEqual(['ouro.foundation']);
    expect(m.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        'chat:write',
        'chat:write.customize',
        'commands',
        'channels:history',
        'groups:history',
        'users:read',
        'files:write',
        'links:read',
        'links:write',
        'app_mentions:read',
        'channels:read',
      ]),
    );
    expect(m.oauth_config.scopes.bot).toEqual([...BOT_SCOPES]);
  });

  it('Socket Mode needs no URL', () => {
    const m = slackManifest({ socketMode: true }) as any;
    expect(m.settings.socket_mode_enabled).toBe(true);
    expect(JSON.stringify(m)).not.toContain('request_url');
  });

  it.each([
    ['HTTP mode', { socketMode: false, url: 'https://bridge.example.org' }],
    ['Socket Mode', { socketMode: true }],
    ['a 35-character name of emoji', { socketMode: true, name: '🧪'.repeat(35) }],
  ] as const)("%s: the manifest passes the rules of Slack's manifest schema", (_mode, opts) => {
    const parsed = slackManifestSchema.safeParse(slackManifest(opts));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  const bad: [string, Parameters<typeof slackManifest>[0], RegExp][] = [
    ['HTTP mode without a URL', { socketMode: false }, /--url/],
    ['a plain http URL', { socketMode: false, url: 'http://bridge' }, /https/],
    ['a URL in Socket Mode', { socketMode: true, url: 'https://x.org' }, /not used in Socket Mode/],
    ['a name over 35 characters', { socketMode: true, name: 'x'.repeat(36) }, /at most 35 characters/],
    ['a blank name', { socketMode: true, name: '  ' }, /must not be empty/],
  ];
  it.each(bad)('refuses %s', (_name, opts, message) => {
    expect(() => slackManifest(opts)).toThrow(message);
  });
});

describe('ouro-bridge manifest', () => {
  async function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const o = process.stdout.write.bind(process.stdout);
    const e = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => (err.push(s), true)) as typeof process.stderr.write;
    try {
      return { code: await main(args), out: out.join(''), err: err.join('') };
    } finally {
      process.stdout.write = o;
      process.stderr.write = e;
    }
  }

  it('prints the manifest as JSON', async () => {
    const r = await run(['manifest', 'slack', '--url', 'https://bridge.example.org']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).settings.event_subscriptions.request_url).toBe('https://bridge.example.org/slack/events');
  });

  it('prints the Socket Mode manifest', async () => {
    const r = await run(['manifest', 'slack', '--socket-mode']);
    expect(JSON.parse(r.out).settings.socket_mode_enabled).toBe(true);
  });

  const usage: [string, string[], RegExp][] = [
    ['no platform', ['manifest'], /which platform/],
    ['another platform', ['manifest', 'discord'], /only slack/],
    ['an unknown flag', ['manifest', 'slack', '--sockt-mode'], /unknown option --sockt-mode/],
    ['no URL in HTTP mode', ['manifest', 'slack'], /--url/],
    [
      "a name over Slack's limit",
      ['manifest', 'slack', '--socket-mode', '--name', 'A very long name for the Ouro bridge app'],
      /--name may be at most 35 characters/,
    ],
  ];
  it.each(usage)('exits 2 on %s with a clear line', async (_name, args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
