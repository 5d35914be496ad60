/**
 * The core's view of its collaborators that are not adapters: the Ouro client (a structural
 * subset of `createOuroClient(...)`, so the core never imports the HTTP client) and the
 * metrics sink (prom-client lives with the runtime). Re-exported by `./index.ts`.
 */
import type { RouteAction } from '../ouro/index.ts';
import type { CommandRunner } from '../commands/types.ts';
import type { Logger } from '../log.ts';
import type { CatchUpPlace, Job, Platform, Store } from '../store/types.ts';
import type { ChatAdapter, MessageEdited, MessagePosted } from './types.ts';

/** A message as `messages.list` returns it; only the fields the core reads. */
export interface OuroMessageLike {
  id: string;
  conversation_id?: string;
  user_id?: string | null;
  /** The author's profile: `id`/`user_id`, `username`, `name`, `avatar_path` are read when they are strings. */
  user?: Record<string, unknown> | null;
  /** `message` for people; agents also persist `reasoning` / `tool_call` rows, never relayed. */
  type?: string | null;
  text?: string | null;
  json?: unknown;
  created_at: string;
  /** Equal to `created_at` until someone edits the message on Ouro. */
  last_updated?: string | null;
}

/** Where a file asset goes, and who may see it (the conversation's org/team and visibility). */
export interface FilePlacement {
  orgId?: string;
  teamId?: string;
  visibility: 'public' | 'private' | 'organization';
}

/** The file calls of the Ouro client the core uses (see src/ouro/resources/files.ts). */
export interface OuroFilesPort {
  upload(
    input: { source: { path: string; size: number } | { bytes: Uint8Array }; name: string; mime: string; visibility?: FilePlacement['visibility'] },
    signal?: AbortSignal,
  ): Promise<{ id: string }>;
  createAsset(input: { uploadId: string; name: string } & Partial<FilePlacement>, signal?: AbortSignal): Promise<{ id: string }>;
  get(
    id: string,
    signal?: AbortSignal,
  ): Promise<{ id: string; name?: string | null; url?: string; metadata?: ({ type?: string; size?: number; name?: string } & Record<string, unknown>) | null }>;
  /** The bytes; throws FileTooLargeError (src/ouro/errors.ts) past `maxBytes`. */
  read(id: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array>;
}

export interface OuroPort {
  /** Absent in ports that move no files (some tests): files then travel as links. */
  files?: OuroFilesPort;
  /** Route runs the bridge follows to the end (src/bridge/route-poll.ts). */
  services: { action(id: string, signal?: AbortSignal): Promise<RouteAction> };
  auth: { whoami(signal?: AbortSignal): Promise<{ id: string; username?: string }> };
  conversations: {
    create(input: { name?: string; summary?: string; orgId: string; teamId?: string; members: string[] }, signal?: AbortSignal): Promise<{ id: string }>;
    get(
      id: string,
      signal?: AbortSignal,
    ): Promise<{
      id: string;
      name?: string | null;
      metadata?: { members?: string[] } | null;
      org_id?: string;
      team_id?: string;
      visibility?: string;
    }>;
    /** `members` replaces `metadata.members` (the full list). */
    update(id: string, partial: { members?: string[] }, signal?: AbortSignal): Promise<unknown>;
  };
  messages: {
    create(
      conversationId: string,
      input: { id?: string; text: string; json?: unknown; type?: string },
      signal?: AbortSignal,
    ): Promise<{ id: string; created_at: string }>;
    update(conversationId: string, messageId: string, input: { text: string; json?: unknown }, signal?: AbortSignal): Promise<unknown>;
    /** One page, ascending by `created_at`; `nextBefore` pages further back. */
    list(
      conversationId: string,
      opts: { limit?: number; before?: string },
      signal?: AbortSignal,
    ): Promise<{ messages: OuroMessageLike[]; hasMore: boolean; nextBefore?: string }>;
  };
}

/** Implemented with prom-client by the runtime; `noopMetrics` is the default. */
export interface BridgeMetrics {
  eventReceived(kind: string, platform: string): void;
  duplicateDropped(source: string): void;
  relayed(direction: 'to_ouro' | 'to_chat', platform: string): void;
  retried(kind: string): void;
  dead(kind: string): void;
  queueDepth(n: number): void;
  latency(direction: string, seconds: number): void;
}

export const noopMetrics: BridgeMetrics = {
  eventReceived() {},
  duplicateDropped() {},
  relayed() {},
  retried() {},
  dead() {},
  queueDepth() {},
  latency() {},
};

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** Runs in total, the first included; the job is dead after the last one fails. */
  maxAttempts: number;
}

export interface BridgeOptions {
  store: Store;
  ouro: OuroPort;
  adapters: ChatAdapter[];
  commands?: CommandRunner;
  logger?: Logger;
  metrics?: BridgeMetrics;
  /** Names this process's job leases; unique per replica (default: random). */
  workerId?: string;
  /** Lanes (threads/conversations) worked on in parallel. */
  concurrency?: number;
  retry?: RetryPolicy;
  reconcileEveryMs?: number;
  /** Idle poll interval of the worker (jobs enqueued in-process wake it at once). */
  pollMs?: number;
  now?: () => number;
  bridgeAdmins?: readonly string[];
  /** Largest chat file uploaded to Ouro (FILE_MAX_BYTES); larger ones are mirrored as links. */
  fileMaxBytes?: number;
  /** Where downloads wait for their upload (default the OS temp directory). */
  fileTmpDir?: string;
  /** Messages under a followed asset's comment card become Ouro comments (src/comments/from-chat.ts). */
  commentReplies?: CommentRepliesPort;
  /** A `comment` webhook for an asset some channel follows: poll its comments now. */
  onComment?: (assetId: string, alsoRepliesOf: string[]) => void;
}

/**
 * Chat messages in the thread of a comment card (src/comments/from-chat.ts). Each answers
 * true when the message belongs to such a thread and was dealt with there (not mirrored).
 */
export interface CommentRepliesPort {
  posted(job: Job, event: Omit<MessagePosted, 'raw'>): Promise<boolean>;
  edited(job: Job, event: Omit<MessageEdited, 'raw'>): Promise<boolean>;
  /** The card threads of `platform` a catch-up reads (./catch-up.ts), each from its newest reply recorded before `anchorBefore`. */
  catchUpPlaces(platform: Platform, opts: { anchorBefore: number }): Promise<CatchUpPlace[]>;
}
