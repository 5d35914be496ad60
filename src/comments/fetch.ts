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
 * Top-level comments whose replies a poll reads: those of the last 7 days, at most the 50
 * newest (one request each). Discussion happens while a comment is fresh, and a quiet asset
 * then costs one request a tick however many comments it has. The window only moves
 * forward, so nothing leaves it and comes back; a reply under an older comment arrives
 * through the `comment` webhook's hint. Following reads them all once.
 */
export const REPLY_SCAN = 50;
export const REPLY_WINDOW_MS = 7 * 24 * 3600_000;
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

/**
 * The asset's comments and replies, oldest first. Replies are read under the top-level
 * comments created since `since` (at most `scan` of them, the newest), and under those `also` names.
 */
export async function commentsOf(
  ouro: Pick<CommandOuro, 'comments'>,
  assetId: string,
  opts: { since?: number; scan?: number; also?: readonly string[] } = {},
): Promise<Comment[]> {
  const { since = Number.NEGATIVE_INFINITY, scan = Number.POSITIVE_INFINITY, also = [] } = opts;
  const top = await ouro.comments.list(assetId);
  const newest = top
    .filter((c) => Date.parse(String(c.created_at ?? '')) >= since || c.created_at === undefined)
    .sort(byAge)
    .reverse()
    .slice(0, scan);
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
