/**
 * The one HTTP port of a real app (SQLite store, Ouro client against the sandbox, console
 * adapter): webhook secret checking, health, readiness and metrics, over real HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter, type ConsoleAdapter } from '../../src/adapters/console/index.ts';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';

const SECRET = 'e2e-webhook-secret-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-http-'));
let sandbox: Sandbox;
let app: App;
let url: string;
let consoleAdapter: ConsoleAdapter;
let logs = '';

const delivery = (deliveryId: string, conversationId = '019e2a0f-4c21-7b3e-9a10-5d2e8f7c1a01') => ({
  delivery_id: deliveryId,
  event: 'new-message',
  timestamp: '2026-05-05T14:06:02Z',
  user_id: sandbox.bot.id,
  data: {
    conversation_id: conversationId,
    text: 'Hello',
    type: 'message',
    user: { id: 'fab63291-9f4a-4437-a823-9a4bfcf52e27', username: 'alice', is_agent: false },
  },
});

const post = (path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'none' });
  const config = loadConfig({
    OURO_API_KEY: sandbox.apiKey,
    OURO_BASE_URL: sandbox.url,
    DATABASE_URL: `sqlite:${join(dir, 'bridge.db')}`,
    HOST: '127.0.0.1',
    PORT: '0',
    OURO_WEBHOOK_SECRET: SECRET,
    LOG_LEVEL: 'debug',
  });
  const destination = new PassThrough();
  destination.on('data', (c: Buffer) => (logs += c.toString('utf8')));
  consoleAdapter = createConsoleAdapter({ input: new PassThrough(), output: new PassThrough(), session: 'http' });
  app = await createApp(config, {
    logger: createLogger({ level: 'debug', pretty: false, destination, secrets: [SECRET, sandbox.apiKey] }),
    adapters: [consoleAdapter],
    tuning: { pollMs: 20, reconcileEveryMs: 0 },
  });
  ({ url } = await app.start());
  await app.store.linkThread({ platform: 'console', workspace: 'http', channel: 'main', thread: '1', conversationId: '019e2a0f-4c21-7b3e-9a10-5d2e8f7c1a01' });
});

afterAll(async () => {
  await app?.stop();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('HTTP routes', () => {
  it('GET /healthz says the process is up', async () => {
    const r = await fetch(`${url}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz checks the store, the Ouro token, the worker and each adapter', async () => {
    const r = await fetch(`${url}/readyz`);
    const body = (await r.json()) as { ready: boolean; checks: Record<string, { ok: boolean }> };
    expect(r.status).toBe(200);
    expect(body.ready).toBe(true);
    expect(Object.keys(body.checks).sort()).toEqual(['adapter:console', 'ouro', 'store', 'worker']);
  });

  it('a webhook with a wrong or missing secret → 404, nothing recorded, nothing enqueued', async () => {
    const before = await app.store.countJobs();
    for (const path of ['/ouro/webhooks/wrong-secret-0123456789', '/ouro/webhooks/', `/ouro/webhooks/${SECRET}x`, `/ouro/webhooks/${SECRET}/x`]) {
      const r = await post(path, delivery('d-wrong'));
      expect({ path, status: r.status }).toEqual({ path, status: 404 });
      expect(await r.json()).toEqual({ error: 'not found' });
    }
    expect(await app.store.countJobs()).toEqual(before);
    expect(await app.store.listJobs()).toEqual([]);
    // The same delivery with the right secret is new to the bridge: the wrong ones left no trace.
    const right = await post(`/ouro/webhooks/${SECRET}`, delivery('d-wrong'));
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({ status: 'accepted' });
    const jobs = await app.store.listJobs();
    expect(jobs.map((j) => [j.kind, j.lane])).toEqual([[expect.any(String), 'conv:019e2a0f-4c21-7b3e-9a10-5d2e8f7c1a01']]);
  });

  it('a repeated delivery is dropped, a body that is not JSON is refused', async () => {
    expect(await (await post(`/ouro/webhooks/${SECRET}`, delivery('d-twice'))).json()).toMatchObject({ status: 'accepted' });
    expect(await (await post(`/ouro/webhooks/${SECRET}`, delivery('d-twice'))).json()).toMatchObject({ status: 'duplicate' });
    const bad = await fetch(`${url}/ouro/webhooks/${SECRET}`, { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'body is not JSON' });
    const malformed = await post(`/ouro/webhooks/${SECRET}`, { hello: 'world' });
    expect(malformed.status).toBe(400);
  });

  it('a delivery for a conversation no thread mirrors is dropped before the queue', async () => {
    const before = (await app.store.listJobs()).length;
    const r = await post(`/ouro/webhooks/${SECRET}`, delivery('d-unmirrored', '019e2a0f-4c21-7b3e-9a10-5d2e8f7c1aff'));
    expect(await r.json()).toEqual({ status: 'ignored', reason: 'conversation not mirrored' });
    expect(await app.store.listJobs()).toHaveLength(before);
  });

  it('never writes the webhook secret to the log', () => {
    expect(logs).toContain('/ouro/webhooks/:secret');
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain(sandbox.apiKey);
  });

  it('GET /metrics exposes the bridge counters and process metrics', async () => {
    const r = await fetch(`${url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain');
    const text = await r.text();
    expect(text).toMatch(/ouro_bridge_events_received_total\{kind="new-message",platform="ouro"\} [1-9]/);
    expect(text).toMatch(/ouro_bridge_duplicates_dropped_total\{source="webhook"\} 1/);
    for (const name of [
      'ouro_bridge_messages_relayed_total',
      'ouro_bridge_queue_depth',
      'ouro_bridge_relay_latency_seconds',
      'ouro_bridge_process_resident_memory_bytes',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('answers 405 for a known path with the wrong method and 404 for an unknown one', async () => {
    expect((await fetch(`${url}/healthz`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });

  it('GET /readyz is 503 and names the part that is not ready', async () => {
    await consoleAdapter.stop();
    const r = await fetch(`${url}/readyz`);
    expect(r.status).toBe(503);
    const body = (await r.json()) as { notReady: string[]; checks: Record<string, { detail?: string }> };
    expect(body.notReady).toEqual(['adapter:console']);
    expect(body.checks['adapter:console']!.detail).toBe('input closed');
  });
});
