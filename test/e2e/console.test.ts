/**
 * Thread mirroring end to end through the console adapter: a real app (SQLite store,
 * worker, Ouro client, HTTP webhook route) against the seeded sandbox, which delivers its
 * webhooks to the app over HTTP. Assertions are on the sandbox's conversation and on the
 * console transcript. Also runs the real `ouro-bridge demo` once, as a newcomer would.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter, type ConsoleAdapter } from '../../src/adapters/console/index.ts';
import { parseTranscript } from '../../src/adapters/console/render.ts';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { SEED_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { waitUntil } from '../contract/adapter.contract.ts';
import { sleep } from '../helpers/eventually.ts';
import { pngFacts } from '../helpers/png.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SECRET = 'console-e2e-secret-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-console-'));
let sandbox: Sandbox;
let app: App;
let adapter: ConsoleAdapter;
const input = new PassThrough();
let transcript = '';
let seeded = new Set<string>();

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
const newConversations = () => sandbox.state.conversations.filter((c) => !seeded.has(c.id));
const messagesOf = (conversationId: string) => sandbox.state.messages.filter((m) => m.conversation_id === conversationId);

beforeAll(async () => {
  // The chart test's query may start the sandbox's embedded PostgreSQL (PGlite): seconds on a busy host.
  sandbox = await startSandbox({ seed: 'demo', queryTimeoutMs: 60_000 });
  seeded = new Set(sandbox.state.conversations.map((c) => c.id));
  const output = new PassThrough();
  output.on('data', (c: Buffer) => (transcript += c.toString('utf8')));
  adapter = createConsoleAdapter({ input, output, user: { id: 'U-ada', name: 'ada' }, session: 'e2e', filesDir: join(dir, 'files') });
  const config = loadConfig({
    OURO_API_KEY: sandbox.apiKey,
    OURO_BASE_URL: sandbox.url,
    DATABASE_URL: `sqlite:${join(dir, 'bridge.db')}`,
    HOST: '127.0.0.1',
    PORT: '0',
    OURO_WEBHOOK_SECRET: SECRET,
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

describe('console ↔ Ouro through the running bridge', () => {
  it('mirrors a thread: root and replies in one conversation, in order, authors named; edit and delete follow', async () => {
    await type('plan for the magnet run');
    await type('>1 first reply');
    await type('>1 second reply');
    await app.bridge.drain(10_000);
    const convs = newConversations();
    expect(convs).toHaveLength(1);
    const texts = () => messagesOf(convs[0]!.id).map((m) => m.text);
    expect(texts()).toHaveLength(3);
    expect(texts()[0]).toContain('plan for the magnet run');
    expect(texts()[1]).toContain('first reply');
    expect(texts()[2]).toContain('second reply');
    for (const t of texts()) expect(t).toContain('ada');

    await type('!edit 2 first reply, corrected');
    await type('!delete 3');
    await app.bridge.drain(10_000);
    expect(texts()).toHaveLength(3);
    expect(texts()[1]).toContain('first reply, corrected');
    expect(texts()[2]).not.toContain('second reply');
    expect(texts()[2]!.toLowerCase()).toContain('deleted');
  });

  it("brings an Ouro user's message into the thread with their name, and never echoes its own", async () => {
    const conv = newConversations()[0]!;
    const countBefore = messagesOf(conv.id).length;
    await sandbox.postAs('alice', conv.id, 'Measured **Br = 1.4 T** on the new sample');
    await waitUntil(
      () => parseTranscript(transcript).some((e) => e.kind === 'message' && e.text.includes('Br = 1.4 T')),
      10_000,
      () => transcript,
    );
    const relayed = parseTranscript(transcript).find((e) => e.kind === 'message' && e.text.includes('Br = 1.4 T'))!;
    expect(relayed.thread).toBe(1);
    expect(relayed.author).toContain('Alice');
    await app.bridge.drain(10_000);
    // alice's message is the only new one: the bridge did not write it back to Ouro.
    expect(messagesOf(conv.id)).toHaveLength(countBefore + 1);
    // And the bridge's own Ouro messages never came back to the console.
    const fromOuro = parseTranscript(transcript).filter((e) => e.kind === 'message' && e.author !== 'ada');
    expect(fromOuro).toHaveLength(1);
  });

  it('counts what it relayed in /metrics, by direction', async () => {
    const { body } = await app.metrics.render();
    const value = (re: RegExp) => Number(re.exec(body)?.[1] ?? 0);
    expect(value(/ouro_bridge_messages_relayed_total\{direction="to_ouro",platform="console"\} (\d+)/)).toBeGreaterThanOrEqual(3);
    expect(value(/ouro_bridge_messages_relayed_total\{direction="to_chat",platform="console"\} (\d+)/)).toBe(1);
    expect(value(/ouro_bridge_events_received_total\{kind="message.posted",platform="console"\} (\d+)/)).toBe(3);
    expect(value(/ouro_bridge_relay_latency_seconds_count\{direction="to_ouro"\} (\d+)/)).toBeGreaterThan(0);
  });

  it('answers /ouro help with the command list', async () => {
    await type('/ouro help');
    await waitUntil(
      () => /\[ouro(, only you)?\] › /.test(transcript),
      10_000,
      () => transcript,
    );
    const reply = parseTranscript(transcript).find((e) => e.kind === 'reply')!;
    expect(reply.text).toContain('query <dataset>');
  });

  it('/ouro chart writes the PNG and prints its path with the alt text', { timeout: 60_000 }, async () => {
    await type('/ouro chart penguins SELECT species, body_mass_g FROM {{table}}');
    const written = /\(image penguins written to (\S+\.png) — bar chart: x = species \(text\), y = body_mass_g of penguins, \d+ points\)/;
    await waitUntil(
      () => written.test(transcript),
      50_000,
      () => transcript,
    );
    const path = written.exec(transcript)![1]!;
    expect(path.startsWith(join(dir, 'files'))).toBe(true);
    expect(transcript).toContain('bar chart: x = `species` (text), y = `body_mass_g`');
    const facts = pngFacts(readFileSync(path));
    expect([facts.width, facts.height]).toEqual([1000, 600]);
    expect(facts.variance).toBeGreaterThan(200);
  });

  it('quest show keeps to text on the console: the progress picture (inline-only) is neither written nor listed', { timeout: 30_000 }, async () => {
    const before = transcript.length;
    await type('/ouro quest show "Measure Curie temperatures"');
    await waitUntil(
      () => transcript.slice(before).includes('1 submitted · 1 accepted · 1 rejected'),
      20_000,
      () => transcript,
    );
    expect(transcript.slice(before)).not.toMatch(/quest-progress|\(image /);
  });
});

describe('ouro-bridge demo (the real binary)', () => {
  it('shows the intro, mirrors a thread and brings alice back', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/ouro-bridge.js'), 'demo'], { cwd: ROOT, env: {} });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const until = (re: RegExp, what: string) =>
      waitUntil(
        () => re.test(out),
        30_000,
        () => `${what}\nstdout:\n${out}\nstderr:\n${err}`,
      );
    try {
      await until(/Ctrl-D or Ctrl-C quits/, 'the intro');
      child.stdin.write('hello lab\n');
      await until(/^#1 \S+ › hello lab$/m, 'the ack of #1');
      child.stdin.write('>1 first reply\n');
      await until(/^ {2}#2 in #1 \S+ › first reply$/m, 'the ack of #2');
      // The conversation exists once the reply is relayed; until then !ouro says to wait.
      for (let i = 0; i < 50 && !/alice wrote on Ouro/.test(out); i++) {
        child.stdin.write('!ouro alice 1 hello from Ouro\n');
        await sleep(200);
      }
      await until(/^ {2}#\d+ in #1 Alice Chen \(Ouro\) › hello from Ouro$/m, "alice's message in thread #1");
      child.stdin.end();
      const code = await new Promise((r) => child.once('exit', r));
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
