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

/**
 * Done jobs are kept this long because their idempotency keys die with them: platform
 * redeliveries come within minutes (Slack retries 3 times over ~5 min), a day is ample.
 */
export const DONE_JOB_RETENTION_MS = 24 * 60 * 60 * 1000;

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
    logger.debug({ conversations: conversations.length, enqueued, purgedKeys: keys, purgedJobs: jobs }, 'reconciliation pass');
  };
}
