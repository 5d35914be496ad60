/**
 * Ouro → chat: the "sync conversation" job. Webhooks are unsigned and carry no message id,
 * so nothing from a delivery is trusted: the job re-reads the conversation through the
 * authenticated API and relays, oldest first, every message newer than the conversation's
 * relay cursor that a person (not the bridge's own account) wrote, into every linked chat
 * thread that has no copy yet. The message map, not the cursor, is what prevents a
 * duplicate: the cursor only bounds how far back the job reads. A post made but not yet
 * mapped (crash, lost answer) is found again through its intent (post-once.ts). Edits made
 * on Ouro are found in the same read (OURO_TEXT_PREFIX says how).
 */
import { createHash } from 'node:crypto';
import type { ThreadLink } from '../store/types.ts';
import { copiesByThread } from './chat-copies.ts';
import { isMessageGone } from './message-gone.ts';
import { docToMarkdown } from '../ouro/convert/doc-to-markdown.ts';
import type { Doc } from '../ouro/types.ts';
import { ouroAuthorId } from './author.ts';
import { AS_PERSON_PREFIX } from './as-person.ts';
import { createChatIdentity } from './chat-identity.ts';
import { encodeChatRef, refOfThreadKey, sameThread } from './chat-ref.ts';
import type { BridgeContext } from './context.ts';
import type { SyncPayload } from './jobs.ts';
import { postOnce, recordPost } from './post-once.ts';
import type { OuroMessageLike } from './ports.ts';
import type { Threads } from './threads.ts';
import { describeAssets, embeddedAssets, uploadAssets, withAssetLinks, type OuroAsset } from './files-to-chat.ts';
import { conversationUrl, relayText } from './chat-text.ts';

/** Ouro's cap per page (docs/ouro-api.md §2.4). */
const PAGE = 200;
/** A first sync (no cursor yet) reads only the newest page: older history predates the link anyway. */
const FIRST_PAGE = 50;
/** Bound on one job's reading; the rest is picked up by the next sync (the cursor moves on). */
const MAX_PAGES = 20;
/**
 * A thread only receives messages written after it was linked, less this allowance for
 * clock skew between this host and Ouro (their timestamps are compared).
 */
export const LINK_SKEW_MS = 60_000;

type Cursor = { createdAt: string; messageId: string };

/**
 * Edits made on Ouro. Ouro sends no webhook for them (docs/ouro-api.md §6.1), so the sync job
 * looks for them in the newest page it reads anyway: a message whose `last_updated` is past
 * its `created_at` is a candidate, and its chat copies are edited when its text differs from
 * the text last relayed. What else moves `last_updated` is not documented (a view might), so
 * the text decides, not the time: a digest of each relayed text is kept in the store's state
 * under this prefix. An edit shows in chat at the next sync, i.e. the next webhook or
 * reconciliation pass; messages older than that page are not looked at.
 */
export const OURO_TEXT_PREFIX = 'ouro-text:';
/** How long a relayed text's digest is kept (the reconciliation pass purges older ones). */
export const OURO_TEXT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const relayedTextKey = (ouroMessageId: string) => `${OURO_TEXT_PREFIX}${ouroMessageId}`;
const digest = (text: string) => createHash('sha256').update(text).digest('base64url');
const touchedOnOuro = (m: OuroMessageLike): boolean => typeof m.last_updated === 'string' && isoMicros(m.last_updated) > isoMicros(m.created_at);
/**
 * Every sync reads the newest page again; a message whose `last_updated` has not moved since
 * this process last compared it is not compared again (no conversion, no store read). Bounded:
 * the oldest entries go first.
 */
const CHECKED_MAX = 10_000;

/**
 * Microseconds since the epoch. Ouro stamps microseconds (`…41.591234+00:00`) and
 * `Date.parse` keeps only milliseconds: messages written in the same millisecond would
 * otherwise fall back on their ids, whose low bits are random.
 */
export function isoMicros(iso: string): number {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(.*)$/.exec(iso);
  if (!m) return Date.parse(iso) * 1000;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  return seconds * 1000 + Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
}

