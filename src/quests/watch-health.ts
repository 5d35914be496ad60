/**
 * Watches whose deliveries keep failing. A failed delivery is retried every tick, and the
 * channel's delivery record stands still meanwhile, so nothing is lost. But a channel the
 * bot can no longer post in fails forever: after `pauseAfter` failed ticks in a row the
 * watch is paused. That is logged once, as an error; later ticks skip it; `/ouro watches`
 * lists it as paused; `/ouro watch` of the quest in that channel resumes it, and it then
 * posts what it missed.
 */
import type { Logger } from '../../log.ts';
import { readTrouble, troubleKey, type WatchTrouble } from '../../commands/watch-baseline.ts';
import type { Store, Watch } from '../../store/types.ts';
import { channelId } from './deliver.ts';

/** At the default poll (every minute), half an hour of failures: longer than a platform outage. */
export const PAUSE_AFTER_FAILURES = 30;

const errorText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 500);

export function createWatchTrouble(store: Store, now: () => number, pauseAfter: number) {
  return {
    read: (w: Watch) => readTrouble(store, w.questId, w),

    /** Counts a failed delivery; pauses the watch at the limit. */
    async failed(w: Watch, before: WatchTrouble | undefined, err: unknown, log: Logger): Promise<void> {
      const failures = (before?.failures ?? 0) + 1;
      const trouble: WatchTrouble = { failures, since: before?.since ?? now(), lastError: errorText(err), paused: failures >= pauseAfter };
      await store.setState(troubleKey(w.questId, w), JSON.stringify(trouble));
      const where = { channel: channelId(w), failures, since: new Date(trouble.since).toISOString() };
      if (trouble.paused) {
        log.error({ ...where, err }, 'quest watch paused: its deliveries keep failing; `/ouro watch` of the quest in that channel resumes it');
      } else {
        log.warn({ ...where, err }, 'quest delivery failed; retrying next tick');
      }
    },

    /** A delivery worked: the count starts over. */
    async worked(w: Watch, before: WatchTrouble | undefined, log: Logger): Promise<void> {
      if (!before) return;
      await store.deleteState(troubleKey(w.questId, w));
      log.info({ channel: channelId(w), failures: before.failures }, 'quest deliveries work again');
    },
  };
}
