/**
 * Ouro webhook deliveries → "sync conversation" jobs. The route has already checked the
 * path secret. `new-message` is acted on, and `comment` on a followed asset polls that
 * asset's comments at once (src/comments; the schedule's poll is the fallback, so a
 * delivery lost here only waits for it); a repeated `delivery_id` is dropped; events
 * the bridge's own account caused, and conversations no chat thread mirrors, are skipped. The delivery's text is never used: the job
 * re-reads the conversation. Answers at once (Ouro does not wait for the relay).
 */
import type { Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { commentTarget, parseWebhook, type WebhookDelivery } from '../ouro/webhooks.ts';
import { conversationLane } from './chat-ref.ts';
import { JOB, type SyncPayload } from './jobs.ts';
import type { BridgeMetrics } from './ports.ts';
import { uuid7 } from '../ouro/uuid7.ts';

export interface WebhookDeps {
  store: Store;
  logger: Logger;
  metrics: BridgeMetrics;
  now: () => number;
  botUserId(): string | undefined;
  wake(): void;
  /** See BridgeOptions.onComment. */
  onComment?: (assetId: string, alsoRepliesOf: string[]) => void;
}

export type WebhookAnswer = { status: number; body: unknown };

export function createWebhookHandler(deps: WebhookDeps) {
  const { store, logger, metrics } = deps;
  return async function handleOuroWebhook(body: unknown): Promise<WebhookAnswer> {
    try {
      return await handle(body);
    } catch (err) {
      // Not recorded: a non-2xx makes Ouro deliver it again (the sandbox retries; we assume Ouro does).
      logger.error({ err }, 'Ouro webhook could not be recorded');
      return { status: 503, body: { error: 'could not record the delivery; try again' } };
    }
  };

  async function comment(d: WebhookDelivery): Promise<WebhookAnswer> {
    const target = commentTarget(d.data);
    const onComment = deps.onComment;
    // Only an asset some channel follows is read: anyone holding the URL could name others.
    if (!onComment || !target || (await store.listFollows({ assetId: target.assetId })).length === 0) {
      logger.debug({ deliveryId: d.deliveryId, assetId: target?.assetId }, 'comment webhook for an asset nobody follows ignored');
      return { status: 200, body: { status: 'ignored', reason: 'asset not followed' } };
    }
    if (d.deliveryId && !(await store.recordDelivery(d.deliveryId))) {
      metrics.duplicateDropped('webhook');
      return { status: 200, body: { status: 'duplicate' } };
    }
    onComment(target.assetId, target.repliesTo ? [target.repliesTo] : []);
    return { status: 200, body: { status: 'accepted', event: d.event } };
  }

  async function handle(body: unknown): Promise<WebhookAnswer> {
    const parsed = parseWebhook(body);
    if (!parsed.ok) {
      logger.warn({ error: parsed.error }, 'malformed Ouro webhook rejected');
      return { status: 400, body: { error: parsed.error } };
    }
    const d = parsed.delivery;
    metrics.eventReceived(d.event, 'ouro');
    if (d.event === 'comment') return comment(d);
    if (d.event !== 'new-message') {
      logger.debug({ event: d.event }, 'Ouro webhook event ignored');
      return { status: 200, body: { status: 'ignored', event: d.event } };
    }
    if (!d.conversationId) {
      logger.warn({ deliveryId: d.deliveryId }, 'new-message webhook without a conversation id ignored');
      return { status: 200, body: { status: 'ignored', reason: 'no conversation_id' } };
    }
    const bot = deps.botUserId();
    if (bot && d.actor?.id === bot) {
      logger.debug({ conversationId: d.conversationId }, "webhook for the bridge's own message skipped");
      return { status: 200, body: { status: 'skipped', reason: 'own message' } };
    }
    // Only a conversation mirrored into some chat thread has anywhere to go; anything else
    // would be a job that reads Ouro for nothing (and anyone holding the URL could queue them).
    if ((await store.threadsOfConversation(d.conversationId)).length === 0) {
      logger.debug({ conversationId: d.conversationId }, 'webhook for a conversation no thread mirrors dropped');
      return { status: 200, body: { status: 'ignored', reason: 'conversation not mirrored' } };
    }
    const payload: SyncPayload = { conversationId: d.conversationId, reason: 'webhook', receivedAt: deps.now() };
    // The job is recorded before the delivery id: if recording the id fails, the redelivery
    // finds the job (same key) instead of being lost. Without a delivery id (older
    // producers) every delivery syncs; the message map still keeps chat free of duplicates.
    const key = `sync:${d.conversationId}:${d.deliveryId ?? uuid7(deps.now())}`;
    const { created } = await store.enqueue({ lane: conversationLane(d.conversationId), kind: JOB.sync, payload, idempotencyKey: key });
    const firstTime = d.deliveryId ? await store.recordDelivery(d.deliveryId) : true;
    if (!created || !firstTime) {
      metrics.duplicateDropped('webhook');
      logger.debug({ deliveryId: d.deliveryId }, 'repeated Ouro delivery dropped');
      return { status: 200, body: { status: 'duplicate' } };
    }
    deps.wake();
    return { status: 200, body: { status: 'accepted', event: d.event } };
  }
}
