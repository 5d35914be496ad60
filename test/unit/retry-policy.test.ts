/** The one retry policy (src/retry.ts): backoff, Retry-After parsing, waiting out rate limits. */
import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter, retryWaits } from '../../src/retry.ts';

describe('backoffMs', () => {
  const policy = { baseMs: 100, maxMs: 1000 };
  const table: [number, number, number | undefined, number][] = [
    // retry, random, retryAfterMs, expected
    [1, 0, undefined, 50],
    [1, 1, undefined, 100],
    [2, 0.5, undefined, 150],
    [3, 1, undefined, 400],
    [10, 1, undefined, 1000],
    [10, 0, undefined, 500],
    [1, 0, 3000, 3000],
    [4, 1, 10, 800],
  ];
  it.each(table)('retry %d with random %d and Retry-After %s → %d ms', (retry, r, retryAfter, expected) => {
    expect(backoffMs(retry, policy, retryAfter, () => r)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['3', 3000],
    ['0', 0],
    ['1.5', 1500],
    [['2', '9'], 2000],
    ['Thu, 01 Jan 2026 00:00:10 GMT', 10_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ] as const)('%j → %s', (v, want) => expect(parseRetryAfter(v as string | string[] | undefined, now)).toBe(want));
});

describe('retryWaits', () => {
  const limited = (ms: number) => Object.assign(new Error('ratelimited'), { ms });
  const cases: [string, (number | 'ok' | 'boom')[], { maxWaits: number; maxRetryAfterMs: number }, string, number[]][] = [
    // name, what each call does (a number: a 429 with that Retry-After), bounds, outcome, waits slept
    ['succeeds at once', ['ok'], { maxWaits: 1, maxRetryAfterMs: 10_000 }, 'ok', []],
    ['waits out one Retry-After', [2000, 'ok'], { maxWaits: 1, maxRetryAfterMs: 10_000 }, 'ok', [2000]],
    ['passes on a second 429 beyond maxWaits', [2000, 3000, 'ok'], { maxWaits: 1, maxRetryAfterMs: 10_000 }, 'ratelimited', [2000]],
    ['passes on a Retry-After longer than allowed', [20_000, 'ok'], { maxWaits: 3, maxRetryAfterMs: 10_000 }, 'ratelimited', []],
    ['passes on an error without Retry-After at once', ['boom', 'ok'], { maxWaits: 3, maxRetryAfterMs: 10_000 }, 'boom', []],
    ['waits several times within maxWaits', [100, 200, 'ok'], { maxWaits: 3, maxRetryAfterMs: 10_000 }, 'ok', [100, 200]],
  ];
  it.each(cases)('%s', async (_name, script, bounds, outcome, slept) => {
    const steps = [...script];
    const waits: number[] = [];
    const result = await retryWaits(
      async () => {
        const step = steps.shift();
        if (step === 'ok') return 'ok';
        if (step === 'boom') throw new Error('boom');
        throw limited(step!);
      },
      { ...bounds, retryAfterOf: (e) => (e as { ms?: number }).ms, sleep: async (ms) => void waits.push(ms) },
    ).catch((e: Error) => e.message);
    expect(result).toBe(outcome);
    expect(waits).toEqual(slept);
  });
});
