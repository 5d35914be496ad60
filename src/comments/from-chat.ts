/**
 * Chat → Ouro comments: a message in the thread of a followed asset's card answers on Ouro.
 * It becomes a reply to the comment last told in that thread when it was written (threads on
 * Ouro are one level deep, so a reply to a reply hangs under its top-level comment), or a comment on the
 * asset when the thread holds none yet. A person who linked their Ouro account writes as
 * themselves; anyone else through the bot, their name in front, and only where the channel
 * may see the asset. An edit in chat edits the comment; a delete leaves it (Ouro deletes a
 * comment with all its replies).
 *
 * Exactly once: the comment is made in the asset's turn (the notifier's, so a poll cannot
 * see it before it is recorded and post it back), recorded with the chat message; a job
 * run again after a crash finds the record, or the comment itself by author and text.
 */
import type { Logger } from '../log.ts';
import type { Comment } from '../ouro/index.ts';
import type { Accounts } from '../accounts/types.ts';
import { isKeyRejected } from '../accounts/types.ts';
import { channelScope } from '../commands/scope.ts';
import type { CatchUpPlace, Job, Platform, Store } from '../store/types.ts';
import type { ChatRef, ChatUser, MessageEdited, MessagePosted } from '../bridge/types.ts';
import { chatCopyText, ouroTextFor } from '../bridge/author.ts';
import { RetryLaterError } from '../bridge/retry.ts';
import { commentsOf, fetchFollowed, REPLY_SCAN, REPLY_WINDOW_MS, type CommentsOuro } from './fetch.ts';
import type { CommentNotifier } from './notifier.ts';
import { copyOf } from './deliver.ts';
import { commentText, digestOf } from './render.ts';
import type { CommentCopy, Follow } from './types.ts';

export interface CommentRepliesDeps {
  ouro: CommentsOuro;
  store: Store;
  notifier: Pick<CommentNotifier, 'withAsset'>;
  accounts?: Accounts;
  allowedOrgs?: readonly string[];
  logger: Logger;
  botUserId(): string | undefined;
  /** Tells one person privately why their message went nowhere. */
  tell(ref: ChatRef, userId: string, text: string): Promise<void>;
  now?: () => number;
}

/** Chat message ids in time order: by length, then as text (Discord snowflakes grow in length; Slack ts do not). */
const byChatId = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/** Another replica holds the asset's turn (a poll takes well under a second). */
const BUSY_RETRY_MS = 1_000;

type Posted = Omit<MessagePosted, 'raw'>;
type Edited = Omit<MessageEdited, 'raw'>;

