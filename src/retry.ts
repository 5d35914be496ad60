/**
 * The one retry policy, used by the Ouro client (src/ouro/transport.ts), the bridge's job
 * retries (src/bridge/worker.ts) and the Slack pacer (src/adapters/slack/pacing.ts):
 * - which failures are worth another try (`RETRYABLE_STATUS`);
 * - how long to wait before it (`backoffMs`): exponential, capped, "equal jitter" (half
 *   fixed, half random) so callers that failed together do not retry in lockstep, and
 *   never shorter than the server's `Retry-After`;
 * - when a `Retry-After` is waited out in place and the call made again (`retryWaits`):
 *   only a few times, each no longer than the caller can hold its place; beyond that the
 *   error goes up, to a caller that can reschedule (the durable queue).
 * Pure apart from `sleep`. Neutral: imported by core, clients and adapters alike.
 */

/** Statuses worth another try: timeouts, rate limits, server faults (docs/ouro-api.md §2.3). */
export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

export interface Backoff {
  /** The first retry's delay ceiling. */
  baseMs: number;
  /** No delay is longer than this (a Retry-After aside). */
  maxMs: number;
}

/**
 * Delay before retry number `retry` (1 = the first retry): `baseMs · 2^(retry-1)` capped at
 * `maxMs`, half of it fixed and half random; at least `retryAfterMs` when the server asked.
 */
export function backoffMs(retry: number, policy: Backoff, retryAfterMs?: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}

/** `Retry-After` as delta-seconds or an HTTP date → milliseconds (≥ 0); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export interface RetryWaits {
  /** The Retry-After (ms) a failure carries, or undefined: then it is passed on at once. */
  retryAfterOf(err: unknown): number | undefined;
  /** How many Retry-Afters one call may wait out before its error is passed on. */
  maxWaits: number;
  /** A longer Retry-After is passed on instead of waited out. */
  maxRetryAfterMs: number;
  sleep?: (ms: number) => Promise<void>;
  onWait?: (retryAfterMs: number) => void;
}

/** Calls `fn`, waiting out a rate limit's Retry-After and calling again, within `opts`' bounds. */
export async function retryWaits<T>(fn: () => Promise<T>, opts: RetryWaits): Promise<T> {
  const wait = opts.sleep ?? sleep;
  for (let waits = 0; ; waits++) {
    try {
      return await fn();
    } catch (err) {
      const ms = opts.retryAfterOf(err);
      if (ms === undefined || waits >= opts.maxWaits || ms > opts.maxRetryAfterMs) throw err;
      opts.onWait?.(ms);
      await wait(ms);
    }
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
