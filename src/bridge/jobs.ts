/**
 * The durable job kinds the core enqueues, and their payloads. Payloads are JSON in the
 * store; `raw` platform payloads are left out (the core never reads them and they would
 * bloat the queue).
 */
import type { MessageDeleted, MessageEdited, MessagePosted } from './types.ts';

export const JOB = {
  posted: 'chat.posted',
  edited: 'chat.edited',
  deleted: 'chat.deleted',
  sync: 'ouro.sync',
} as const;

export type JobKind = (typeof JOB)[keyof typeof JOB];

export interface PostedPayload {
  event: Omit<MessagePosted, 'raw'>;
  /** Chosen when the event was recorded, so every retry creates the same Ouro message. */
  ouroMessageId: string;
  /** When the inbox accepted it (ms): the start of the end-to-end latency. */
  receivedAt: number;
}

export interface EditedPayload {
  event: Omit<MessageEdited, 'raw'>;
  receivedAt: number;
}

export interface DeletedPayload {
  event: Omit<MessageDeleted, 'raw'>;
  receivedAt: number;
}

export interface SyncPayload {
  conversationId: string;
  reason: 'webhook' | 'reconcile';
  receivedAt: number;
}
