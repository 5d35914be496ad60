/** The webhook handler over a real in-memory store: what it answers and what it records. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { noopMetrics } from '../../src/bridge/ports.ts';
import { createWebhookHandler } from '../../src/bridge/webhook.ts';
import type { Store } from '../../src/store/types.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

const BOT = 'bot-user';
let ts: TestStore;
let store: Store;
let failEnqueue = 0;
let handle: ReturnType<typeof createWebhookHandler>;

beforeEach(async () => {
  ts = await makeTestStore('sqlite');
  // The real store, except that it can be made to fail (the database being unreachable).
  store = new Proxy(ts.store, {
    get(target, prop, receiver) {
      if (prop === 'enqueue' && failEnqueue > 0) {
        failEnqueue--;
        return async () => {
          throw new Error('database is locked');
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  await ts.store.linkThread({ platform: 'slack', workspace: 'T1', channel: 'C1', thread: '1.1', conversationId: 'conv-1' });
  handle = createWebhookHandler({ store, logger: silentLogger, metrics: noopMetrics, now: Date.now, botUserId: () => BOT, wake: () => {} });
});
afterEach(async () => {
  await ts.cleanup();
});

const delivery = (over: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
  delivery_id: 'd1',
  event: 'new-message',
  user_id: BOT,
  data: { conversation_id: 'conv-1', text: 'hi', type: 'message', user: { id: 'alice', username: 'alice' }, ...data },
  ...over,
});

describe('Ouro webhook handler', () => {
  const cases: [string, unknown, number, unknown][] = [
    ['not an object', 'hello', 400, { error: 'body: expected a JSON object with "event" and "data"' }],
    ['no data', { event: 'new-message' }, 400, { error: 'data: required' }],
    ['another event', delivery({ event: 'reaction' }), 200, { status: 'ignored', event: 'reaction' }],
    [
      'a comment on an asset nobody follows',
      delivery({ event: 'comment' }, { root_asset: { id: 'asset-1', type: 'post' } }),
      200,
      { status: 'ignored', reason: 'asset not followed' },
    ],
    ['no conversation', delivery({}, { conversation_id: undefined }), 200, { status: 'ignored', reason: 'no conversation_id' }],
    ['the bot itself', delivery({}, { user: { id: BOT } }), 200, { status: 'skipped', reason: 'own message' }],
    ['a conversation no thread mirrors', delivery({}, { conversation_id: 'conv-elsewhere' }), 200, { status: 'ignored', reason: 'conversation not mirrored' }],
  ];
  it.each(cases)('%s → %i, nothing recorded', async (_name, body, status, answer) => {
    expect(await handle(body)).toEqual({ status, body: answer });
    expect(await ts.store.countJobs()).toMatchObject({ pending: 0 });
  });

  it('records one sync job per delivery, in the conversation lane, and drops a repeat', async () => {
    expect(await handle(delivery())).toEqual({ status: 200, body: { status: 'accepted', event: 'new-message' } });
    expect(await handle(delivery())).toEqual({ status: 200, body: { status: 'duplicate' } });
    const jobs = await ts.store.listJobs();
    expect(jobs.map((j) => [j.lane, j.kind, (j.payload as { conversationId: string }).conversationId])).toEqual([['conv:conv-1', 'ouro.sync', 'conv-1']]);
  });

  it('syncs on every delivery that carries no delivery id', async () => {
    await handle(delivery({ delivery_id: undefined }));
    await handle(delivery({ delivery_id: undefined }));
    expect(await ts.store.listJobs()).toHaveLength(2);
  });

  it('answers 503 when it cannot record, so the redelivery is not taken for a duplicate', async () => {
    failEnqueue = 1;
    expect(await handle(delivery())).toEqual({ status: 503, body: { error: 'could not record the delivery; try again' } });
    expect(await handle(delivery())).toEqual({ status: 200, body: { status: 'accepted', event: 'new-message' } });
    expect(await ts.store.listJobs()).toHaveLength(1);
  });
});
