/**
 * Chat → Ouro jobs. A new message becomes one Ouro message (text naming author and
 * platform, the TipTap doc built locally: one Ouro call), mapped in the store, then copied
 * into every other chat thread linked to the same conversation. Edits update it; deletes
 * leave a visible marker (Ouro cannot delete a message). Each step checks the message map
 * first, so a job that runs again after a crash repeats nothing that already happened;
 * a copy posted but not yet mapped is found again through its intent (post-once.ts).
 * A person who linked their Ouro account writes as themselves, without the name prefix
 * (as-person.ts); when their key stops working the bot writes for them, prefixed as before.
 */
import type { Job, MessageMapping, ThreadKey } from '../store/types.ts';
import { markdownToDoc } from '../ouro/convert/markdown-to-doc.ts';
import { chatCopyAuthor, chatCopyText, deletedText, ouroTextFor, type FileMention } from './author.ts';
import { carryFiles } from './files-to-ouro.ts';
import { channelKeyOf, encodeChatRef, refOfThreadKey, sameThread, threadKeyOf } from './chat-ref.ts';
import type { BridgeContext } from './context.ts';
import type { DeletedPayload, EditedPayload, PostedPayload } from './jobs.ts';
import { postOnce, recordPost } from './post-once.ts';
import { isDuplicateMessage, RetryLaterError } from './retry.ts';
import { copiesByThread } from './chat-copies.ts';
import { isMessageGone } from './message-gone.ts';
import { ROOT_WAIT_RUNS, rootWaitMs, type StoredRoot, type Threads } from './threads.ts';
import type { ChatFile, ChatRef, ChatUser } from './types.ts';
import { createAsPerson } from './as-person.ts';
import { isKeyRejected } from '../accounts/types.ts';
import type { OuroPort } from './ports.ts';

/** How far back a retried create looks for its own id (the message was created moments ago). */
const RECENT_CHECK = 50;

