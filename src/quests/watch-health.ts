/**
 * Watches whose deliveries keep failing. A failed delivery is retried every tick, and the
 * channel's delivery record stands still meanwhile, so nothing is lost. But a channel the
 * bot can no longer post in fails forever: after `pauseAfter` failed ticks in a row the
 * watch is paused. That is logged once, as an error; later ticks skip it; `/ouro watches`
 * lists it as paused; `/ouro watch` of the quest in that channel resumes it, and it then
 * posts what it missed. The count, the first failure, the last error and the pause are
 * columns of the watch's row (QuestStore.setWatchHealth).
 */
import { stripTokens } from '../redact.ts';
import type { Logger } from '../log.ts';
import type { QuestStore, Watch } from './types.ts';
import { HEALTHY } from './types.ts';
import { channelId } from './deliver.ts';

/** At the default poll (every minute), half an hour of failures: longer than a platform outage. */
export const PAUSE_AFTER_FAILURES = 30;

/** Stored error texts are cut here: enough to recognise the fault in `/ouro watches`. */
const ERROR_CHARS = 500;

// Shown by `/ouro watches` and kept on the row: tokens in URLs (Discord webhooks) are stripped first.
const errorText = (err: unknown) => stripTokens(err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, ERROR_CHARS);

export function createWatchHealth(store: Pick<QuestStore, 'setWatchHealth'>, now: () => number, pauseAfter: number) {
  return {
    /** Counts a failed delivery; pauses the watch at the limit. */
    async failed(w: Watch, err: unknown, log: Logger): Promise<void> {
      const failures = w.failures + 1;
      const failingSince = w.failingSince ?? now();
      const pausedAt = failures >= pauseAfter ? now() : null;
      await store.setWatchHealth(w, { failures, failingSince, lastError: errorText(err), pausedAt });
      const where = { channel: channelId(w), failures, since: new Date(failingSince).toISOString() };
      if (pausedAt !== null) {
        log.error({ ...where, err }, 'quest watch paused: its deliveries keep failing; `/ouro watch` of the quest in that channel resumes it');
      } else {
        log.warn({ ...where, err }, 'quest delivery failed; retrying next tick');
      }
    },

    /** A delivery worked: the count starts over. */
    async worked(w: Watch, log: Logger): Promise<void> {
      if (w.failures === 0) return;
      await store.setWatchHealth(w, HEALTHY);
      log.info({ channel: channelId(w), failures: w.failures }, 'quest deliveries work again');
    },
  };
}