/** Strictly after the cursor in (created_at, id) order. */
export function isAfter(m: { created_at: string; id: string }, cursor: Cursor | undefined): boolean {
  if (!cursor) return true;
  const a = isoMicros(m.created_at);
  const b = isoMicros(cursor.createdAt);
  if (Number.isNaN(a) || Number.isNaN(b)) return m.created_at > cursor.createdAt;
  return a > b || (a === b && m.id > cursor.messageId);
}

/** The Markdown to post: the doc when it is one (embedded `assets` as links), else the plain text. */
export function chatTextOf(m: OuroMessageLike, assets?: ReadonlyMap<string, OuroAsset>): string {
  const json = m.json as Doc | null | undefined;
  if (json && typeof json === 'object' && (json as { type?: unknown }).type === 'doc') {
    try {
      const md = docToMarkdown(assets?.size ? withAssetLinks(json, assets) : json);
      if (md.trim()) return md;
    } catch {
      // fall back to the text the server stored beside it
    }
  }
  return m.text ?? '';
}

export function createToChat(ctx: BridgeContext, threads: Threads) {
  const { store, ouro, adapters, logger, metrics } = ctx;
  const authorIn = createChatIdentity(store);

  /**
   * Messages after the cursor, ascending (`newer`), and those of the newest page at or
   * before it (`relayed`: where edits are looked for).
   */
  async function read(conversationId: string, cursor: Cursor | undefined): Promise<{ newer: OuroMessageLike[]; relayed: OuroMessageLike[] }> {
    const out: OuroMessageLike[] = [];
    let relayed: OuroMessageLike[] | undefined;
    let before: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await ouro.messages.list(conversationId, { limit: cursor ? PAGE : FIRST_PAGE, ...(before ? { before } : {}) });
      const fresh = res.messages.filter((m) => isAfter(m, cursor));
      relayed ??= res.messages.filter((m) => !isAfter(m, cursor));
      out.push(...fresh);
      const reachedCursor = fresh.length < res.messages.length;
      if (!cursor || reachedCursor || !res.hasMore || !res.nextBefore) return { newer: sortAsc(out), relayed };
      before = res.nextBefore;
    }
    logger.warn({ conversationId, pages: MAX_PAGES }, 'conversation far ahead of its relay cursor; relaying the newest pages now, the rest next time');
    return { newer: sortAsc(out), relayed: relayed ?? [] };
  }

  function sortAsc(list: OuroMessageLike[]): OuroMessageLike[] {
    const seen = new Set<string>();
    return list
      .filter((m) => {
        if (seen.has(m.id)) return false;
        seen.add(m.id);
        return true;
      })
      .sort((a, b) => (isAfter(a, { createdAt: b.created_at, messageId: b.id }) ? 1 : -1));
  }

  const checked = new Map<string, string>();

  /** The chat text of `m`, with its embedded assets described (files-to-chat.ts). */
  async function textOf(m: OuroMessageLike): Promise<{ text: string; assets: Map<string, OuroAsset> }> {
    const embeds = embeddedAssets(m.json);
    const assets = embeds.length ? await describeAssets(ctx, embeds) : new Map<string, OuroAsset>();
    return { text: chatTextOf(m, assets), assets };
  }

  async function relayOne(conversationId: string, m: OuroMessageLike, links: ThreadLink[]): Promise<void> {
    const copies = await store.getMessagesByOuro(m.id);
    const at = Date.parse(m.created_at);
    const { text: full, assets } = await textOf(m);
    const text = relayText(full, conversationUrl(ctx.webBaseUrl, conversationId));
    if (text === undefined) {
      logger.info({ conversationId, ouroMessageId: m.id }, 'Ouro message without text or attachments: not relayed');
      return;
    }
    const bytes = new Map<string, Uint8Array | null>();
    let posted = false;
    for (const link of links) {
      if (!Number.isNaN(at) && at < link.createdAt - LINK_SKEW_MS) continue;
      const adapter = adapters.get(link.platform);
      if (!adapter) {
        logger.warn({ platform: link.platform, conversationId }, 'linked thread on a platform that is not running: message not relayed there');
        continue;
      }
      const target = { platform: link.platform, workspace: link.workspace, channel: link.channel, thread: link.thread };
      if (!copies.some((c) => sameThread(c, link))) {
        await recordPost(ctx, target, await postOnce(ctx, adapter, target, m.id, { text, author: await authorIn(m, target) }, at), conversationId, m.id);
        metrics.relayed('to_chat', link.platform);
        posted = true;
      }
      // After the message, so the files follow it in the thread; a rerun uploads what is missing.
      if (assets.size) await uploadAssets(ctx, adapter, target, m.id, assets.values(), bytes);
    }
    // Only a message with copies can need an edit later (older ones a new link skips have none).
    if (posted) await store.setState(relayedTextKey(m.id), digest(text));
  }

  /** A message whose text changed on Ouro since it was last relayed: its copies in `links` are edited. */
  async function relayEdit(m: OuroMessageLike, links: ThreadLink[]): Promise<void> {
    if (!touchedOnOuro(m) || checked.get(m.id) === m.last_updated) return;
    // A message emptied on Ouro: the adapters show their "(empty message)" in the copies.
    const text = relayText((await textOf(m)).text, conversationUrl(ctx.webBaseUrl, m.conversation_id ?? '')) ?? '';
    // No digest (relayed before digests were kept, or over 30 days ago): edited once more.
    if ((await store.getState(relayedTextKey(m.id))) !== digest(text)) await editCopies(m, text, links);
    checked.delete(m.id);
    checked.set(m.id, m.last_updated!);
    if (checked.size > CHECKED_MAX) checked.delete(checked.keys().next().value!);
  }

  async function editCopies(m: OuroMessageLike, text: string, links: ThreadLink[]): Promise<void> {
    for (const [copy, ...parts] of copiesByThread(await store.getMessagesByOuro(m.id))) {
      const adapter = adapters.get(copy.platform);
      if (!adapter || !links.some((l) => sameThread(l, copy))) continue;
      const message = { text, author: await authorIn(m, copy) };
      try {
        await adapter.edit(
          refOfThreadKey(copy),
          copy.chatMessageId,
          message,
          parts.map((p) => p.chatMessageId),
        );
        metrics.relayed('to_chat', copy.platform);
      } catch (err) {
        // A person deleted the copy there: nothing to edit, and no retry brings it back.
        if (!isMessageGone(err)) throw err;
        logger.info({ copy: encodeChatRef(refOfThreadKey(copy)), ouroMessageId: m.id }, 'the copy of a message edited on Ouro was deleted; not edited');
      }
    }
    await store.setState(relayedTextKey(m.id), digest(text));
  }

  return {
    async sync(p: SyncPayload): Promise<void> {
      const conversationId = p.conversationId;
      const all = await store.threadsOfConversation(conversationId);
      if (all.length === 0) {
        logger.debug({ conversationId }, 'conversation not linked to any chat thread; nothing to relay');
        return;
      }
      // Threads paused by a mode change still move the cursor on: what was written on Ouro
      // meanwhile is not replayed into them when mirroring resumes (as chat messages said
      // meanwhile are not sent to Ouro).
      const links: ThreadLink[] = [];
      for (const link of all) if (await threads.isMirrored(link)) links.push(link);
      const cursor = await store.getRelayCursor(conversationId);
      const { newer: messages, relayed } = await read(conversationId, cursor);
      const bot = ctx.botUserId();
      // The bridge's own messages (chat → Ouro) and agents' reasoning/tool rows stay on Ouro.
      // A linked person's chat message written as them is ours too (as-person.ts).
      const ours = async (m: OuroMessageLike) =>
        ouroAuthorId(m) === bot || (m.type != null && m.type !== 'message') || (await store.getState(AS_PERSON_PREFIX + m.id)) !== undefined;
      for (const m of relayed) if (!(await ours(m))) await relayEdit(m, links);
      let skipped: OuroMessageLike | undefined;
      for (const m of messages) {
        if (await ours(m)) {
          skipped = m;
          continue;
        }
        await relayOne(conversationId, m, links);
        await store.setRelayCursor(conversationId, { createdAt: m.created_at, messageId: m.id });
        skipped = undefined;
      }
      // One cursor write for a run of skipped messages, not one each.
      if (skipped) await store.setRelayCursor(conversationId, { createdAt: skipped.created_at, messageId: skipped.id });
      if (p.reason === 'webhook' && messages.length) metrics.latency('to_chat', Math.max(0, ctx.now() - p.receivedAt) / 1000);
    },
  };
}

export type ToChat = ReturnType<typeof createToChat>;
