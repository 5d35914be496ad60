/**
 * The safety net for webhooks that never came: one pass enqueues a "sync conversation" job
 * for every conversation linked to a chat thread (skipping those with a sync already
 * waiting), and tidies the store's expiring records.
 */
import type { Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { uuid7 } from '../ouro/uuid7.ts';
import { conversationLane } from './chat-ref.ts';
import { JOB, type SyncPayload } from './jobs.ts';
import { ROOT_STATE_PREFIX } from './threads.ts';
import { OURO_TEXT_PREFIX, OURO_TEXT_RETENTION_MS } from './to-chat.ts';
import { AS_PERSON_PREFIX, AS_PERSON_RETENTION_MS } from './as-person.ts';
import { PENDING_PREFIX, PENDING_TTL_MS } from '../commands/route-run.ts';
import { ROUTE_MESSAGE_PREFIX, ROUTE_MESSAGE_RETENTION_MS } from './route-poll.ts';
import { THREAD_FILE_PREFIX, THREAD_FILE_RETENTION_MS } from '../commands/thread-file.ts';

/**
 * Done jobs are kept this long because their idempotency keys die with them: platform
 * redeliveries come within minutes (Slack retries 3 times over ~5 min), a day is ample.
 */
export const DONE_JOB_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Processed Ouro webhook deliveries are kept this long so a redelivered one is still
 * recognised. Ouro does not document how long it redelivers; a week is far beyond any
 * retry schedule we know of, and a webhook older than that is better applied twice (the
 * message map makes a repeated sync harmless) than the table grown forever.
 */
export const DELIVERY_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * A `threads` channel remembers every top-level message as a possible thread root until its
 * thread's first reply sends it. Slack and Discord threads can get that reply days later, so
 * roots are kept 30 days (counted from their last edit): long past the life of a normal
 * discussion, short enough that a busy channel's unanswered messages do not pile up. A reply
 * to an older root still starts a conversation, only without the root in it.
 */
export const ROOT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export interface ReconcileDeps {
  store: Store;
  logger: Logger;
  now: () => number;
  wake(): void;
}

export function createReconciler(deps: ReconcileDeps) {
  const { store, logger } = deps;
  return async function reconcile(): Promise<void> {
    const conversations = await store.linkedConversations();
    let enqueued = 0;
    for (const conversationId of conversations) {
      const lane = conversationLane(conversationId);
      const waiting = await store.listJobs({ lane, state: 'pending', limit: 1 });
      if (waiting.length) continue;
      const payload: SyncPayload = { conversationId, reason: 'reconcile', receivedAt: deps.now() };
      const { created } = await store.enqueue({
        lane,
        kind: JOB.sync,
        payload,
        idempotencyKey: `reconcile:${conversationId}:${uuid7(deps.now())}`,
      });
      if (created) enqueued++;
    }
    if (enqueued) deps.wake();
    const keys = await store.purgeExpiredKeys(deps.now());
    const jobs = await store.purgeDoneJobs(DONE_JOB_RETENTION_MS);
    const deliveries = await store.purgeDeliveries(DELIVERY_RETENTION_MS);
    const roots = await store.purgeState(ROOT_STATE_PREFIX, ROOT_RETENTION_MS);
    const digests = await store.purgeState(OURO_TEXT_PREFIX, OURO_TEXT_RETENTION_MS);
    await store.purgeState(AS_PERSON_PREFIX, AS_PERSON_RETENTION_MS);
    // Priced runs nobody confirmed (refused after PENDING_TTL_MS anyway), and followed runs long over.
    await store.purgeState(PENDING_PREFIX, PENDING_TTL_MS);
    await store.purgeState(ROUTE_MESSAGE_PREFIX, ROUTE_MESSAGE_RETENTION_MS);
    await store.purgeState(THREAD_FILE_PREFIX, THREAD_FILE_RETENTION_MS);
    logger.debug(
      {
        conversations: conversations.length,
        enqueued,
        purgedKeys: keys,
        purgedJobs: jobs,
        purgedDeliveries: deliveries,
        purgedRoots: roots,
        purgedTextDigests: digests,
      },
      'reconciliation pass',
    );
  };
}
