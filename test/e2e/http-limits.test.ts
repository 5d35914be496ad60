/**
 * The one port's limits against the assembled service (createApp, Slack in HTTP mode with the
 * real bolt receiver): bodies refused before they are read, the absolute timestamp window,
 * stalled requests cut, and one warn line for a flood of bad requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { HTTP_LIMITS } from '../../src/http/server.ts';
import { createLogger } from '../../src/log.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.ts';
import { signSlack } from '../helpers/fake-slack-wire.ts';

const SECRET = 'limits-signing-secret';
let sandbox: Sandbox;
let fake: FakeSlack;
let app: App;
let port: number;
let dir: string;
let logs = '';

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'none' });
  fake = await startFakeSlack();
  dir = mkdtempSync(join(tmpdir(), 'http-limits-'));
  const config = loadConfig({
    OURO_API_KEY: sandbox.apiKey,
    OURO_BASE_URL: sandbox.url,
    SLACK_BOT_TOKEN: 'xoxb-limits',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: `sqlite:${join(dir, 'bridge.db')}`,
    HOST: '127.0.0.1',
    PORT: '0',
  });
  const destination = new PassThrough();
  destination.on('data', (c: Buffer) => (logs += c.toString('utf8')));
  app = await createApp(config, {
    logger: createLogger({ level: 'info', pretty: false, destination }),
    tuning: { pollMs: 20, reconcileEveryMs: 0 },
    drainTimeoutMs: 1_000,
    // A fifth of production's timeouts, checked as often: the same mechanism, seconds sooner.
    httpLimits: { ...HTTP_LIMITS, headersTimeoutMs: HTTP_LIMITS.headersTimeoutMs / 5, requestTimeoutMs: HTTP_LIMITS.requestTimeoutMs / 5, checkEveryMs: 200 },
  });
  const { url } = await app.start();
  port = Number(new URL(url).port);
  fake.deliverOverHttp(`${url}/slack/events`, SECRET);
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await fake?.close();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A raw connection: the test decides what is sent and when. */
function open(): { socket: Socket; response: Promise<string>; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (c) => (text += c.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  const response = new Promise<string>((resolve) => {
    socket.on('data', () => {
      if (text.includes('\r\n\r\n')) resolve(text.split('\r\n')[0]!);
    });
    socket.once('close', () => resolve(text.split('\r\n')[0] ?? ''));
  });
  return { socket, response, closed };
}

const head = (headers: Record<string, string | number>) =>
  `POST /slack/events HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms))]);

describe('/slack/events refuses what Slack never sends, before reading it', () => {
  it('an unsigned body is refused from its headers: the answer comes before any body byte is sent', async () => {
    const c = open();
    c.socket.write(head({ 'content-length': 100_000 }));
    expect(await within(c.response, 3_000, 'unsigned')).toBe('HTTP/1.1 401 Unauthorized');
    c.socket.destroy();
  });

  it('a signed-looking body declared over 1 MiB gets 413 before any body byte is sent', async () => {
    const c = open();
    c.socket.write(head({ 'content-length': 2_000_000, ...signSlack(SECRET, 'not the body') }));
    expect(await within(c.response, 3_000, 'oversized')).toBe('HTTP/1.1 413 Payload Too Large');
    c.socket.destroy();
  });

  it('a chunked body past 1 MiB is cut at the limit with 413', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const body = (async function* () {
      for (let i = 0; i < 24; i++) yield new TextEncoder().encode(chunk);
    })();
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signSlack(SECRET, 'not the body') },
      body: body as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit).catch((err: Error) => ({ status: `failed: ${err.message}` }));
    expect(res.status).toBe(413);
  });

  it('a correctly signed event dated 30 days ahead is refused (absolute 5-minute window)', async () => {
    const future = Math.floor(Date.now() / 1000) + 30 * 86_400;
    const r = await fake.event({ type: 'message', channel: 'C0FUTURE', ts: '1.000001', user: 'U0ADA', text: 'replayed' }, { timestampSec: future });
    expect(r.status).toBe(401);
    const late = await fake.event(
      { type: 'message', channel: 'C0FUTURE', ts: '1.000002', user: 'U0ADA', text: 'six minutes ahead' },
      { timestampSec: Math.floor(Date.now() / 1000) + 360 },
    );
    expect(late.status).toBe(401);
    const now = await fake.event(
      { type: 'app_mention', channel: 'C0FUTURE', ts: '1.000003', user: 'U0ADA', text: 'now' },
      { timestampSec: Math.floor(Date.now() / 1000) + 60 },
    );
    expect(now.status).toBe(200);
  });

  it('a flood of bad requests writes one warn line, not one per request', async () => {
    const before = logs.split('\n').filter((l) => l.includes('"level":40')).length;
    for (let i = 0; i < 20; i++) {
      await fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signSlack('wrong-secret', '{}') },
        body: '{}',
      });
      await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(10_000) });
    }
    const warns = logs
      .split('\n')
      .filter((l) => l.includes('"level":40'))
      .slice(before);
    expect(warns.length).toBeLessThanOrEqual(2);
  });
});

describe('large bodies read at once are bounded, small ones still get in', () => {
  it('with 16 large forged-signature bodies arriving, a 17th gets 503 at once and a real small event 200', async () => {
    const held = Array.from({ length: 16 }, () => {
      const c = open();
      c.socket.write(head({ 'content-length': 900_000, ...signSlack(SECRET, 'forged') }) + 'x'.repeat(1000));
      return c;
    });
    await new Promise((r) => setTimeout(r, 300));
    const extra = open();
    extra.socket.write(head({ 'content-length': 900_000, ...signSlack(SECRET, 'forged') }));
    expect(await within(extra.response, 3_000, '17th large')).toBe('HTTP/1.1 503 Service Unavailable');
    const real = await fake.event({ type: 'app_mention', channel: 'C0BUSY', ts: '2.000001', user: 'U0ADA', text: 'still heard' });
    expect(real.status).toBe(200);
    for (const c of [...held, extra]) c.socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
  });
});

describe('stalled requests are closed', () => {
  it('a body that stops arriving and headers that never end are both cut within seconds', async () => {
    const body = open();
    body.socket.write(head({ 'content-length': 500, ...signSlack(SECRET, 'x'.repeat(500)) }) + 'x'.repeat(100));
    const headers = open();
    headers.socket.write('POST /slack/events HTTP/1.1\r\nhost: 127.0.0.1\r\n');
    const started = Date.now();
    await within(Promise.all([body.closed, headers.closed]), 5_000, 'stalled request');
    expect(Date.now() - started).toBeLessThan(5_000);
    // The port still answers.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  }, 20_000);
});
