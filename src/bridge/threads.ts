/**
 * Which Ouro conversation a chat message belongs to, creating it when the mirror mode says
 * so. Rules, in order:
 *  1. A thread link wins: one a person made (`mirror attach`) whatever the channel's mode;
 *     one made here while the channel keeps the mode it was made for (see `isMirrored`).
 *  2. No channel link, or mode `off`: not mirrored.
 *  3. Mode `channel`: the channel's top level ↔ one conversation (thread key ''); replies in
 *     threads are not mirrored unless attached.
 *  4. Mode `threads`: a top-level message is remembered as a possible thread root (in the
 *     store's state, keyed by the thread it would start); the thread's first reply creates
 *     the conversation, and the root goes in first.
 */
import type { ChannelLink, Job, ThreadKey, ThreadLink } from '../store/types.ts';
import { platformLabel } from './author.ts';
import { channelKeyOf, chatLane, encodeChatRef, refOfThreadKey, threadKeyOf } from './chat-ref.ts';
import type { BridgeContext } from './context.ts';
import { RetryLaterError } from './retry.ts';
import type { ChatRef, ChatUser } from './types.ts';

/** Ouro's global org (named `all`): where assets land when a channel is linked to no org. */
export const GLOBAL_ORG_ID = '00000000-0000-0000-0000-000000000000';

/**
 * A thread's root and its reply travel in different lanes (channel vs thread), so the reply
 * may run first. While the channel's lane still holds a job enqueued before the reply (the
 * root, most likely) the reply waits for it, without spending retry attempts, for up to
 * 60 s: twice the job lease, so a root held by a replica that died mid-job (its lease runs
 * out after 30 s) still goes in first. Then the reply goes ahead without it; a root that is
 * recorded later still goes in, late (`to-ouro`). Edits and deletes of a message not mapped
 * yet wait `ROOT_WAIT_RUNS` counted runs, 100 ms doubling.
 */
export const ROOT_WAIT_MAX_MS = 60_000;
export const ROOT_WAIT_RUNS = 5;
export const ROOT_WAIT_MS = 100;
/** The reply's next look for its root: 100 ms at first, growing with its wait, at most 2 s. */
export const rootPollMs = (waitedMs: number) => Math.min(2_000, Math.max(ROOT_WAIT_MS, Math.round(waitedMs / 2)));
export const rootWaitMs = (runs: number) => ROOT_WAIT_MS * 2 ** runs;

/** A remembered top-level message of a `threads` channel. */
export interface StoredRoot {
  messageId: string;
  author: ChatUser;
  text: string;
  at: number;
  files?: { name: string; url?: string }[];
  ouroMessageId: string;
  edited?: boolean;
  deleted?: boolean;
  /** Set once the root is in its conversation; from then on the message map is the truth. */
  relayed?: boolean;
}

export type Resolution =
  | { action: 'skip'; reason: string }
  /** A `threads` channel's top-level message: remember it, do not send it (yet). */
  | { action: 'remember-root' }
  | { action: 'relay'; conversationId: string };

/** Every stored root's state key starts with this (reconciliation purges old ones). */
export const ROOT_STATE_PREFIX = 'root:';

/** State key of the root of the thread `rootId` would start in this channel. */
export function rootStateKey(ref: ChatRef, rootId: string): string {
  return `${ROOT_STATE_PREFIX}${encodeChatRef({ platform: ref.platform, workspace: ref.workspace, channel: ref.channel, thread: rootId })}`;
}

const MAX_NAME = 120;

