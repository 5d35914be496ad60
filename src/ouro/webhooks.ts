/**
 * Ouro webhook deliveries (docs/ouro-api.md §6.2–6.3) → one normalised shape.
 *
 * Mandatory: `event` (string) and `data` (object); everything else is optional because
 * older producers omit it. Deliveries are unsigned, so nothing here is trusted beyond its
 * shape: the bridge re-reads the conversation through the authenticated API.
 */
import { z } from 'zod';

export interface WebhookActor {
  id: string;
  username?: string;
  isAgent?: boolean;
}

export interface WebhookDelivery {
  /** Lowercase, `_` → `-` (`NEW_MESSAGE` → `new-message`). */
  event: string;
  /** Use it to drop duplicates; absent from older producers. */
  deliveryId?: string;
  /** When the event happened on the platform (may precede the send). */
  timestamp?: string;
  /** The recipient (the bridge's own account), from the envelope `user_id`. */
  recipientId?: string;
  /** Who caused it: `data.actor` → `data.sender` → `data.user` → `data.user_id` + `data.sender_username`. */
  actor?: WebhookActor;
  /** `data.conversation_id`; for `new-conversation` also `data.id`; then `data.asset.id` of a conversation. */
  conversationId?: string;
  /** `data.message_id`, or `data.id` of a `new-message`. Observed payloads carry none. */
  messageId?: string;
  /** `data.text` as sent: never relay it without re-reading. */
  text?: string;
  /** `data.type` (`message`, `reasoning`, …). */
  messageType?: string;
  /** Envelope and `data` notification ids, merged, without duplicates. */
  notificationIds: string[];
  data: Record<string, unknown>;
}

export type WebhookParseResult = { ok: true; delivery: WebhookDelivery } | { ok: false; error: string };

const id = z.union([z.string().min(1), z.number()]).transform(String);
const optionalString = z.string().nullish().catch(undefined);
const optionalIds = z.array(z.unknown()).nullish().catch(undefined);

const envelopeSchema = z.looseObject({
  event: z.string({ error: 'expected a string naming the event' }).trim().min(1, 'expected a non-empty event name'),
  data: z.record(z.string(), z.unknown(), { error: 'expected an object' }),
  // Optional envelope fields of an unexpected type are treated as absent, not as a bad delivery.
  delivery_id: id.nullish().catch(undefined),
  timestamp: optionalString,
  user_id: id.nullish().catch(undefined),
  notification_id: z.unknown().optional(),
  notification_ids: optionalIds,
});

const actorSchema = z
  .looseObject({
    id: id.optional(),
    user_id: id.optional(),
    username: z.string().nullish().catch(undefined),
    is_agent: z.boolean().nullish().catch(undefined),
  })
  .refine((a) => a.id !== undefined || a.user_id !== undefined);

const CONVERSATION_EVENTS = new Set(['new-message', 'new-conversation', 'interrupt']);

export function normaliseEventName(event: string): string {
  return event.trim().toLowerCase().replace(/_/g, '-');
}

export function parseWebhook(body: unknown): WebhookParseResult {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, error: 'body: expected a JSON object with "event" and "data"' };
  }
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length ? issue.path.join('.') : 'body';
    const missing = issue.code === 'invalid_type' && (body as Record<string, unknown>)[String(issue.path[0])] === undefined;
    return { ok: false, error: `${path}: ${missing ? 'required' : issue.message}` };
  }
  const env = parsed.data;
  const data = env.data;
  const event = normaliseEventName(env.event);

  const delivery: WebhookDelivery = { event, notificationIds: notificationIds(env, data), data };
  if (env.delivery_id) delivery.deliveryId = env.delivery_id;
  if (env.timestamp) delivery.timestamp = env.timestamp;
  if (env.user_id) delivery.recipientId = env.user_id;
  const actor = actorOf(data);
  if (actor) delivery.actor = actor;
  const conversationId = conversationIdOf(event, data);
  if (conversationId) delivery.conversationId = conversationId;
  const messageId = str(data.message_id) ?? (event === 'new-message' ? str(data.id) : undefined);
  if (messageId) delivery.messageId = messageId;
  if (typeof data.text === 'string') delivery.text = data.text;
  if (typeof data.type === 'string') delivery.messageType = data.type;
  return { ok: true, delivery };
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function actorOf(data: Record<string, unknown>): WebhookActor | undefined {
  for (const key of ['actor', 'sender', 'user'] as const) {
    const a = actorSchema.safeParse(data[key]);
    if (a.success) {
      const actor: WebhookActor = { id: (a.data.id ?? a.data.user_id)! };
      if (a.data.username) actor.username = a.data.username;
      if (typeof a.data.is_agent === 'boolean') actor.isAgent = a.data.is_agent;
      return actor;
    }
  }
  const userId = str(data.user_id);
  if (!userId) return undefined;
  const actor: WebhookActor = { id: userId };
  const username = str(data.sender_username);
  if (username) actor.username = username;
  return actor;
}

/**
 * `data.id` only counts for `new-conversation`, whose `data` is the conversation itself;
 * on a `new-message` an `id` would be the message's.
 */
function conversationIdOf(event: string, data: Record<string, unknown>): string | undefined {
  const direct = str(data.conversation_id);
  if (direct) return direct;
  if (!CONVERSATION_EVENTS.has(event)) return undefined;
  if (event === 'new-conversation') {
    const own = str(data.id);
    if (own) return own;
  }
  const asset = data.asset;
  if (asset && typeof asset === 'object') {
    const a = asset as Record<string, unknown>;
    const type = str(a.type) ?? str(a.asset_type);
    if (type === undefined || type === 'conversation') return str(a.id);
  }
  return undefined;
}

function notificationIds(env: Record<string, unknown>, data: Record<string, unknown>): string[] {
  const out = new Set<string>();
  for (const source of [env, data]) {
    const one = str(source.notification_id);
    if (one) out.add(one);
    const many = source.notification_ids;
    if (Array.isArray(many))
      for (const v of many) {
        const s = str(v);
        if (s) out.add(s);
      }
  }
  return [...out];
}

/** What a `comment` delivery is about (§6.3): the commented asset, and the comment answered when it is a reply. */
export interface CommentTarget {
  assetId: string;
  /** The comment the new one replies to; absent for a comment on the asset itself. */
  repliesTo?: string;
}

const refId = (v: unknown): string | undefined => (v && typeof v === 'object' ? str((v as { id?: unknown }).id) : undefined);
const refType = (v: unknown): string | undefined => (v && typeof v === 'object' ? str((v as { type?: unknown }).type) : undefined);

/** Canonical keys first (`root_asset`, `parent_asset`), then the legacy ones (`root_asset_id`, `target_id`). */
export function commentTarget(data: Record<string, unknown>): CommentTarget | undefined {
  const parentType = refType(data.parent_asset) ?? str(data.target_asset_type);
  const parentId = refId(data.parent_asset) ?? str(data.target_id);
  const assetId = refId(data.root_asset) ?? str(data.root_asset_id) ?? (parentType !== 'comment' ? parentId : undefined);
  if (!assetId) return undefined;
  return parentType === 'comment' && parentId ? { assetId, repliesTo: parentId } : { assetId };
}
