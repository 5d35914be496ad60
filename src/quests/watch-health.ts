/**
 * Watches whose deliveries keep failing. A failed delivery is retried every tick, and the
 * channel's delivery record stands still meanwhile, so nothing is lost. But a channel the
 * bot can no longer post in fails forever: after `pauseAfter` failed ticks in a row the
 * watch is paused. That is logged once, as an error; later ticks skip it; `/ouro watches`
 * lists it as paused; `/ouro watch` of the quest in that channel resumes it, and it then
 * posts what it missed. The count, the first failure, the last error and the pause are
 * columns of the watch's row (QuestStore.setWatchHealth). Follows of an asset's comments
 * (src/comments) keep the same record on their rows, paused and resumed the same way.
 */
import { stripTokens } from '../redact.ts';
import type { Logger } from '../log.ts';
import type { ChannelKey } from '../store/types.ts';
import type { WatchHealth } from './types.ts';
import { HEALTHY } from './types.ts';
import { channelId } from './deliver.ts';

/** At the default poll (every minute), half an hour of failures: longer than a platform outage. */
export const PAUSE_AFTER_FAILURES = 30;

/** Stored error texts are cut here: enough to recognise the fault in `/ouro watches`. */
const ERROR_CHARS = 500;

// Shown by `/ouro watches` and kept on the row: tokens in URLs (Discord webhooks) are stripped first.
const errorText = (err: unknown) => stripTokens(err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, ERROR_CHARS);

/** What is watched, in log lines: `quest` (resumed by `/ouro watch`) or `comment` (resumed by `/ouro follow`). */
const RESUME = { quest: '`/ouro watch` of the quest', comment: '`/ouro follow` of the asset' } as const;

export function createWatchHealth<W extends ChannelKey & WatchHealth>(
  set: (w: W, health: WatchHealth) => Promise<void>,
  what: keyof typeof RESUME,
  now: () => number,
  pauseAfter: number,
) {
  return {
    /** Counts a failed delivery; pauses the watch at the limit. */
    async failed(w: W, err: unknown, log: Logger): Promise<void> {
      const failures = w.failures + 1;
      const failingSince = w.failingSince ?? now();
      const pausedAt = failures >= pauseAfter ? now() : null;
      await set(w, { failures, failingSince, lastError: errorText(err), pausedAt });
      const where = { channel: channelId(w), failures, since: new Date(failingSince).toISOString() };
      if (pausedAt !== null) {
        log.error({ ...where, err }, `${what} watch paused: its deliveries keep failing; ${RESUME[what]} in that channel resumes it`);
      } else {
        log.warn({ ...where, err }, `${what} delivery failed; retrying next tick`);
      }
    },

    /**
     * Runs one delivery and records how it went: thrown, or a post that failed (`failed`),
     * counts; a delivery that worked starts the count over. Undefined when it threw.
     */
    async track<R extends { failed: boolean; error?: unknown }>(w: W, log: Logger, deliver: () => Promise<R>): Promise<R | undefined> {
      let r: R;
      try {
        r = await deliver();
      } catch (err) {
        await this.failed(w, err, log);
        return undefined;
      }
      await (r.failed ? this.failed(w, r.error, log) : this.worked(w, log));
      return r;
    },

    /** A delivery worked: the count starts over. */
    async worked(w: W, log: Logger): Promise<void> {
      if (w.failures === 0) return;
      await set(w, HEALTHY);
      log.info({ channel: channelId(w), failures: w.failures }, `${what} deliveries work again`);
    },
  };
}