/** `#materials-lab (Slack) — Is the mae_ev column right?`, at most 120 characters. */
export function conversationName(input: { channelName?: string; channel: string; platform: ChatRef['platform']; firstLine?: string }): string {
  const ch = (input.channelName?.trim() || input.channel).replace(/^#?/, '#');
  const base = `${ch} (${platformLabel(input.platform)})`;
  const line = input.firstLine
    ?.split('\n')
    .find((l) => l.trim())
    ?.trim();
  const full = line ? `${base} — ${line}` : base;
  return full.length <= MAX_NAME ? full : `${full.slice(0, MAX_NAME - 1).trimEnd()}…`;
}

/** Bound on each in-memory cache below (entries are small; a full cache simply starts over). */
const CACHE_MAX = 10_000;

/** State key marking a thread link the bridge made itself: value `<mode>:<conversationId>`. */
const madeKey = (key: ThreadKey) => `linked-by-mode:${encodeChatRef(refOfThreadKey(key))}`;

export function createThreads(ctx: BridgeContext) {
  const { store, ouro, adapters, logger } = ctx;
  // Threads whose root question is settled (sent, or never remembered) need no state read
  // per reply. Settled is final, so this cache is never stale.
  const rootsDone = new Set<string>();
  const remember = (laneKey: string) => {
    if (rootsDone.size >= CACHE_MAX) rootsDone.clear();
    rootsDone.add(laneKey);
  };
  // Who made each thread link (null: a person), per thread and conversation: fixed for a
  // link's life, and a re-made link has its own entry.
  const madeBy = new Map<string, string | null>();

  async function readRoot(ref: ChatRef, rootId: string): Promise<StoredRoot | undefined> {
    const raw = await store.getState(rootStateKey(ref, rootId));
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as StoredRoot;
    } catch {
      logger.warn({ rootId }, 'unreadable stored thread root ignored');
      return undefined;
    }
  }

  async function writeRoot(ref: ChatRef, root: StoredRoot): Promise<void> {
    await store.setState(rootStateKey(ref, root.messageId), JSON.stringify(root));
  }

  /** Once the root is mapped in its conversation the message map answers for it; the stored root goes. */
  async function forgetRoot(ref: ChatRef, rootId: string): Promise<void> {
    await store.deleteState(rootStateKey(ref, rootId));
  }

  async function createConversation(key: ThreadKey, link: ChannelLink, firstLine: string | undefined): Promise<string> {
    const adapter = adapters.get(key.platform);
    let channelName: string | undefined;
    try {
      channelName = await adapter?.channelName?.(channelKeyOf(key));
    } catch (err) {
      logger.debug({ err }, 'channel name unavailable; using the channel id');
    }
    const name = conversationName({ channelName, channel: key.channel, platform: key.platform, firstLine });
    const kind = key.thread ? 'thread' : 'channel';
    const created = await ouro.conversations.create({
      name,
      summary: `Mirror of a ${platformLabel(key.platform)} ${kind}`,
      orgId: link.orgId ?? GLOBAL_ORG_ID,
      ...(link.teamId ? { teamId: link.teamId } : {}),
      members: [ctx.botUserId()],
    });
    // Marked before linking: a link without its mark would count as attached by a person.
    await store.setState(madeKey(key), `${link.mirrorMode}:${created.id}`);
    // linkThread keeps an existing link: if another replica won the race, its conversation stands.
    const stood = await store.linkThread({ ...key, conversationId: created.id });
    if (stood.conversationId !== created.id) {
      logger.warn({ created: created.id, kept: stood.conversationId }, 'thread was linked meanwhile; new conversation left unused');
    }
    logger.info({ conversationId: stood.conversationId, name }, 'conversation created for mirroring');
    return stood.conversationId;
  }

  /** Whether the channel's top-level lane still holds a job older than `jobId`: the root may be in it. */
  async function channelLaneHasOlder(ref: ChatRef, jobId: number): Promise<boolean> {
    const lane = chatLane({ platform: ref.platform, workspace: ref.workspace, channel: ref.channel });
    for (const state of ['running', 'pending'] as const) {
      const [oldest] = await store.listJobs({ lane, state, limit: 1 });
      if (oldest && oldest.id < jobId) return true;
    }
    return false;
  }

  /**
   * Whether a thread link still mirrors messages (both ways). A link the bridge made for a mirror
   * mode lasts while the channel keeps that mode (`mirror off` stops it; switching back
   * resumes it); a link a person made (`mirror attach`) lasts until it is detached.
   */
  async function isMirrored(link: ThreadLink): Promise<boolean> {
    const cacheKey = `${encodeChatRef(refOfThreadKey(link))}|${link.conversationId}`;
    let made = madeBy.get(cacheKey);
    if (made === undefined) {
      made = (await store.getState(madeKey(link))) ?? null;
      if (madeBy.size >= CACHE_MAX) madeBy.clear();
      madeBy.set(cacheKey, made);
    }
    if (made === null) return true;
    const [mode, conversationId] = made.split(':');
    if (conversationId !== link.conversationId) return true; // re-attached by a person since
    return (await store.getChannelLink(channelKeyOf(link)))?.mirrorMode === mode;
  }

  return {
    readRoot,
    writeRoot,
    forgetRoot,
    isMirrored,

    /**
     * Where a new message at `ref` goes. `job` is the message's job: a reply whose root is not
     * yet recorded waits for the older jobs of the channel's lane.
     */
    async resolve(ref: ChatRef, job: Pick<Job, 'id' | 'createdAt'>): Promise<Resolution & { root?: StoredRoot }> {
      const key = threadKeyOf(ref);
      const existing = await store.getThreadLink(key);
      if (existing && !(await isMirrored(existing))) return { action: 'skip', reason: 'the channel left the mirror mode that linked this thread' };
      if (existing) {
        // A root still waiting to go in first (only `threads` channels remember roots).
        const laneKey = encodeChatRef(ref);
        let root: StoredRoot | undefined;
        if (ref.thread && !rootsDone.has(laneKey)) {
          const stored = await readRoot(ref, ref.thread);
          if (stored && !stored.relayed) root = stored;
          else remember(laneKey);
        }
        return { action: 'relay', conversationId: existing.conversationId, ...(root ? { root } : {}) };
      }
      const link = await store.getChannelLink(channelKeyOf(ref));
      if (!link || link.mirrorMode === 'off') return { action: 'skip', reason: 'channel not mirrored' };
      if (link.mirrorMode === 'channel') {
        if (ref.thread) return { action: 'skip', reason: 'thread replies are not mirrored in channel mode' };
        return { action: 'relay', conversationId: await createConversation(key, link, undefined) };
      }
      if (!ref.thread) return { action: 'remember-root' };
      const root = await readRoot(ref, ref.thread);
      const waited = ctx.now() - job.createdAt;
      if (!root && waited < ROOT_WAIT_MAX_MS && (await channelLaneHasOlder(ref, job.id))) {
        throw new RetryLaterError(`thread root ${ref.thread} not recorded yet`, rootPollMs(waited), { countsAsAttempt: false });
      }
      const firstLine = root && !root.deleted ? root.text : undefined;
      const conversationId = await createConversation(key, link, firstLine);
      return { action: 'relay', conversationId, ...(root && !root.relayed ? { root } : {}) };
    },
  };
}

export type Threads = ReturnType<typeof createThreads>;