export function createToOuro(ctx: BridgeContext, threads: Threads) {
  const { store, ouro, adapters, logger, metrics } = ctx;
  const asPerson = createAsPerson(ctx);

  /** Creates the message with the id chosen at enqueue time; a reused id means it exists already. */
  async function createInOuro(conversationId: string, id: string, text: string, runs: number, client: OuroPort = ouro): Promise<string> {
    if (runs > 0) {
      const recent = await ouro.messages.list(conversationId, { limit: RECENT_CHECK });
      if (recent.messages.some((m) => m.id === id)) return id;
    }
    try {
      const created = await client.messages.create(conversationId, { id, text, json: markdownToDoc(text), type: 'message' });
      return created.id;
    } catch (err) {
      if (isDuplicateMessage(err)) return id;
      throw err;
    }
  }

  /**
   * A chat message into Ouro: as its author when they linked a working account (no prefix),
   * else by the bot with their name in front. A key refused on the way falls back to the bot.
   */
  async function createAs(
    conversationId: string,
    id: string,
    ref: ChatRef,
    m: { author: ChatUser | undefined; text: string; edited?: boolean; deleted?: boolean; files?: readonly FileMention[] },
    runs: number,
  ): Promise<string> {
    const writer = await asPerson.writerFor(ref, m.author);
    if (writer) {
      try {
        await asPerson.ensureMember(conversationId, writer.ouroUserId);
        await asPerson.remember(id, writer.person);
        const own = m.deleted ? deletedText(ref.platform) : chatCopyText(m.text, m.files);
        return await createInOuro(conversationId, id, own, runs, writer.ouro);
      } catch (err) {
        const refused = (err as { status?: unknown }).status === 403;
        if (!isKeyRejected(err) && !refused) throw err;
        await asPerson.forget(id);
        if (refused) logger.warn({ conversationId }, 'Ouro refused a linked person’s message; the bot writes it for them');
        else await asPerson.keyStopped(writer.person, ref);
      }
    }
    const text = m.deleted ? deletedText(ref.platform) : ouroTextFor(m.author, ref.platform, m.text, { edited: m.edited, files: m.files });
    return createInOuro(conversationId, id, text, runs);
  }

  /**
   * Changes an Ouro message the way it was written: by the person who wrote it as themselves
   * (only they may), else by the bot. `own` is the person's text, `prefixed` the bot's.
   */
  async function updateInOuro(mapping: MessageMapping, ref: ChatRef, own: string, prefixed: string): Promise<void> {
    for (const id of mapping.ouroMessageIds) {
      const person = await asPerson.authorOf(id);
      if (!person) {
        await ouro.messages.update(mapping.conversationId, id, { text: prefixed, json: markdownToDoc(prefixed) });
        continue;
      }
      const writer = await asPerson.writerForPerson(person);
      try {
        if (!writer) throw Object.assign(new Error('no working link'), { status: 401 });
        await writer.ouro.messages.update(mapping.conversationId, id, { text: own, json: markdownToDoc(own) });
      } catch (err) {
        if (!isKeyRejected(err)) throw err;
        if (writer) await asPerson.keyStopped(person, ref);
        // Only its author may change it on Ouro, and the bridge can no longer act as them.
        logger.info({ ouroMessageId: id }, 'a message written as a person whose link is gone or broken cannot be changed; left as it is');
      }
    }
  }

  /** The other threads linked to the conversation that still carry messages. */
  async function otherThreads(conversationId: string, source: ThreadKey): Promise<ThreadKey[]> {
    const others = (await store.threadsOfConversation(conversationId)).filter((t) => !sameThread(t, source));
    for (let i = others.length - 1; i >= 0; i--) if (!(await threads.isMirrored(others[i]!))) others.splice(i, 1);
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

  const rootText = (platform: ChatRef['platform'], root: StoredRoot, files: readonly FileMention[] | undefined) =>
    root.deleted ? deletedText(platform) : ouroTextFor(root.author, platform, root.text, { edited: root.edited, files });

  /** The message's files as assets or links (files-to-ouro.ts); none for a message without. */
  const carried = (
    runs: number,
    ref: ChatRef,
    conversationId: string,
    sender: ChatUser | undefined,
    ouroMessageId: string,
    files: readonly ChatFile[] | undefined,
  ) => (files?.length ? carryFiles(ctx, { attempts: runs }, { ref, conversationId, sender }, ouroMessageId, files) : Promise.resolve(undefined));

  /**
   * Sends a remembered root into its new conversation. The root's edits run in the channel
   * lane, so one may land while this runs: the stored root is read again after mapping, and
   * a changed text is applied (an edit landing later finds the mapping itself).
   */
  async function relayRoot(conversationId: string, ref: ChatRef, root: StoredRoot, runs: number): Promise<void> {
    const key = { ...threadKeyOf(ref), thread: root.messageId };
    const mapped = await store.getMessageByChat({ ...key, chatMessageId: root.messageId });
    if (!mapped) {
      const files = root.deleted ? undefined : await carried(runs, ref, conversationId, root.author, root.ouroMessageId, root.files);
      const text = rootText(ref.platform, root, files);
      const id = await createAs(
        conversationId,
        root.ouroMessageId,
        ref,
        { author: root.author, text: root.text, edited: root.edited, deleted: root.deleted, files },
        runs,
      );
      await store.putMessage({ ...key, chatMessageId: root.messageId, conversationId, ouroMessageIds: [id], origin: 'chat' });
      metrics.relayed('to_ouro', ref.platform);
      if (!root.deleted) await copyInto(await otherThreads(conversationId, key), conversationId, key, id, root.author, root.text, root.at, root.files);
      const latest = (await threads.readRoot(ref, root.messageId)) ?? root;
      const now = rootText(ref.platform, latest, files);
      if (now !== text) {
        const mapping = { ...key, chatMessageId: root.messageId, conversationId, ouroMessageIds: [id], origin: 'chat' as const, createdAt: 0 };
        await updateInOuro(mapping, ref, latest.deleted ? deletedText(ref.platform) : chatCopyText(latest.text, files), now);
      }
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
      (await store.getThreadLink(threadKeyOf(ref))) !== undefined || ((await store.getChannelLink(channelKeyOf(ref)))?.mirrorMode ?? 'off') !== 'off';
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
        if (late && (await threads.isMirrored(late))) {
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
        const files = await carried(job.attempts, ev.ref, conversationId, ev.author, p.ouroMessageId, ev.files);
        ouroId = await createAs(conversationId, p.ouroMessageId, ev.ref, { author: ev.author, text: ev.text, files }, job.attempts);
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
      // An edit that lists files (Slack, Discord) keeps the ones still there; assets of removed files stay on Ouro.
      const files = await carried(job.attempts, ev.ref, mapping.conversationId, ev.author, mapping.ouroMessageIds[0]!, ev.files);
      await updateInOuro(mapping, ev.ref, chatCopyText(ev.text, files), ouroTextFor(ev.author, ev.ref.platform, ev.text, { edited: true, files }));
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
      await updateInOuro(mapping, ev.ref, text, text);
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
