/**
 * Catch-up: messages written in mirrored places while no bridge listened (a restart, a
 * crash, a Discord gateway takeover, a Slack outage longer than its retries). For one
 * platform it reads every mirrored place with recent activity from the chat side, after
 * the newest chat message the message map knows there, and hands what it finds to the inbox
 * exactly as live events: same kinds, same idempotency keys, so a message seen live and in
 * catch-up is recorded once, and the worker's loop guard and mirror rules apply unchanged.
 *
 * Places: every thread link of the platform that still carries messages (threads.isMirrored),
 * every `channel`-mode channel's top level, and the thread of every comment card (`extraPlaces`,
 * src/comments/from-chat.ts: replies there become Ouro comments). Not covered: threads started in a `threads`
 * channel while nobody listened (no link exists yet to say where to look), and edits and
 * deletes made meanwhile.
 *
 * Order: each place's messages are received oldest first, so its lane keeps them in order.
 * A live message arriving during the run may be recorded before an older missed one of the
 * same place; it then lands in Ouro before it.
 */
import type { Logger } from '../log.ts';
import type { CatchUpPlace, Platform, Store, ThreadLink } from '../store/types.ts';
import { encodeChatRef, refOfThreadKey } from './chat-ref.ts';
import type { BridgeInbox, ChatAdapter } from './types.ts';

/**
 * Places with no activity for 7 days are not read. An outage is minutes to hours (a deploy,
 * a crash loop over a weekend); a week covers every outage an operator would not notice, and
 * it is the retention of the bridge's post intents, so places the bridge still acts on are
 * covered. Reading every thread ever linked would cost one history call each, at Slack's
 * ~50 reads a minute (Tier 3), on every restart.
 */
