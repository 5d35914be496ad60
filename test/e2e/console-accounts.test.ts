/**
 * Account linking through the running app and the console adapter: `createApp` with
 * BRIDGE_SECRET_KEY, the seeded sandbox delivering webhooks over HTTP. The console's person
 * links with alice's sandbox key (as the demo suggests), and the thread they write is then
 * alice's on Ouro, without the name prefix.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter, type ConsoleAdapter } from '../../src/adapters/console/index.ts';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { SEED_IDS, SEED_KEYS, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { waitUntil } from '../contract/adapter.contract.ts';

const SECRET = 'console-accounts-secret-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-console-accounts-'));
let sandbox: Sandbox;
let app: App;
let adapter: ConsoleAdapter;
const input = new PassThrough();
let transcript = '';

const type = async (line: string) => {
  const before = transcript.length;
  input.write(`${line}\n`);
  await waitUntil(
    () => transcript.length > before,
    5_000,
    () => `no answer to ${line}`,
  );
  await adapter.idle();
};

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo' });
  const output = new PassThrough();
  output.on('data', (c: Buffer) => (transcript += c.toString('utf8')));
  adapter = createConsoleAdapter({ input, output, user: { id: 'U-ada', name: 'ada' }, session: 'accounts' });
  const config = loadConfig({
    OURO_API_KEY: sandbox.apiKey,
    OURO_BASE_URL: sandbox.url,
    DATABASE_URL: `sqlite:${join(dir, 'bridge.db')}`,
    HOST: '127.0.0.1',
    PORT: '0',
    OURO_WEBHOOK_SECRET: SECRET,
    BRIDGE_SECRET_KEY: randomBytes(32).toString('base64'),
  });
  app = await createApp(config, { logger: silentLogger, adapters: [adapter], tuning: { pollMs: 20, reconcileEveryMs: 0 } });
  await app.store.upsertChannelLink({
    platform: 'console',
    workspace: 'local',
    channel: 'lab',
    orgId: SEED_IDS.orgLab,
    orgName: 'Ouro Lab',
    teamId: null,
    teamName: null,
    mirrorMode: 'threads',
    updatedBy: 'test',
  });
  const { url } = await app.start();
  sandbox.setWebhookUrl(`${url}/ouro/webhooks/${SECRET}`);
});

afterAll(async () => {
  await app?.stop();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('console: /ouro login and acting as the person', () => {
  it('links with a typed key (never written to the transcript), then the thread is alice’s on Ouro', async () => {
    await type(`/ouro login ${SEED_KEYS.alice}`);
    await waitUntil(
      () => transcript.includes('Linked to Ouro as @alice (Alice Chen)'),
      10_000,
      () => transcript,
    );
    expect(transcript).not.toContain(SEED_KEYS.alice);
    await type('/ouro whoami');
    await waitUntil(
      () => /Linked to Ouro as @alice \(Alice Chen\) since/.test(transcript),
      10_000,
      () => transcript,
    );

    const seeded = new Set(sandbox.state.conversations.map((c) => c.id));
    await type('magnets, take two');
    await type('>5 a reply as alice');
    await app.bridge.drain(10_000);
    if (!sandbox.state.conversations.some((c) => !seeded.has(c.id))) throw new Error(`no conversation; transcript:\n${transcript}`);
    const conv = sandbox.state.conversations.find((c) => !seeded.has(c.id))!;
    const msgs = sandbox.state.messages.filter((m) => m.conversation_id === conv.id).map((m) => [m.user_id, m.text]);
    expect(msgs).toEqual([
      [SEED_IDS.alice, 'magnets, take two'],
      [SEED_IDS.alice, 'a reply as alice'],
    ]);
    expect(conv.metadata.members).toEqual(expect.arrayContaining([SEED_IDS.bot, SEED_IDS.alice]));

    await type('/ouro logout');
    await waitUntil(
      () => transcript.includes('Unlinked'),
      10_000,
      () => transcript,
    );
  });
});
