import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS } from '../../src/sandbox/index.ts';
import { ouroFetch, sandboxToken, withSandbox } from '../helpers/sandbox.ts';
import { eventually, sleep } from '../helpers/eventually.ts';

/** A local webhook receiver that fails the first `failFirst` POSTs with 500. */
function receiver() {
  const received: { body: Record<string, unknown>; at: number }[] = [];
  let failFirst = 0;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      received.push({ body: JSON.parse(text) as Record<string, unknown>, at: Date.now() });
      if (failFirst > 0) {
        failFirst--;
        res.writeHead(500).end('boom');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
    });
  });
  return {
    received,
    failNext(n: number) {
      failFirst = n;
    },
    async start() {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/ouro/webhooks/secret`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('sandbox new-message webhooks', () => {
  const rx = receiver();
  const sandbox = withSandbox({ seed: 'demo', webhookRetryDelaysMs: [100, 200] });
  let url = '';

  beforeAll(async () => {
    url = await rx.start();
    sandbox().setWebhookUrl(url);
  });
  afterAll(() => rx.close());

  it('delivers postAs as a new-message envelope and retries after one failure with the same delivery_id', async () => {
    rx.failNext(1);
    const before = rx.received.length;
    const { id } = await sandbox().postAs('alice', SEED_IDS.conversation, 'Tc of **MnBi** is 633 K');
    expect(sandbox().state.messages.some((m) => m.id === id)).toBe(true);
    await eventually(() => expect(rx.received.length >= before + 2).toBe(true));
    const [first, second] = rx.received.slice(before);
    expect(second!.body).toEqual(first!.body);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(90);
    expect(first!.body).toEqual({
      delivery_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      event: 'new-message',
      timestamp: expect.any(String),
      user_id: sandbox().bot.id,
      data: {
        conversation_id: SEED_IDS.conversation,
        text: 'Tc of **MnBi** is 633 K',
        type: 'message',
        user_id: SEED_IDS.alice,
        user: { id: SEED_IDS.alice, username: 'alice', is_agent: false },
        actor: { id: SEED_IDS.alice, username: 'alice', is_agent: false },
      },
    });
    const delivery = sandbox().state.deliveries.find((d) => d.delivery_id === first!.body.delivery_id)!;
    await eventually(() => expect(delivery.status !== 'pending').toBe(true));
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, results: [500, 200] });
  });

  it('delivers a message a human writes through the API with their own key', async () => {
    const before = rx.received.length;
    const alice = await sandboxToken(sandbox(), sandbox().userApiKeys.alice);
    const res = await ouroFetch(sandbox(), alice, 'POST', `/conversations/${SEED_IDS.conversation}/messages/create`, { message: { text: 'from the web' } });
    expect(res.status).toBe(200);
    await eventually(() => expect(rx.received.length > before).toBe(true));
    expect(rx.received[before]!.body).toMatchObject({ event: 'new-message', data: { text: 'from the web', user_id: SEED_IDS.alice } });
  });

  it('sends nothing for the bot’s own messages', async () => {
    const before = rx.received.length;
    const deliveries = sandbox().state.deliveries.length;
    const bot = await sandboxToken(sandbox());
    const res = await ouroFetch(sandbox(), bot, 'POST', `/conversations/${SEED_IDS.conversation}/messages/create`, { message: { text: 'relayed' } });
    expect(res.status).toBe(200);
    // A marker message from alice afterwards: once it arrives, anything for the bot's message would have too.
    await sandbox().postAs('alice', SEED_IDS.conversation, 'marker');
    await eventually(() => expect(rx.received.length > before).toBe(true));
    await sleep(100);
    expect(rx.received.slice(before).map((r) => (r.body.data as { text: string }).text)).toEqual(['marker']);
    expect(sandbox().state.deliveries.length).toBe(deliveries + 1);
  });

  it('gives up after the bounded retries and marks the delivery failed, without blocking the writer', async () => {
    rx.failNext(10);
    await sandbox().postAs('bob', SEED_IDS.conversation, 'doomed');
    const rec = sandbox().state.deliveries.at(-1)!;
    // postAs has returned before the first attempt was even made.
    expect(rec).toMatchObject({ status: 'pending', attempts: 0 });
    await eventually(() => expect(rec.status !== 'pending').toBe(true));
    expect(rec).toMatchObject({ status: 'failed', attempts: 3, results: [500, 500, 500] });
    rx.failNext(0);
  });

  it('stops and resumes deliveries when the webhook URL is changed over HTTP', async () => {
    const put = (url: string | null) =>
      fetch(`${sandbox().url}/_sandbox/webhook-url`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url }) });
    expect((await put(null)).status).toBe(200);
    const deliveries = sandbox().state.deliveries.length;
    await sandbox().postAs('bob', SEED_IDS.conversation, 'unheard');
    expect(sandbox().state.deliveries.length).toBe(deliveries);
    expect((await put('not a url')).status).toBe(400);
    expect((await put(url)).status).toBe(200);
    const before = rx.received.length;
    await sandbox().postAs('bob', SEED_IDS.conversation, 'heard');
    await eventually(() => expect(rx.received.length > before).toBe(true));
    expect(rx.received.slice(before).map((r) => (r.body.data as { text: string }).text)).toEqual(['heard']);
  });

  it('offers post-as over HTTP for the CLI and demo', async () => {
    const before = rx.received.length;
    const res = await fetch(`${sandbox().url}/_sandbox/post-as`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', conversation_id: SEED_IDS.conversation, markdown: 'over http' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: expect.any(String) });
    await eventually(() => expect(rx.received.length > before).toBe(true));
    expect(rx.received[before]!.body).toMatchObject({ data: { text: 'over http', user: { username: 'bob' } } });
    const unknown = await fetch(`${sandbox().url}/_sandbox/post-as`, {
      method: 'POST',
      body: JSON.stringify({ username: 'nobody', conversation_id: SEED_IDS.conversation, markdown: 'x' }),
    });
    expect(unknown.status).toBe(404);
  });
});
