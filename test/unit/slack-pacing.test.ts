import { describe, expect, it } from 'vitest';
import { createPacer, retryAfterOf, retryRateLimited } from '../../src/adapters/slack/pacing.ts';

/** A virtual clock: sleep advances time instantly, and records what was waited. */
function clock() {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

const rateLimited = (sec: number) => Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: sec });

describe('pacer', () => {
  it('spaces posts in one channel by the interval and keeps their order', async () => {
    const c = clock();
    const pacer = createPacer({ intervalMs: 1000, now: c.now, sleep: c.sleep });
    const started: [string, number][] = [];
    const burst = Array.from({ length: 5 }, (_v, i) =>
      pacer.run(
        'C1',
        async () => {
          started.push([`m${i}`, c.now()]);
          return i;
        },
        { spaced: true },
      ),
    );
    expect(await Promise.all(burst)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([
      ['m0', 0],
      ['m1', 1000],
      ['m2', 2000],
      ['m3', 3000],
      ['m4', 4000],
    ]);
  });

  it('does not hold one channel for another', async () => {
    const c = clock();
    const pacer = createPacer({ intervalMs: 1000, now: c.now, sleep: c.sleep });
    const at: Record<string, number> = {};
    await Promise.all(['C1', 'C2', 'C3'].map((ch) => pacer.run(ch, async () => void (at[ch] = c.now()), { spaced: true })));
    expect(at).toEqual({ C1: 0, C2: 0, C3: 0 });
  });

  it('holds the channel for Retry-After on a 429, then retries the same call', async () => {
    const c = clock();
    const limited: [string, number][] = [];
    const pacer = createPacer({ intervalMs: 0, now: c.now, sleep: c.sleep, onRateLimited: (ch, s) => limited.push([ch, s]) });
    let calls = 0;
    const order: string[] = [];
    const first = pacer.run('C1', async () => {
      calls++;
      if (calls === 1) throw rateLimited(7);
      order.push('first');
    });
    const second = pacer.run('C1', async () => void order.push('second'));
    await Promise.all([first, second]);
    expect(calls).toBe(2);
    expect(limited).toEqual([['C1', 7]]);
    expect(c.slept).toContain(7000);
    expect(order).toEqual(['first', 'second']);
  });

  it('passes the error on after the retry budget, and the queue keeps going', async () => {
    const c = clock();
    const pacer = createPacer({ intervalMs: 0, maxRateLimitRetries: 2, now: c.now, sleep: c.sleep });
    let calls = 0;
    const failing = pacer.run('C1', async () => {
      calls++;
      throw rateLimited(1);
    });
    const after = pacer.run('C1', async () => 'next');
    await expect(failing).rejects.toThrow('rate limited');
    expect(calls).toBe(3);
    expect(await after).toBe('next');
  });

  it('does not retry other errors or absurd Retry-After values', async () => {
    const pacer = createPacer({ intervalMs: 0, maxRetryAfterSec: 60 });
    await expect(pacer.run('C1', async () => Promise.reject(new Error('channel_not_found')))).rejects.toThrow('channel_not_found');
    await expect(pacer.run('C1', async () => Promise.reject(rateLimited(3600)))).rejects.toThrow('rate limited');
  });

  it('reads retryAfter from errors', () => {
    expect(retryAfterOf(rateLimited(3))).toBe(3);
    expect(retryAfterOf(new Error('x'))).toBeUndefined();
    expect(retryAfterOf(null)).toBeUndefined();
  });

  it('retries a call outside any channel once after a short Retry-After', async () => {
    const c = clock();
    let calls = 0;
    const value = await retryRateLimited(async () => (++calls === 1 ? Promise.reject(rateLimited(2)) : 'ok'), { sleep: c.sleep });
    expect([value, calls, c.slept]).toEqual(['ok', 2, [2000]]);
    await expect(retryRateLimited(async () => Promise.reject(rateLimited(60)), { sleep: c.sleep })).rejects.toThrow('rate limited');
    await expect(retryRateLimited(async () => Promise.reject(rateLimited(1)), { sleep: c.sleep })).rejects.toThrow('rate limited');
  });
});
