/**
 * What a following channel sees: one card per followed asset (posted once, edited as its
 * comment count changes) and, in the card's thread, one message per comment or reply.
 */
import { createHash } from 'node:crypto';
import type { RichReply } from '../chat/reply.ts';
import type { Comment } from '../ouro/index.ts';
import { assetUrl } from '../commands/resolve.ts';
import { truncate } from '../text/cut.ts';
import { escapeMarkdown } from '../text/markdown.ts';

/**
 * A comment's text in chat is cut here, with a link to the rest: the longest text a Slack
 * section block holds (3,000) less room for the author line; Discord's 4,096-character
 * embed description is larger.
 */
export const COMMENT_CHARS = 2_800;

/** What a channel was told of a comment's text: a different digest later is an edit on Ouro. */
export const digestOf = (text: string): string => createHash('sha256').update(text).digest('base64url').slice(0, 22);

/** The text a comment carries (`content`, normalised by the client). */
export const commentText = (c: Pick<Comment, 'content'>): string => c.content.text.trim();

export interface FollowedAsset {
  id: string;
  name?: string | null;
  asset_type?: string;
  url?: string;
}

export function followCard(asset: FollowedAsset, comments: number, webBaseUrl: string): RichReply {
  const kind = asset.asset_type ?? 'asset';
  const name = asset.name?.trim() || asset.id;
  const url = assetUrl(webBaseUrl, asset);
  const count = `${comments} comment${comments === 1 ? '' : 's'}`;
  return {
    text: `Comments on ${kind} **${escapeMarkdown(name)}**: ${count} — ${url}`,
    blocks: [
      { type: 'heading', text: `Comments: ${name}` },
      {
        type: 'fields',
        fields: [
          { label: 'Asset', value: kind },
          { label: 'Comments', value: String(comments) },
        ],
      },
      { type: 'context', markdown: `[Open on Ouro](${url}) · new comments appear in this thread; a reply here answers on Ouro` },
    ],
  };
}

export interface CommentView {
  comment: Comment;
  author: string;
  /** The author of the comment this one answers, when it is a reply. */
  replyTo?: string;
  assetUrl: string;
}

export function commentNotice(v: CommentView): RichReply {
  const who = escapeMarkdown(v.author);
  const head = v.replyTo === undefined ? `💬 **${who}**` : `↪ **${who}** replied to **${escapeMarkdown(v.replyTo)}**`;
  const full = commentText(v.comment);
  const body = full.length > COMMENT_CHARS ? `${truncate(full, COMMENT_CHARS)}\n[Read it all on Ouro](${v.assetUrl})` : full;
  const markdown = `${head}\n${body}`;
  return { text: markdown, blocks: [{ type: 'text', markdown }] };
}
