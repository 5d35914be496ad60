import type { Comment } from '../ouro/index.ts';
import { assetUrl } from '../commands/resolve.ts';
import { userName } from '../commands/quest/common.ts';
import { channelScope } from '../commands/scope.ts';
import type { AssetScope } from '../commands/visibility.ts';
import type { ChatRef } from '../bridge/types.ts';
import { isMessageGone } from '../bridge/message-gone.ts';
import { channelId, type DeliverContext as QuestDeliverContext } from '../quests/deliver.ts';
import { commentNotice, commentText, digestOf, followCard, type FollowedAsset } from './render.ts';
import type { CommentCopy, Follow, FollowKey } from './types.ts';

/** As a quest's (../quests/deliver.ts), with the clock that stamps each record. */
export type DeliverContext = QuestDeliverContext & { now: () => number };

export interface DeliverResult {
  delivered: number;
  edited: number;
  /** Comments not sent because the channel may not see the asset. */
  skipped: number;
  failed: boolean;
  error?: unknown;
}

/** The record of what `follow`'s channel knows of comment `c`. */
export function copyOf(
  follow: FollowKey,
  c: Comment,
  o: { origin: CommentCopy['origin']; chatMessageId: string | null; writtenBy?: string | null; at: number },
): CommentCopy {
  return {
    platform: follow.platform,
    workspace: follow.workspace,
    channel: follow.channel,
    assetId: follow.assetId,
    commentId: c.id,
    chatMessageId: o.chatMessageId,
    origin: o.origin,
    digest: digestOf(commentText(c)),
    writtenBy: o.writtenBy ?? null,
    toldAt: o.at,
  };
}

/** What a channel has not been told: comments it never saw, and seen ones whose text changed. */
export function unseen(copies: readonly CommentCopy[], comments: readonly Comment[]): { fresh: Comment[]; changed: Comment[] } {
  const known = new Map(copies.map((c) => [c.commentId, c]));
  const fresh: Comment[] = [];
  const changed: Comment[] = [];
  for (const c of comments) {
    const copy = known.get(c.id);
    if (!copy) fresh.push(c);
    else if (copy.digest !== digestOf(commentText(c))) changed.push(c);
  }
  return { fresh, changed };
}

export async function deliverToFollow(
  ctx: DeliverContext,
  follow: Follow,
  asset: FollowedAsset & AssetScope,
  comments: readonly Comment[],
  copies: readonly CommentCopy[],
): Promise<DeliverResult> {
  const result: DeliverResult = { delivered: 0, edited: 0, skipped: 0, failed: false };
  const log = ctx.logger.child({ assetId: follow.assetId, channel: channelId(follow) });
  const { fresh, changed } = unseen(copies, comments);
  const copy = (c: Comment, origin: CommentCopy['origin'], chatMessageId: string | null) => copyOf(follow, c, { origin, chatMessageId, at: ctx.now() });

  const link = await ctx.store.getChannelLink(follow);
  if (!channelScope(link, ctx.allowedOrgs).allows(asset)) {
    // Recorded as seen, so a later change of link does not flood the channel with history.
    log.warn(
      { visibility: asset.visibility, assetOrg: asset.org_id, linkOrg: link?.orgId ?? null, comments: fresh.length },
      'comments not posted: the asset is neither public nor in the org/team this channel is linked to',
    );
    const told = new Map(copies.map((c) => [c.commentId, c]));
    await ctx.store.putCommentCopies([
      ...fresh.map((c) => copy(c, 'before', null)),
      ...changed.map((c) => ({ ...told.get(c.id)!, digest: digestOf(commentText(c)) })),
    ]);
    result.skipped = fresh.length;
    return result;
  }
  const adapter = ctx.adapters.find((a) => a.platform === follow.platform);
  if (!adapter) {
    log.warn({ platform: follow.platform, comments: fresh.length }, 'comments wait: no adapter for this platform is running');
    return result;
  }

  const channel: ChatRef = { platform: follow.platform, workspace: follow.workspace, channel: follow.channel };
  const card = followCard(asset, comments.length, ctx.webBaseUrl);
  const postCard = async () => {
    const posted = await adapter.post(channel, { text: card.text, rich: card });
    const id = posted.thread ?? posted.messageId;
    await ctx.store.setFollowCard(follow, id);
    return id;
  };
  let cardId = follow.cardMessageId;
  if (!cardId) cardId = await postCard();
  else if (fresh.length) {
    try {
      await adapter.edit(channel, cardId, { text: card.text, rich: card });
    } catch (err) {
      if (!isMessageGone(err)) log.warn({ err }, 'comment card edit failed');
      else {
        log.info({ card: cardId }, 'the comment card was deleted; posting a new one');
        cardId = await postCard();
      }
    }
  }

  const thread: ChatRef = { ...channel, thread: cardId };
  const byId = new Map(comments.map((c) => [c.id, c]));
  const notice = async (c: Comment) => {
    const answered = c.parent_id !== follow.assetId ? byId.get(c.metadata?.reply_to_comment_id ?? c.parent_id) : undefined;
    const name = (x: Comment) => x.user?.username ?? (x.user_id ? userName(ctx, x.user_id, ctx.names) : 'someone');
    return commentNotice({
      comment: c,
      author: await name(c),
      ...(answered ? { replyTo: await name(answered) } : c.parent_id !== follow.assetId ? { replyTo: 'a comment' } : {}),
      assetUrl: assetUrl(ctx.webBaseUrl, asset),
    });
  };
  for (const c of fresh) {
    try {
      const n = await notice(c);
      const posted = await adapter.post(thread, { text: n.text, rich: n });
      await ctx.store.putCommentCopies([copy(c, 'ouro', posted.messageId)]);
    } catch (err) {
      log.debug({ err, commentId: c.id }, 'comment post failed');
      result.failed = true;
      result.error = err;
      return result;
    }
    result.delivered++;
  }
  const told = new Map(copies.map((c) => [c.commentId, c]));
  for (const c of changed) {
    const was = told.get(c.id)!;
    // Only the bridge's own posts are edited; a person's message in chat stays theirs.
    if (was.origin === 'ouro' && was.chatMessageId) {
      try {
        const n = await notice(c);
        await adapter.edit(thread, was.chatMessageId, { text: n.text, rich: n });
        result.edited++;
      } catch (err) {
        if (!isMessageGone(err)) {
          log.debug({ err, commentId: c.id }, 'comment edit failed');
          result.failed = true;
          result.error = err;
          return result;
        }
      }
    }
    await ctx.store.putCommentCopies([{ ...was, digest: digestOf(commentText(c)) }]);
  }
  return result;
}
