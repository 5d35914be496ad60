/**
 * Chat → Ouro jobs. A new message becomes one Ouro message (text naming author and
 * platform, the TipTap doc built locally: one Ouro call), mapped in the store, then copied
 * into every other chat thread linked to the same conversation. Edits update it; deletes
 * leave a visible marker (Ouro cannot delete a message). Each step checks the message map
 * first, so a job that runs again after a crash repeats nothing that already happened;
 * a copy posted but not yet mapped is found again through its intent (post-once.ts).
 */
import type { Job, MessageMapping, ThreadKey } from '../store/types.ts';
import { markdownToDoc } from '../ouro/convert/markdown-to-doc.ts';
import { chatCopyAuthor, chatCopyText, deletedText, ouroTextFor } from './author.ts';
import { channelKeyOf, encodeChatRef, refOfThreadKey, sameThread, threadKeyOf } from './chat-ref.ts';
import type { BridgeContext } from './context.ts';
import type { DeletedPayload, EditedPayload, PostedPayload } from './jobs.ts';
import { postOnce, recordPost } from './post-once.ts';
import { isDuplicateMessage, RetryLaterError } from './retry.ts';
import { copiesByThread } from './chat-copies.ts';
import { isMessageGone } from './gone.ts';
import { ROOT_WAIT_RUNS, rootWaitMs, type StoredRoot, type Threads } from './threads.ts';
import type { ChatRef, ChatUser } from './types.ts';

/** How far back a retried create looks for its own id (the message was created moments ago). */
const RECENT_CHECK = 50;

