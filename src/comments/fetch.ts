/**
 * Reading what Ouro holds: a followed asset by its type, and its comments with their
 * replies as one list, oldest first. `GET /assets/{id}/comments` lists an asset's top-level
 * comments, or a comment's replies (docs/ouro-api.md §4.6); nothing says whether a reply
 * touches its parent, so replies are read under each top-level comment.
 */
import type { Comment } from '../ouro/index.ts';
import type { CommandOuro } from '../commands/spec.ts';
import type { AssetScope } from '../commands/visibility.ts';
import type { FollowableType } from './types.ts';
import type { FollowedAsset } from './render.ts';

/**
 * Top-level comments whose replies a poll reads: the newest 50 by creation (one request
 * each). The window only moves forward, so nothing leaves it and comes back; a reply under
 * an older comment arrives through the `comment` webhook's hint. Following reads them all once.
 */
export const REPLY_SCAN = 50;
/** Requests at once while reading replies: quick, without crowding Ouro's rate limit. */
const READS_AT_ONCE = 4;

export type CommentsOuro = Pick<CommandOuro, 'comments' | 'datasets' | 'posts' | 'files' | 'quests' | 'users'>;

export async function fetchFollowed(
  ouro: CommentsOuro,
  type: FollowableType,
  id: string,
): Promise<FollowedAsset & AssetScope & { id: string; asset_type: FollowableType }> {
  const asset = await ouro[`${type}s`].get(id);
  return { ...asset, asset_type: type };
}

const byAge = (a: Comment, b: Comment) => String(a.created_at ?? '').localeCompare(String(b.created_at ?? '')) || a.id.localeCompare(b.id);

/** The asset's comments and replies, oldest first; `also` names top-level comments whose replies are read too. */
export async function commentsOf(ouro: Pick<CommandOuro, 'comments'>, assetId: string, scan = REPLY_SCAN, also: readonly string[] = []): Promise<Comment[]> {
  const top = await ouro.comments.list(assetId);
  const newest = [...top].sort(byAge).reverse().slice(0, scan);
  const tops = new Set(top.map((c) => c.id));
  // A hint may name a reply (a reply to a reply): its replies live under its top-level comment.
  const hinted = await Promise.all(also.map(async (id) => (tops.has(id) ? id : (await ouro.comments.get(id).catch(() => undefined))?.parent_id)));
  const queue = [...new Set([...newest.map((c) => c.id), ...hinted.filter((id): id is string => id !== undefined && tops.has(id))])];
  const replies: Comment[] = [];
  const reader = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) replies.push(...(await ouro.comments.list(id)));
  };
  await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, queue.length) }, reader));
  const all = new Map<string, Comment>();
  for (const c of [...top, ...replies]) all.set(c.id, c);
  return [...all.values()].sort(byAge);
}
