import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DELIVERY_RETENTION_MS, ROOT_RETENTION_MS } from '../../src/bridge/reconcile.ts';
import { rootStateKey } from '../../src/bridge/threads.ts';
import type { ChatRef } from '../../src/bridge/types.ts';
import { ada, bob, startMirror, type Mirror } from './mirror-harness.ts';

/**
 * What the bridge keeps only for a while: thread roots of `threads` channels and processed
 * Ouro webhook deliveries. The real bridge, store and Ouro sandbox; only the clock is moved
 * (Date alone, so timers and I/O run as usual) to write records that look days old.
 */

let m: Mirror;
beforeEach(async () => {
  m = await startMirror();
});
afterEach(async () => {
  vi.useRealTimers();
  await m.close();
});

const C1: ChatRef = { platform: 'slack', workspace: 'T1', channel: 'C1' };
const DAY = 24 * 60 * 60 * 1000;

describe('housekeeping', () => {
  it('a thread root is forgotten once its thread is linked; edits and replies still land', async () => {
    await m.link(m.slack, 'C1', 'threads');
    const root = await m.slack.say(ada, 'C1', 'Which sample first?');
    await m.bridge.drain();
    const key = rootStateKey(C1, root.messageId);
    expect(await m.store.getState(key)).toContain('Which sample first?');

    await m.slack.say(bob, 'C1', 'Fe2Ni', { thread: root.messageId });
    await m.bridge.drain();
    expect(await m.store.getState(key)).toBeUndefined();

    // From here the message map answers for the root.
    const convId = await m.conversationOf(m.slack, 'C1', root.messageId);
    await m.slack.editAs(ada, 'C1', root.messageId, 'Which sample first, Fe2Ni or MnBi?');
    await m.slack.say(ada, 'C1', 'ok', { thread: root.messageId });
    await m.bridge.drain();
    expect(m.messagesOf(convId).map((x) => x.text)).toEqual([
      '**Ada Lovelace** (Slack, edited): Which sample first, Fe2Ni or MnBi?',
      '**Bob** (Slack): Fe2Ni',
      '**Ada Lovelace** (Slack): ok',
    ]);
    expect(await m.store.getState(key)).toBeUndefined();
  });

  it('reconciliation forgets roots older than 30 days and deliveries older than 7, nothing newer', async () => {
    const now = Date.now();
    const oldRoot = rootStateKey(C1, '1700000000.000001');
    const recentRoot = rootStateKey(C1, '1700000000.000002');
    vi.useFakeTimers({ toFake: ['Date'], now: now - ROOT_RETENTION_MS - DAY });
    await m.store.setState(oldRoot, '{"messageId":"1700000000.000001"}');
    await m.store.setState('bridge:identity', 'U-BOT'); // not a root: never purged
    vi.setSystemTime(now - ROOT_RETENTION_MS + DAY);
    await m.store.setState(recentRoot, '{"messageId":"1700000000.000002"}');
    vi.setSystemTime(now - DELIVERY_RETENTION_MS - DAY);
    expect(await m.store.recordDelivery('delivery-8-days')).toBe(true);
    vi.setSystemTime(now - DELIVERY_RETENTION_MS + DAY);
    expect(await m.store.recordDelivery('delivery-6-days')).toBe(true);
    vi.useRealTimers();

    await m.bridge.reconcile();

    expect(await m.store.getState(oldRoot)).toBeUndefined();
    expect(await m.store.getState(recentRoot)).toContain('000002');
    expect(await m.store.getState('bridge:identity')).toBe('U-BOT');
    // A forgotten delivery id counts as new again; a kept one is still a repeat.
    expect(await m.store.recordDelivery('delivery-8-days')).toBe(true);
    expect(await m.store.recordDelivery('delivery-6-days')).toBe(false);
  });
});
