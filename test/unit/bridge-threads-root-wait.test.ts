/**
 * A reply whose thread root is not recorded yet waits for the older jobs of the channel's
 * lane (the root is among them), 100 ms doubling over 5 runs, and only for older ones.
 * Real SQLite store; the Ouro port is never reached on these paths.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatLane } from '../../src/bridge/chat-ref.ts';
import { noopMetrics } from '../../src/bridge/ports.ts';
import { RetryLaterError } from '../../src/bridge/retry.ts';
import { createThreads, ROOT_WAIT_RUNS } from '../../src/bridge/threads.ts';
import type { BridgeContext } from '../../src/bridge/context.ts';
import type { ChatRef } from '../../src/bridge/types.ts';
import { silentLogger } from '../../src/log.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

let ts: TestStore;
let threads: ReturnType<typeof createThreads>;
const channel = { platform: 'slack' as const, workspace: 'T1', channel: 'C1' };
const reply: ChatRef = { ...channel, thread: 'ROOT-1' };

beforeEach(async () => {
  ts = await makeTestStore('sqlite');
  await ts.store.upsertChannelLink({ ...channel, orgId: null, orgName: null, teamId: null, teamName: null, mirrorMode: 'threads', updatedBy: 't' });
  const ouro = new Proxy({}, { get: () => { throw new Error('Ouro must not be called while waiting'); } });
  const ctx = { store: ts.store, ouro, adapters: new Map(), logger: silentLogger, metrics: noopMetrics, now: Date.now, botUserId: () => 'bot' };
  threads = createThreads(ctx as unknown as BridgeContext);
});
afterEach(async () => {
  await ts.cleanup();
});

const enqueue = async (lane: string, key: string) => (await ts.store.enqueue({ lane, kind: 'chat.posted', payload: {}, idempotencyKey: key })).job;

describe('a reply waiting for its thread root', () => {
  it('waits while an older job is in the channel lane, 100 ms doubling, for 5 runs', async () => {
    await enqueue(chatLane(channel), 'root-job');
    const job = await enqueue('thread-lane', 'reply-job');
    const waits: number[] = [];
    for (let attempts = 0; attempts < ROOT_WAIT_RUNS; attempts++) {
      const err = await threads.resolve(reply, { id: job.id, attempts }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RetryLaterError);
      waits.push((err as RetryLaterError).retryAfterMs);
    }
    expect(waits).toEqual([100, 200, 400, 800, 1600]);
    // Then it goes ahead without the root: creating the conversation reaches Ouro.
    await expect(threads.resolve(reply, { id: job.id, attempts: ROOT_WAIT_RUNS })).rejects.toThrow('Ouro must not be called while waiting');
  });

  it('does not wait for channel jobs enqueued after the reply', async () => {
    const job = await enqueue('thread-lane', 'reply-job');
    await enqueue(chatLane(channel), 'later-top-level');
    await expect(threads.resolve(reply, { id: job.id, attempts: 0 })).rejects.toThrow('Ouro must not be called while waiting');
  });
});