export function createCommentReplies(deps: CommentRepliesDeps) {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;

  async function followOf(ref: ChatRef): Promise<Follow | undefined> {
    if (!ref.thread) return undefined;
    return store.followByCard({ platform: ref.platform, workspace: ref.workspace, channel: ref.channel }, ref.thread);
  }

  async function inTurn(follow: Follow, fn: () => Promise<void>): Promise<void> {
    if (!(await deps.notifier.withAsset(follow.assetId, fn))) {
      throw new RetryLaterError(`comments of ${follow.assetId} are being polled by another replica`, BUSY_RETRY_MS, { countsAsAttempt: false });
    }
  }

  /** The person's own client when they linked a working account; else undefined (the bot writes). */
  async function personal(ref: ChatRef, author: ChatUser | undefined) {
    if (!author || author.isBot || !deps.accounts?.enabled) return undefined;
    const a = await deps.accounts.actingClient({ platform: ref.platform, workspace: ref.workspace, chatUserId: author.id });
    return a.as === 'person' && a.link ? { ouro: a.ouro, ouroUserId: a.link.ouroUserId } : undefined;
  }

  async function write(job: Job, follow: Follow, ev: Posted): Promise<void> {
    if (await store.copyByChatMessage(follow, ev.messageId)) return; // done before a crash
    const copies = await store.getCommentCopies(follow);
    // The comment last in the thread when the person wrote: a message read back after an
    // outage answers what stood then, not what was posted since. Chat ids are in the
    // platform's own time order (Slack ts, Discord snowflakes), unlike our clock.
    const last = copies
      .filter((c) => c.chatMessageId !== null && byChatId(c.chatMessageId, ev.messageId) < 0)
      .sort((a, b) => byChatId(a.chatMessageId!, b.chatMessageId!))
      .at(-1);
    const parentId = last?.commentId ?? follow.assetId;
    const files = ev.files?.map((f) => ({ name: f.name, ...(f.url ? { url: f.url } : {}) }));
    /** The bot writes only where the channel may see the asset; anyone else is told why not. */
    const botMay = async () => {
      const asset = await fetchFollowed(deps.ouro, follow.assetType, follow.assetId);
      if (channelScope(await store.getChannelLink(follow), deps.allowedOrgs).allows(asset)) return true;
      logger.warn({ assetId: follow.assetId }, 'a reply under a comment card was not sent: the bot may not comment on this asset from this channel');
      const why = 'Your reply was not posted on Ouro: this channel may not comment on that asset as the bridge. `/ouro login` to answer as yourself.';
      await deps.tell(ev.ref, ev.author.id, why);
      return false;
    };
    let writer = await personal(ev.ref, ev.author);
    if (!writer && !(await botMay())) return;
    const text = writer ? chatCopyText(ev.text, files) : ouroTextFor(ev.author, ev.ref.platform, ev.text, { files });
    let made: Comment;
    try {
      made =
        (await adopt(job, follow, writer?.ouroUserId ?? deps.botUserId(), text, copies)) ?? (await (writer?.ouro ?? deps.ouro).comments.create(parentId, text));
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      if (writer && (status === 403 || status === 404)) {
        // Ouro decides what a linked person may do; its answer goes to them, nothing is retried.
        await deps.tell(ev.ref, ev.author.id, `Ouro refused your reply: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      if (!writer || !isKeyRejected(err)) throw err;
      // Their key stopped working: the bot writes it for them, named, as for mirrored messages.
      logger.info({ assetId: follow.assetId }, 'a linked person’s key was refused; the bot writes their comment for them');
      writer = undefined;
      if (!(await botMay())) return;
      made = await deps.ouro.comments.create(parentId, ouroTextFor(ev.author, ev.ref.platform, ev.text, { files }));
    }
    await store.putCommentCopies([record(follow, made, ev.messageId, writer ? ev.author.id : null)]);
  }

  /** After a crash between the create and its record: the comment made then, found by author and text. */
  async function adopt(job: Job, follow: Follow, userId: string | undefined, text: string, copies: readonly CommentCopy[]): Promise<Comment | undefined> {
    if (job.attempts === 0 || !userId) return undefined;
    const known = new Set(copies.map((c) => c.commentId));
    const all = await commentsOf(deps.ouro, follow.assetId, { since: now() - REPLY_WINDOW_MS, scan: REPLY_SCAN });
    return all.find((c) => !known.has(c.id) && c.user_id === userId && commentText(c) === text.trim());
  }

  const record = (follow: Follow, c: Comment, chatMessageId: string, writtenBy: string | null) =>
    copyOf(follow, c, { origin: 'chat', chatMessageId, writtenBy, at: now() });

  async function change(follow: Follow, ev: Edited): Promise<void> {
    const copy = await store.copyByChatMessage(follow, ev.messageId);
    if (copy?.origin !== 'chat') {
      logger.debug({ messageId: ev.messageId }, 'edit of a message under a comment card that made no comment; nothing to change');
      return;
    }
    let updated: Comment | undefined;
    if (copy.writtenBy) {
      const writer = await personal(ev.ref, { id: copy.writtenBy, name: ev.author?.name ?? copy.writtenBy });
      try {
        if (writer) updated = await writer.ouro.comments.update(copy.commentId, chatCopyText(ev.text));
      } catch (err) {
        if (!isKeyRejected(err)) throw err;
      }
      // Only its author may change it on Ouro, and the bridge can no longer act as them.
      if (!updated) logger.info({ commentId: copy.commentId }, 'a comment written as a person whose link is gone or broken cannot be changed; left as it is');
    } else {
      updated = await deps.ouro.comments.update(copy.commentId, ouroTextFor(ev.author, ev.ref.platform, ev.text, { edited: true }));
    }
    if (updated) await store.putCommentCopies([{ ...copy, digest: digestOf(commentText(updated)) }]);
  }

  return {
    /**
     * Card threads to read after an outage: each from the newest reply the bridge recorded
     * there before `anchorBefore` (the catch-up's margin), else from the card. Follows are
     * few (a handful per channel), so every card is read, however old.
     */
    async catchUpPlaces(platform: Platform, opts: { anchorBefore: number }): Promise<CatchUpPlace[]> {
      const follows = (await store.listFollows({ platform })).filter((f) => f.cardMessageId !== null && f.pausedAt === null);
      return Promise.all(
        follows.map(async (f) => {
          const replies = (await store.getCommentCopies(f)).filter((c) => c.origin === 'chat' && c.chatMessageId !== null && c.toldAt < opts.anchorBefore);
          const newest = replies.sort((a, b) => byChatId(a.chatMessageId!, b.chatMessageId!)).at(-1);
          return {
            platform: f.platform,
            workspace: f.workspace,
            channel: f.channel,
            thread: f.cardMessageId!,
            conversationId: null,
            newestChatMessageId: newest?.chatMessageId ?? null,
            lastActivityAt: f.createdAt,
          };
        }),
      );
    },
    /** True when the message is under a comment card (handled here, never mirrored). */
    async posted(job: Job, ev: Posted): Promise<boolean> {
      const follow = await followOf(ev.ref);
      if (!follow) return false;
      if (ev.author.isBot) return true; // other apps' messages are not comments
      await inTurn(follow, () => write(job, follow, ev));
      return true;
    },
    async edited(_job: Job, ev: Edited): Promise<boolean> {
      const follow = await followOf(ev.ref);
      if (!follow) return false;
      await inTurn(follow, () => change(follow, ev));
      return true;
    },
  };
}