export function createToOuro(ctx: BridgeContext, threads: Threads) {
  const { store, ouro, adapters, logger, metrics } = ctx;

  /** Creates the message with the id chosen at enqueue time; a reused id means it exists already. */
  async function createInOuro(conversationId: string, id: string, text: string, runs: number): Promise<string> {
    if (runs > 0) {
      const recent = await ouro.messages.list(conversationId, { limit: RECENT_CHECK });
      if (recent.messages.some((m) => m.id === id)) return id;
    }
    try {
      const created = await ouro.messages.create(conversationId, { id, text, json: markdownToDoc(text), type: 'message' });
      return created.id;
    } catch (err) {
      if (isDuplicateMessage(err)) return id;
      throw err;
    }
  }

  /** The other threads linked to the conversation that still carry messages. */
  async function otherThreads(conversationId: string, source: ThreadKey): Promise<ThreadKey[]> {
    const others = (await store.threadsOfConversation(conversationId)).filter((t) => !sameThread(t, source));
    for (let i = others.length - 1; i >= 0; i--) if (!(await threads.carries(others[i]!))) others.splice(i, 1);
    return others;
  }

  /** Posts the Ouro message into each of `others` that lacks a copy. */
  async function copyInto(
    others: readonly ThreadKey[],
    conversationId: string,
    source: ThreadKey,
    ouroMessageId: string,
    author: ChatUser | undefined,
    text: string,
    writtenAt: number,
    files?: { name: string; url?: string }[],
  ): Promise<void> {
    if (others.length === 0) return;
    const copies = await store.getMessagesByOuro(ouroMessageId);
    for (const target of others) {
      if (copies.some((c) => sameThread(c, target))) continue;
      const adapter = adapters.get(target.platform);
      if (!adapter) {
        logger.warn({ platform: target.platform, conversationId }, 'linked thread on a platform that is not running: copy skipped');
        continue;
      }
      const key = { platform: target.platform, workspace: target.workspace, channel: target.channel, thread: target.thread };
      const message = { text: chatCopyText(text, files), author: chatCopyAuthor(author, source.platform) };
      const posted = await postOnce(ctx, adapter, key, ouroMessageId, message, writtenAt);
      await recordPost(ctx, key, posted, conversationId, ouroMessageId);
      metrics.relayed('to_chat', target.platform);
    }
  }

  const rootText = (platform: ChatRef['platform'], root: StoredRoot) =>
    root.deleted ? deletedText(platform) : ouroTextFor(root.author, platform, root.text, { edited: root.edited, files: root.files });

  /**
   * Sends a remembered root into its new conversation. The root's edits run in the channel
   * lane, so one may land while this runs: the stored root is read again after mapping, and
   * a changed text is applied (an edit landing later finds the mapping itself).
   */
  async function relayRoot(conversationId: string, ref: ChatRef, root: StoredRoot, runs: number): Promise<void> {
    const key = { ...threadKeyOf(ref), thread: root.messageId };
    const mapped = await store.getMessageByChat({ ...key, chatMessageId: root.messageId });
    if (!mapped) {
      const text = rootText(ref.platform, root);
      const id = await createInOuro(conversationId, root.ouroMessageId, text, runs);
      await store.putMessage({ ...key, chatMessageId: root.messageId, conversationId, ouroMessageIds: [id], origin: 'chat' });
      metrics.relayed('to_ouro', ref.platform);
      if (!root.deleted) await copyInto(await otherThreads(conversationId, key), conversationId, key, id, root.author, root.text, root.at, root.files);
      const latest = (await threads.readRoot(ref, root.messageId)) ?? root;
      const now = rootText(ref.platform, latest);
      if (now !== text) await ouro.messages.update(conversationId, id, { text: now, json: markdownToDoc(now) });
    }
    // Mapped now: the message map answers for the root from here on (an edit landing after
    // this finds the mapping); a root an edit re-writes meanwhile expires with the TTL purge.
    await threads.forgetRoot(ref, root.messageId);
  }

  /** The mapping of a chat message; a top-level message may be mapped as the root of its own thread. */
  async function findMapping(ref: ChatRef, messageId: string): Promise<MessageMapping | undefined> {
    const key = threadKeyOf(ref);
    const direct = await store.getMessageByChat({ ...key, chatMessageId: messageId });
    if (direct || ref.thread) return direct;
    return store.getMessageByChat({ ...key, thread: messageId, chatMessageId: messageId });
  }

  /**
   * An edit/delete of a message the map does not know. In a mirrored place its create may
   * still be on its way in another lane (a thread root reported with its thread id, say), so
   * it waits a few runs like a reply waiting for its root; then it is let go, logged.
   */
  async function notMirrored(job: Job, ref: ChatRef, messageId: string, what: 'edit' | 'delete'): Promise<void> {
    const mirrored =
      (await store.getThreadLink(threadKeyOf(ref))) !== undefined ||
      ((await store.getChannelLink(channelKeyOf(ref)))?.mirrorMode ?? 'off') !== 'off';
    if (mirrored && job.attempts < ROOT_WAIT_RUNS) {
      throw new RetryLaterError(`${what} of ${messageId}: its message is not mirrored yet`, rootWaitMs(job.attempts));
    }
    logger.info({ ref: encodeChatRef(ref), messageId, mirrored }, `${what} of a message that was never mirrored; nothing to change`);
  }

  /** A remembered, not yet relayed root of a `threads` channel, when `messageId` is one. */
  async function pendingRoot(ref: ChatRef, messageId: string): Promise<StoredRoot | undefined> {
    if (ref.thread && ref.thread !== messageId) return undefined;
    const root = await threads.readRoot(ref, messageId);
    return root && !root.relayed ? root : undefined;
  }

  return {
    async posted(job: Job, p: PostedPayload): Promise<void> {
      const ev = p.event;
      const key = threadKeyOf(ev.ref);
      const mapped = await store.getMessageByChat({ ...key, chatMessageId: ev.messageId });
      if (mapped?.origin === 'ouro') {
        logger.debug({ messageId: ev.messageId }, 'loop guard: the bridge wrote this message; not relayed');
        return;
      }
      const where = await threads.resolve(ev.ref, job);
      if (where.action === 'skip') {
        logger.debug({ ref: encodeChatRef(ev.ref), reason: where.reason }, 'message not mirrored');
        return;
      }
      if (where.action === 'remember-root') {
        const root: StoredRoot = { messageId: ev.messageId, author: ev.author, text: ev.text, at: ev.at, ouroMessageId: p.ouroMessageId };
        if (ev.files?.length) root.files = ev.files;
        await threads.writeRoot(ev.ref, root);
        // Its thread went ahead without it (the root came too late): it goes in now, late, not never.
        const late = await store.getThreadLink({ ...key, thread: ev.messageId });
        if (late && (await threads.carries(late))) {
          logger.warn({ ref: encodeChatRef(ev.ref), messageId: ev.messageId }, 'thread root recorded after its thread started; relayed late');
          await relayRoot(late.conversationId, { ...ev.ref, thread: ev.messageId }, root, job.attempts);
        }
        return;
      }
      const conversationId = where.conversationId;
      if (where.root) await relayRoot(conversationId, ev.ref, where.root, job.attempts);
      let ouroId = mapped?.ouroMessageIds[0];
      let record: Omit<MessageMapping, 'createdAt'> | undefined;
      if (!ouroId) {
        const text = ouroTextFor(ev.author, ev.ref.platform, ev.text, { files: ev.files });
        ouroId = await createInOuro(conversationId, p.ouroMessageId, text, job.attempts);
        record = { ...key, chatMessageId: ev.messageId, conversationId, ouroMessageIds: [ouroId], origin: 'chat' };
        metrics.relayed('to_ouro', ev.ref.platform);
        metrics.latency('to_ouro', Math.max(0, ctx.now() - p.receivedAt) / 1000);
      }
      if (record) await store.putMessage(record);
      await copyInto(await otherThreads(conversationId, key), conversationId, key, ouroId, ev.author, ev.text, ev.at, ev.files);
    },

    async edited(job: Job, p: EditedPayload): Promise<void> {
      const ev = p.event;
      let mapping = await findMapping(ev.ref, ev.messageId);
      if (!mapping) {
        const root = await pendingRoot(ev.ref, ev.messageId);
        if (!root) return notMirrored(job, ev.ref, ev.messageId, 'edit');
        await threads.writeRoot(ev.ref, { ...root, text: ev.text, edited: true, author: ev.author ?? root.author });
        // The thread's lane may have sent the root meanwhile (see relayRoot).
        mapping = await findMapping(ev.ref, ev.messageId);
        if (!mapping) return;
      }
      if (mapping.origin === 'ouro') {
        logger.debug({ messageId: ev.messageId }, 'loop guard: edit of a bridge-written message; not relayed');
        return;
      }
      const text = ouroTextFor(ev.author, ev.ref.platform, ev.text, { edited: true });
      const json = markdownToDoc(text);
      for (const id of mapping.ouroMessageIds) await ouro.messages.update(mapping.conversationId, id, { text, json });
      metrics.relayed('to_ouro', ev.ref.platform);
      for (const [copy, ...parts] of await copiesOf(mapping)) {
        const adapter = adapters.get(copy.platform);
        const message = { text: ev.text, author: chatCopyAuthor(ev.author, ev.ref.platform) };
        try {
          await adapter?.edit(refOfThreadKey(copy), copy.chatMessageId, message, ids(parts));
        } catch (err) {
          // A person deleted the copy there: nothing to edit, and no retry brings it back.
          if (!isMessageGone(err)) throw err;
          logger.info({ copy: encodeChatRef(refOfThreadKey(copy)), messageId: copy.chatMessageId }, 'the copy of an edited message was deleted; not edited');
        }
      }
    },

    async deleted(job: Job, p: DeletedPayload): Promise<void> {
      const ev = p.event;
      let mapping = await findMapping(ev.ref, ev.messageId);
      if (!mapping) {
        const root = await pendingRoot(ev.ref, ev.messageId);
        if (!root) return notMirrored(job, ev.ref, ev.messageId, 'delete');
        await threads.writeRoot(ev.ref, { ...root, deleted: true });
        mapping = await findMapping(ev.ref, ev.messageId);
        if (!mapping) return;
      }
      if (mapping.origin === 'ouro') {
        logger.debug({ messageId: ev.messageId }, 'loop guard: delete of a bridge-written message; not relayed');
        return;
      }
      const text = deletedText(ev.ref.platform);
      const json = markdownToDoc(text);
      for (const id of mapping.ouroMessageIds) await ouro.messages.update(mapping.conversationId, id, { text, json });
      metrics.relayed('to_ouro', ev.ref.platform);
      for (const [copy, ...parts] of await copiesOf(mapping)) {
        await adapters.get(copy.platform)?.delete(refOfThreadKey(copy), copy.chatMessageId, ids(parts));
      }
    },
  };

  /**
   * The bridge-written copies of a chat message in other threads, one list per thread: a
   * copy split to fit its platform is several messages (recordPost), edited and deleted together.
   */
  async function copiesOf(original: MessageMapping): Promise<[MessageMapping, ...MessageMapping[]][]> {
    const first = original.ouroMessageIds[0];
    if (!first) return [];
    const all = await store.getMessagesByOuro(first);
    return copiesByThread(all, (m) => sameThread(m, original) && m.chatMessageId === original.chatMessageId);
  }
}

const ids = (mappings: readonly MessageMapping[]) => mappings.map((m) => m.chatMessageId);

export type ToOuro = ReturnType<typeof createToOuro>;
