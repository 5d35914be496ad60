import type { Platform } from '../store/types.ts';
import type { CommentCopy, CopyOrigin, Follow, FollowableType } from './types.ts';

/**
 * The comment tables (migration 0005) as Kysely sees them, and their row → domain mappers.
 * Same conventions as src/store/schema.ts: timestamps are integer ms since epoch.
 */

export interface FollowsTable {
  platform: Platform;
  workspace: string;
  channel: string;
  asset_id: string;
  asset_type: string;
  card_message_id: string | null;
  created_by: string | null;
  created_at: number;
  failures: number;
  failing_since: number | null;
  last_error: string | null;
  paused_at: number | null;
}

export interface CommentCopiesTable {
  platform: Platform;
  workspace: string;
  channel: string;
  asset_id: string;
  comment_id: string;
  chat_message_id: string | null;
  origin: string;
  digest: string;
  written_by: string | null;
  told_at: number;
}

export interface CommentTables {
  follows: FollowsTable;
  comment_copies: CommentCopiesTable;
}

export function toFollow(r: FollowsTable): Follow {
  return {
    platform: r.platform,
    workspace: r.workspace,
    channel: r.channel,
    assetId: r.asset_id,
    assetType: r.asset_type as FollowableType,
    cardMessageId: r.card_message_id,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    failures: r.failures,
    failingSince: r.failing_since === null ? null : Number(r.failing_since),
    lastError: r.last_error,
    pausedAt: r.paused_at === null ? null : Number(r.paused_at),
  };
}

export function toCopy(r: CommentCopiesTable): CommentCopy {
  return {
    platform: r.platform,
    workspace: r.workspace,
    channel: r.channel,
    assetId: r.asset_id,
    commentId: r.comment_id,
    chatMessageId: r.chat_message_id,
    origin: r.origin as CopyOrigin,
    digest: r.digest,
    writtenBy: r.written_by,
    toldAt: Number(r.told_at),
  };
}
