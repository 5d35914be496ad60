/**
 * A reply whose thread root is not recorded yet waits for the older jobs of the channel's
 * lane (the root is among them), for up to 60 s and only for older ones, without spending
 * retry attempts. Real SQLite store; the Ouro port is never reached on these paths.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatLane } from '../../src/bridge/chat-ref.ts';
import { noopMetrics } from '../../src/bridge/ports.ts';
import { RetryLaterError } from '../../src/bridge/retry.ts';
import { createThreads, ROOT_WAIT_MAX_MS } from '../../src/bridge/threads.ts';
import type { BridgeContext } from '../../src/bridge/context.ts';
import type { ChatRef } from '../../src/bridge/types.ts';
import { silentLogger } from '../../src/log.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

let ts: TestStore;
let threads: ReturnType<typeof createThreads>;
let clock = 0;
const channel = { platform: 'slack' as const, workspace: 'T1', channel: 'C1' };
const reply: ChatRef = { ...channel, thread: 'ROOT-1' };

beforeEach(async () => {
  ts = await makeTestStore('sqlite');
  await ts.store.upsertChannelLink({ ...channel, orgId: null, orgName: null, teamId: null, teamName: null, mirrorMode: 'threads', updatedBy: 't' });
  const ouro = new Proxy(
    {},
    {
      get: () => {
        throw new Error('Ouro must not be called while waiting');
      },
    },
  );
  const ctx = { store: ts.store, ouro, adapters: new Map(), logger: silentLogger, metrics: noopMetrics, now: () => clock, botUserId: () => 'bot' };
  threads = createThreads(ctx as unknown as BridgeContext);
});
afterEach(async () => {
  await ts.cleanup();
});

const enqueue = async (lane: string, key: string) => (await ts.store.enqueue({ lane, kind: 'chat.posted', payload: {}, idempotencyKey: key })).job;

describe('a reply waiting for its thread root', () => {
  it('waits while an older job is in the channel lane, polling 100 ms growing to 2 s, for up to 60 s', async () => {
    await enqueue(chatLane(channel), 'root-job');
    const job = await enqueue('thread-lane', 'reply-job');
    const polls: [number, number][] = [];
    for (const waited of [0, 150, 1_000, 10_000, ROOT_WAIT_MAX_MS - 1]) {
      clock = job.createdAt + waited;
      const err = await threads.resolve(reply, job).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RetryLaterError);
      expect((err as RetryLaterError).countsAsAttempt).toBe(false);
      polls.push([waited, (err as RetryLaterError).retryAfterMs]);
    }
    expect(polls).toEqual([
      [0, 100],
      [150, 100],
      [1_000, 500],
      [10_000, 2_000],
      [ROOT_WAIT_MAX_MS - 1, 2_000],
    ]);
    // Then it goes ahead without the root: creating the conversation reaches Ouro.
    clock = job.createdAt + ROOT_WAIT_MAX_MS;
    await expect(threads.resolve(reply, job)).rejects.toThrow('Ouro must not be called while waiting');
  });

  it('does not wait for channel jobs enqueued after the reply', async () => {
    const job = await enqueue('thread-lane', 'reply-job');
    await enqueue(chatLane(channel), 'later-top-level');
    clock = job.createdAt;
    await expect(threads.resolve(reply, job)).rejects.toThrow('Ouro must not be called while waiting');
  });
});
