/**
 * Per-channel pacing. Slack allows about one chat.postMessage per second per channel (short
 * bursts tolerated) and answers 429 with `Retry-After` beyond that. Every write to a channel
 * goes through that channel's serial queue, so a burst arrives complete and in order and an
 * edit never overtakes the post it edits; posts are spaced `intervalMs` apart. A 429 holds
 * the channel for `Retry-After` seconds and then retries the same call (the shared retry
 * policy's `retryWaits`, src/retry.ts).
 */
import { retryWaits, sleep as sleepFor } from '../../retry.ts';

export interface PacerOptions {
  /** Minimum gap between two posts in one channel; default 1,000 ms (Slack's guidance). */
  intervalMs?: number;
  /** How many 429s one call may meet before its error is passed on; default 3. */
  maxRateLimitRetries?: number;
  /** Longest Retry-After honoured before giving up, in seconds; default 120. */
  maxRetryAfterSec?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onRateLimited?: (channel: string, retryAfterSec: number) => void;
}

export interface Pacer {
  /** Runs `fn` after everything queued before it for `channel`; `spaced` calls honour the interval. */
  run<T>(channel: string, fn: () => Promise<T>, opts?: { spaced?: boolean }): Promise<T>;
  /** Calls queued or running, across channels. */
  pending(): number;
}

/** The Retry-After (seconds) a rate-limited call failed with, from the Web API client's error. */
export function retryAfterOf(err: unknown): number | undefined {
  const e = err as { retryAfter?: unknown; code?: unknown } | null;
  return e && typeof e.retryAfter === 'number' && Number.isFinite(e.retryAfter) ? e.retryAfter : undefined;
}

const retryAfterMsOf = (err: unknown) => {
  const s = retryAfterOf(err);
  return s === undefined ? undefined : s * 1000;
};

const realSleep = (ms: number) => sleepFor(ms);

export function createPacer(opts: PacerOptions = {}): Pacer {
  const interval = opts.intervalMs ?? 1000;
  const maxRetries = opts.maxRateLimitRetries ?? 3;
  const maxRetryAfter = opts.maxRetryAfterSec ?? 120;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const tails = new Map<string, Promise<unknown>>();
  const lastPost = new Map<string, number>();
  let pending = 0;

  function attempt<T>(channel: string, fn: () => Promise<T>, spaced: boolean): Promise<T> {
    const call = async () => {
      if (spaced) {
        const wait = (lastPost.get(channel) ?? -Infinity) + interval - now();
        if (wait > 0) await sleep(wait);
        lastPost.set(channel, now());
      }
      return fn();
    };
    return retryWaits(call, {
      retryAfterOf: retryAfterMsOf,
      maxWaits: maxRetries,
      maxRetryAfterMs: maxRetryAfter * 1000,
      sleep,
      onWait: (ms) => opts.onRateLimited?.(channel, ms / 1000),
    });
  }

  return {
    run(channel, fn, runOpts = {}) {
      pending++;
      const prev = tails.get(channel) ?? Promise.resolve();
      const result = prev.then(() => attempt(channel, fn, runOpts.spaced ?? false));
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(channel, tail);
      void tail.then(() => {
        pending--;
        if (tails.get(channel) === tail) tails.delete(channel);
      });
      return result;
    },
    pending: () => pending,
  };
}

/**
 * For calls outside a channel queue (users.info, conversations.open, chat.unfurl): wait out a
 * short Retry-After and try again; a long one, or a second 429, is passed on.
 */
export function retryRateLimited<T>(
  fn: () => Promise<T>,
  opts: { maxRetryAfterSec?: number; retries?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  return retryWaits(fn, {
    retryAfterOf: retryAfterMsOf,
    maxWaits: opts.retries ?? 1,
    maxRetryAfterMs: (opts.maxRetryAfterSec ?? 10) * 1000,
    sleep: opts.sleep ?? realSleep,
  });
}
