/**
 * A relayed chat post that a rerun does not double. Posting and recording the post in the
 * message map are two steps; a crash between them, or an answer lost after the platform
 * wrote the message (timeout, reset, 5xx), makes the job run again with no mapping. So an
 * intent is recorded before each post: a rerun that finds it asks the adapter whether the
 * post exists (`findPosted`) and maps that one instead of posting again.
 */
import type { ThreadKey } from '../store/types.ts';
import { encodeChatRef, refOfThreadKey } from './chat-ref.ts';
import type { BridgeContext } from './context.ts';
import type { ChatAdapter, OutboundMessage, PostedMessage } from './types.ts';

/**
 * How long an intent is remembered. It must outlive every rerun of the job: retries end
 * within minutes (the retry budget), a job dead after its retries waits for an operator's
 * replay, and a week covers a replay after a weekend. A replay later than that may double.
 */
export const POST_INTENT_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Clock allowance between the time a message was written and our posting of it. */
export const POST_SKEW_MS = 60_000;

/** One key per (thread, Ouro message): `post:<platform>:<workspace>:<channel>:<thread>:<ouro id>`. */
export function postIntentKey(target: ThreadKey, ouroMessageId: string): string {
  return ['post', target.platform, target.workspace, target.channel, target.thread, ouroMessageId].map(encodeURIComponent).join(':');
}

type PostOnceContext = Pick<BridgeContext, 'store' | 'logger' | 'now'>;

/**
 * Posts `message` for Ouro message `ouroMessageId` into `target`, once. `writtenAt` is when
 * the message was written (ms; NaN when unknown): no post of it can be older, which bounds
 * the search. `recovered`: an earlier run's post was found and is returned instead.
 */
export async function postOnce(
  ctx: PostOnceContext,
  adapter: ChatAdapter,
  target: ThreadKey,
  ouroMessageId: string,
  message: OutboundMessage,
  writtenAt: number,
): Promise<PostedMessage & { recovered?: true }> {
  const ref = refOfThreadKey(target);
  const marked: OutboundMessage = { ...message, marker: ouroMessageId };
  const first = await ctx.store.claimKey(postIntentKey(target, ouroMessageId), POST_INTENT_TTL_MS);
  if (!first) {
    const log = { ref: encodeChatRef(ref), ouroMessageId };
    if (!adapter.findPosted) {
      ctx.logger.warn(log, 'an earlier run may have posted this message; this platform cannot be searched, so it may appear twice');
      return adapter.post(ref, marked);
    }
    // The intent is at most POST_INTENT_TTL_MS old, and the post came after the message.
    const floor = ctx.now() - POST_INTENT_TTL_MS;
    const since = Number.isFinite(writtenAt) ? Math.max(writtenAt - POST_SKEW_MS, floor) : floor;
    for (const candidate of await adapter.findPosted(ref, { marker: ouroMessageId, message: marked }, since)) {
      // A post the map gives to another message is that message's (identical texts).
      const mapped = await ctx.store.getMessageByChat({ ...target, chatMessageId: candidate.messageId });
      if (mapped && !mapped.ouroMessageIds.includes(ouroMessageId)) continue;
      ctx.logger.info({ ...log, messageId: candidate.messageId }, 'an earlier run posted this message already; mapping that post');
      // It shows what that run posted, which may differ from `message` now.
      return { ...candidate, recovered: true };
    }
    ctx.logger.debug(log, 'an earlier run left an intent but no post; posting now');
  }
  return adapter.post(ref, marked);
}

/**
 * Maps a chat post of Ouro message `ouroMessageId` at `target`: its message and each of its
 * parts (a post split to fit the platform), so edits and deletes find all of them.
 */
export async function recordPost(
  ctx: Pick<BridgeContext, 'store'>,
  target: ThreadKey,
  posted: PostedMessage,
  conversationId: string,
  ouroMessageId: string,
): Promise<void> {
  for (const chatMessageId of [posted.messageId, ...(posted.parts ?? [])]) {
    await ctx.store.putMessage({ ...target, chatMessageId, conversationId, ouroMessageIds: [ouroMessageId], origin: 'ouro' });
  }
}