export const CATCH_UP_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * At most 200 messages per place and run: one Slack page (200, Slack's recommended maximum)
 * or two Discord pages (100 each). More than that in one thread during one outage is a flood
 * the Ouro conversation should not receive unannounced; the run logs a warning instead.
 */
export const CATCH_UP_PER_PLACE = 200;
/**
 * The anchor is the newest chat message recorded at least this long before the run: a live
 * message recorded on the new session before the run reads (Discord waits up to 15 s for
 * guilds after READY) must not move the anchor past what was missed. Re-reading the last
 * minute is cheap: repeats are dropped by their idempotency keys and the message map.
 */
export const ANCHOR_MARGIN_MS = 60_000;
/** Places read at once: history calls are rate-limited per method, not per place. */
const PARALLEL_PLACES = 4;
/** How long a stopping bridge waits for a running catch-up; the next start reads again. */
const STOP_WAIT_MS = 5_000;

export interface CatchUpReport {
  platform: Platform;
  /** Places read. */
  places: number;
  /** Places not read: no anchor (a channel with no message yet) or no longer mirrored. */
  skipped: number;
  /** Places whose read failed (logged each). */
  failed: number;
  /** Messages found after the anchors. */
  found: number;
  /** Of those, newly recorded (the rest had been received live). */
  recorded: number;
  ms: number;
}

export interface CatchUpDeps {
  store: Store;
  adapters: ReadonlyMap<Platform, ChatAdapter>;
  inbox: BridgeInbox;
  logger: Logger;
  now: () => number;
  /** Whether a thread link still carries messages (its channel kept the mode that made it). */
  isMirrored(link: ThreadLink): Promise<boolean>;
  /** More places to read that are not mirrored: comment cards' threads. */
  extraPlaces?: (platform: Platform, opts: { anchorBefore: number }) => Promise<CatchUpPlace[]>;
}

/** Where reading starts: the newest known chat message, else the thread's root (a thread link with nothing mapped yet). */
export function anchorOf(place: CatchUpPlace): string | undefined {
  return place.newestChatMessageId ?? (place.thread || undefined);
}

export function createCatchUp(d: CatchUpDeps) {
  const logger = d.logger.child({ part: 'catch-up' });
  const running = new Map<Platform, Promise<CatchUpReport | undefined>>();
  const queued = new Map<Platform, Promise<CatchUpReport | undefined>>();
  let closed = false;

  async function readPlace(adapter: ChatAdapter, place: CatchUpPlace, anchor: string, report: CatchUpReport): Promise<void> {
    const ref = refOfThreadKey(place);
    try {
      const events = await adapter.messagesSince!(ref, anchor, CATCH_UP_PER_PLACE);
      report.places++;
      report.found += events.length;
      if (events.length >= CATCH_UP_PER_PLACE) {
        logger.warn(
          { ref: encodeChatRef(ref), limit: CATCH_UP_PER_PLACE },
          'catch-up: the per-place limit was reached; later missed messages there are not mirrored',
        );
      }
      for (const event of events) {
        if (closed) return;
        if ((await d.inbox.receive(event)).accepted) report.recorded++;
      }
    } catch (err) {
      report.failed++;
      logger.warn({ err, ref: encodeChatRef(ref) }, 'catch-up: could not read a place; skipped');
    }
  }

  async function once(platform: Platform): Promise<CatchUpReport | undefined> {
    const adapter = d.adapters.get(platform);
    if (!adapter?.messagesSince) {
      logger.debug({ platform }, 'catch-up: the adapter cannot read history; skipped');
      return undefined;
    }
    const started = d.now();
    const report: CatchUpReport = { platform, places: 0, skipped: 0, failed: 0, found: 0, recorded: 0, ms: 0 };
    try {
      const anchorBefore = started - ANCHOR_MARGIN_MS;
      const places = [
        ...(await d.store.catchUpPlaces(platform, { activeSince: started - CATCH_UP_WINDOW_MS, anchorBefore })),
        ...((await d.extraPlaces?.(platform, { anchorBefore })) ?? []),
      ];
      const todo: { place: CatchUpPlace; anchor: string }[] = [];
      for (const place of places) {
        const anchor = anchorOf(place);
        const link = place.conversationId === null ? undefined : { ...place, conversationId: place.conversationId, createdAt: 0 };
        if (!anchor || (link && !(await d.isMirrored(link)))) report.skipped++;
        else todo.push({ place, anchor });
      }
      let next = 0;
      const lane = async () => {
        while (next < todo.length && !closed) {
          const { place, anchor } = todo[next++]!;
          await readPlace(adapter, place, anchor, report);
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_PLACES, todo.length) }, lane));
    } catch (err) {
      logger.error({ err, platform }, 'catch-up failed; missed messages stay missed until the next run');
      return undefined;
    }
    report.ms = d.now() - started;
    logger.info(
      { platform, places: report.places, skipped: report.skipped, failed: report.failed, found: report.found, new: report.recorded, ms: report.ms },
      'catch-up: done',
    );
    return report;
  }

  return {
    /**
     * One catch-up of `platform`; undefined when its adapter cannot read history or the run
     * failed (logged). A trigger during a run queues one more run after it (it may concern
     * places the running one has passed); further triggers join that one.
     */
    run(platform: Platform): Promise<CatchUpReport | undefined> {
      if (closed) return Promise.resolve(undefined);
      const current = running.get(platform);
      if (current) {
        let waiting = queued.get(platform);
        if (!waiting) {
          waiting = current.then(() => {
            queued.delete(platform);
            return this.run(platform);
          });
          queued.set(platform, waiting);
        }
        return waiting;
      }
      const run = once(platform).finally(() => running.delete(platform));
      running.set(platform, run);
      return run;
    },
    /** Stops between messages; waits a little for running reads. */
    async stop(): Promise<void> {
      closed = true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((r) => {
        timer = setTimeout(r, STOP_WAIT_MS);
      });
      await Promise.race([Promise.allSettled([...running.values()]), timeout]);
      clearTimeout(timer);
    },
  };
}

export type CatchUp = ReturnType<typeof createCatchUp>;
