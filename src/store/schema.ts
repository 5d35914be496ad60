import type { Generated, Kysely, Selectable } from 'kysely';
import type { ChannelLink, Job, JobState, MessageMapping, MirrorMode, Platform, ThreadLink } from './types.ts';
import type { QuestTables } from '../quests/schema.ts';
import type { CommentTables } from '../comments/schema.ts';

/**
 * The tables as Kysely sees them (snake_case columns) and the row → domain mappers.
 * Conventions shared by both engines: timestamps are integer ms since epoch (`bigint` on
 * PostgreSQL, parsed to number by the pool's int8 parser in engine.ts), JSON is text.
 */

export interface ChannelLinksTable {
  platform: Platform;
  workspace: string;
  channel: string;
  org_id: string | null;
  org_name: string | null;
  team_id: string | null;
  team_name: string | null;
  mirror_mode: MirrorMode;
  updated_by: string | null;
  updated_at: number;
}

export interface ThreadLinksTable {
  platform: Platform;
  workspace: string;
  channel: string;
  thread: string;
  conversation_id: string;
  created_at: number;
}

export interface RelayCursorsTable {
  conversation_id: string;
  /** Ouro's own created_at string of the last relayed message, kept verbatim. */
  message_created_at: string;
  message_id: string;
  updated_at: number;
}

export interface MessageMapTable {
  platform: Platform;
  workspace: string;
  channel: string;
  thread: string;
  chat_message_id: string;
  conversation_id: string;
  /** JSON array of Ouro message ids, in order. */
  ouro_message_ids: string;
  origin: 'chat' | 'ouro';
  created_at: number;
}

/** One row per (Ouro message, chat copy): the index for lookups by Ouro message id. */
export interface MessageOuroIdsTable {
  ouro_message_id: string;
  platform: Platform;
  workspace: string;
  channel: string;
  thread: string;
  chat_message_id: string;
}

export interface DedupeKeysTable {
  key: string;
  expires_at: number;
}

export interface JobsTable {
  // Generated on insert: AUTOINCREMENT on SQLite, bigserial on PostgreSQL.
  id: Generated<number>;
  lane: string;
  kind: string;
  payload: string;
  idempotency_key: string;
  state: JobState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  locked_by: string | null;
  locked_until: number | null;
}

export interface WebhookDeliveriesTable {
  delivery_id: string;
  received_at: number;
}

export interface KvStateTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface LeasesTable {
  name: string;
  holder: string;
  acquired_at: number;
  expires_at: number;
}

/** A chat person linked to their Ouro account (migration 0004). `sealed_key` is AES-GCM, never the key. */
export interface AccountLinksTable {
  platform: Platform;
  workspace: string;
  chat_user_id: string;
  sealed_key: string;
  ouro_user_id: string;
  ouro_username: string;
  ouro_name: string | null;
  chat_name: string | null;
  chat_avatar_url: string | null;
  linked_at: number;
  /** When the key stopped working (401 after a fresh exchange); null while it works. */
  broken_at: number | null;
}

/** The core tables, the quest tables (src/quests/schema.ts) and the comment tables (src/comments/schema.ts). */
export interface Database extends QuestTables, CommentTables {
  channel_links: ChannelLinksTable;
  thread_links: ThreadLinksTable;
  relay_cursors: RelayCursorsTable;
  message_map: MessageMapTable;
  message_ouro_ids: MessageOuroIdsTable;
  dedupe_keys: DedupeKeysTable;
  jobs: JobsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  kv_state: KvStateTable;
  leases: LeasesTable;
  account_links: AccountLinksTable;
}

export type Db = Kysely<Database>;

export type JobRow = Selectable<JobsTable>;

export function toChannelLink(r: ChannelLinksTable): ChannelLink {
  return {
    platform: r.platform,
    workspace: r.workspace,
    channel: r.channel,
    orgId: r.org_id,
    orgName: r.org_name,
    teamId: r.team_id,
    teamName: r.team_name,
    mirrorMode: r.mirror_mode,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}

export function toThreadLink(r: ThreadLinksTable): ThreadLink {
  return {
    platform: r.platform,
    workspace: r.workspace,
    channel: r.channel,
    thread: r.thread,
    conversationId: r.conversation_id,
    createdAt: r.created_at,
  };
}

export function toMessageMapping(r: MessageMapTable): MessageMapping {
  return {
    platform: r.platform,
    workspace: r.workspace,
    channel: r.channel,
    thread: r.thread,
    chatMessageId: r.chat_message_id,
    conversationId: r.conversation_id,
    ouroMessageIds: JSON.parse(r.ouro_message_ids) as string[],
    origin: r.origin,
    createdAt: r.created_at,
  };
}

export function toJob(r: JobRow): Job {
  return {
    id: r.id,
    lane: r.lane,
    kind: r.kind,
    payload: JSON.parse(r.payload) as unknown,
    idempotencyKey: r.idempotency_key,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lockedBy: r.locked_by,
    lockedUntil: r.locked_until,
  };
}
