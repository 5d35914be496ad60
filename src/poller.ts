/**
 * The schedule behind the quest and comment notifiers: each node-cron tick polls every key
 * (a watched quest, a followed asset) once, `concurrency` keys at a time. Two polls of one
 * key never overlap in this process, nor, with `exclusive` (PostgreSQL replicas), across
 * replicas; other work on a key (a comment written from chat) takes the same turn through
 * `run`. A tick still running when the next is due is joined rather than doubled.
 */
import { schedule as cronSchedule } from 'node-cron';
import type { Logger } from './log.ts';

export interface PollerOptions<S> {
  /** node-cron expression. */
  cron: string;
  /** Default: node-cron. Tests pass their own to drive ticks by hand. */
  schedule?: (cron: string, fn: () => void) => { stop(): void };
  /** Keys polled at once. */
  concurrency: number;
  /**
   * Several replicas: runs `fn` only when no other process holds `key`; resolves false when
   * it skipped. Default: none (one process; the in-memory turn is enough).
   */
  exclusive?: (key: string, fn: () => Promise<void>) => Promise<boolean>;
  logger: Logger;
  /** What a tick polls, in order. */
  keys(): Promise<string[]>;
  stats(): S;
  poll(key: string, stats: S): Promise<void>;
  /** Called with a finished tick's stats (to log them). */
  ticked(stats: S, ms: number): void;
}

export interface Poller<S> {
  start(): void;
  stop(): void;
  tick(): Promise<S>;
  /** Runs `fn` in `key`'s turn; false when another replica holds the key (nothing ran). */
  run(key: string, fn: () => Promise<void>): Promise<boolean>;
}

export function createPoller<S>(o: PollerOptions<S>): Poller<S> {
  const schedule = o.schedule ?? ((cron, fn) => cronSchedule(cron, fn, { noOverlap: true }));
  const turns = new Map<string, Promise<unknown>>();
  let task: { stop(): void } | undefined;
  let running: Promise<S> | undefined;

  function run(key: string, fn: () => Promise<void>): Promise<boolean> {
    const prev = turns.get(key) ?? Promise.resolve();
    const exclusive = o.exclusive;
    const go = exclusive ? () => exclusive(key, fn) : () => fn().then(() => true);
    const next = prev.catch(() => undefined).then(go);
    turns.set(key, next);
    void next.finally(() => turns.get(key) === next && turns.delete(key)).catch(() => undefined);
    return next;
  }

  async function runTick(): Promise<S> {
    const started = performance.now();
    const stats = o.stats();
    const queue = [...new Set(await o.keys())];
    const worker = async () => {
      for (let key = queue.shift(); key; key = queue.shift()) {
        const k = key;
        const ran = await run(k, () => o.poll(k, stats));
        if (!ran) o.logger.debug({ key: k }, 'being polled by another replica; skipped');
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, o.concurrency), queue.length) }, worker));
    o.ticked(stats, performance.now() - started);
    return stats;
  }

  function tick(): Promise<S> {
    running ??= runTick().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    start() {
      if (task) return;
      task = schedule(o.cron, () => {
        void tick().catch((err: unknown) => o.logger.error({ err }, 'poll tick failed'));
      });
    },
    stop() {
      task?.stop();
      task = undefined;
    },
    tick,
    run,
  };
}
