/**
 * What the mirror benchmark's two processes share: sizes, the paced schedule, timing and
 * percentile helpers, and reading a conversation back. See mirror.ts for the method.
 */
import type { OuroClient } from '../src/ouro/index.ts';

/** Flood size: the "RSS after 10k messages". */
export const N = 10_000;
export const M = 50;
/**
 * The paced phase's offered rate: fixed (not derived from a measurement) so runs compare
 * across machines and loads; 6 msg/s per thread, well inside both sides' capacity here.
 */
export const PACED_RATE = 300;
/**
 * The paced phase runs in rounds, the raw relay's and the bridge's taking turns, so that a
 * spell of load on this shared machine falls on both sides rather than on one of them.
 */
export const PACED_ROUNDS = 3;
export const PACED_SECONDS = 5;
/** Messages per round (all threads); PACED_N over all rounds. */
export const PACED_ROUND_N = PACED_RATE * PACED_SECONDS;
export const PACED_N = PACED_ROUND_N * PACED_ROUNDS;

export const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
export const ms = (v: number) => `${v.toFixed(1)} ms`;
export const p50p99 = (v: number[]) => `${ms(pct(v, 50))} / ${ms(pct(v, 99))}`;
export const sorted = (v: number[]) => v.sort((a, b) => a - b);
/** Wall clock with sub-millisecond resolution (the sandbox stamps µs from the same clock). */
export const wall = () => performance.timeOrigin + performance.now();
export const micros = (iso: string) => {
  const m = /^(.+?T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?/.exec(iso)!;
  return Date.parse(`${m[1]}Z`) + Number((m[2] ?? '0').padEnd(6, '0')) / 1000;
};

/** Every message of a conversation, oldest first (the list pages backwards with `before`). */
export async function allMessages(ouro: OuroClient, conversationId: string) {
  const out: { text: string; created_at: string }[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await ouro.messages.list(conversationId, { limit: 100, ...(before ? { before } : {}) });
    out.push(...page.messages.map((m) => ({ text: m.text ?? '', created_at: m.created_at })));
    if (!page.hasMore || !page.nextBefore) return out;
    before = page.nextBefore;
  }
}

/**
 * Offers `count` messages at `rate` per second: message i is due at start + i/rate and is
 * sent then (late timers send the overdue ones at once), never waiting for earlier ones.
 */
export async function paced(count: number, rate: number, send: (i: number, offeredAt: number) => Promise<void>): Promise<void> {
  const start = performance.now() + 20;
  const due = (i: number) => start + (i * 1000) / rate;
  const inflight: Promise<void>[] = [];
  let i = 0;
  while (i < count) {
    for (const now = performance.now(); i < count && due(i) <= now; i++) inflight.push(send(i, performance.timeOrigin + due(i)));
    if (i < count) await new Promise((r) => setTimeout(r, Math.max(0, due(i) - performance.now())));
  }
  await Promise.all(inflight);
}
