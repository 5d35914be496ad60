/**
 * The contract between adapters and the core. Adapters translate platform events into
 * `InboundEvent`s and hand them to the `BridgeInbox`; the core calls back through the
 * `ChatAdapter` interface. Nothing here knows a platform SDK.
 */
import type { RichReply, Visibility } from '../chat/reply.ts';
import type { Platform } from '../store/types.ts';

export type { Platform, RichReply, Visibility };

/**
 * Where a message lives. Ids are the platform's own, as opaque strings.
 * - `workspace`: Slack team id, Discord guild id, `local` for the console.
 * - `thread`: the id of the thread's root message (Slack `thread_ts`; on Discord a thread
 *   started from a message has the message's id). Absent for the channel's top level.
 */
export interface ChatRef {
  platform: Platform;
  workspace: string;
  channel: string;
  thread?: string;
}

export type ChannelRef = Omit<ChatRef, 'thread'>;

export interface ChatUser {
  id: string;
  name: string;
  avatarUrl?: string;
  /** Another bot or app. The bridge's own messages never reach the inbox at all. */
  isBot?: boolean;
}

/**
 * Thrown by `ChatAdapter.resolveInvoker` when the platform could not say who the person is
 * (a failed lookup): the command is not run, and `forInvoker` tells them why, in words.
 */
export class InvokerUnknownError extends Error {
  override readonly name = 'InvokerUnknownError';
  constructor(readonly forInvoker: string) {
    super(forInvoker);
  }
}

export interface Invoker extends ChatUser {
  /** The platform says this person may administer the bridge (Slack admin/owner, Discord Manage Server). */
  isPlatformAdmin: boolean;
}

interface EventBase {
  /**
   * Idempotency key, unique per platform occurrence: Slack `event_id` (or `ts` for messages),
   * Discord message/interaction id, console sequence. A repeat of a key is dropped.
   */
  key: string;
  ref: ChatRef;
  /** The platform payload as received, for debugging only; the core never reads it. */
  raw?: unknown;
}

export interface MessagePosted extends EventBase {
  kind: 'message.posted';
  messageId: string;
  author: ChatUser;
  /** Markdown (converted at the adapter edge). */
  text: string;
  /** Milliseconds since epoch, as the platform stamped it. */
  at: number;
  /** Files attached: uploaded to Ouro when the adapter can download them, else linked. */
  files?: ChatFile[];
  /** See `Unresolved`. */
  unresolved?: Unresolved;
}

/** A file on a chat message, as the adapter saw it. */
export interface ChatFile {
  name: string;
  /** Where a person opens it on the platform (Slack permalink, Discord attachment URL). */
  url?: string;
  /** The platform's file id (Slack `F…`, Discord attachment id). */
  id?: string;
  /** Bytes, when the platform says. */
  size?: number;
  mime?: string;
  /** What `ChatAdapter.downloadFile` fetches (Slack `url_private_download`, Discord's CDN URL). */
  download?: string;
}

/** A file the core hands an adapter to upload into a thread. */
export interface UploadFile {
  name: string;
  mime: string;
  content: string | Uint8Array;
  title?: string;
}

/**
 * What an adapter could not look up before the ack (the ack only records): the platform's
 * own JSON, read back by that adapter's `resolveEvent` in the event's job. Absent when the
 * event is complete (e.g. every name was in the adapter's cache).
 */
export type Unresolved = Record<string, unknown>;

/** The parts of a message event (posted or edited) that `ChatAdapter.resolveEvent` completes. */
export interface ResolvableMessage {
  ref: ChatRef;
  text: string;
  author?: ChatUser;
  unresolved?: Unresolved;
}

export interface MessageEdited extends EventBase {
  kind: 'message.edited';
  messageId: string;
  author?: ChatUser;
  text: string;
  at: number;
  /** The message's files after the edit, when the platform says (absent: unknown, none carried). */
  files?: ChatFile[];
  /** See `Unresolved`. */
  unresolved?: Unresolved;
}

export interface MessageDeleted extends EventBase {
  kind: 'message.deleted';
  messageId: string;
  at: number;
}

/** Opaque handle an adapter needs to answer an interaction (response_url, interaction token…). */
export type ReplyTarget = { platform: Platform } & Record<string, unknown>;

export interface CommandInvoked extends EventBase {
  kind: 'command.invoked';
  invoker: Invoker;
  /** Everything after `/ouro `, as typed (Discord options are joined back into this grammar). */
  text: string;
  replyTo: ReplyTarget;
}

export interface ButtonPressed extends EventBase {
  kind: 'button.pressed';
  invoker: Invoker;
  actionId: string;
  value: string;
  /** The message carrying the button, so the core can update it. */
  messageId?: string;
  replyTo: ReplyTarget;
}

export interface LinkShared extends EventBase {
  kind: 'link.shared';
  messageId: string;
  urls: string[];
  replyTo: ReplyTarget;
}

export type InboundEvent = MessagePosted | MessageEdited | MessageDeleted | CommandInvoked | ButtonPressed | LinkShared;

export type InboundKind = InboundEvent['kind'];

/** What the adapter hands the core. Resolves once the event is durably recorded: that is the ack point. */
export interface BridgeInbox {
  receive(event: InboundEvent): Promise<{ accepted: boolean }>;
}

export interface OutboundMessage {
  /** Markdown; the adapter converts it to platform markup. */
  text: string;
  /** Shown as the sender where the platform allows (Slack `username`/`icon_url`, Discord webhook). */
  author?: { name: string; avatarUrl?: string };
  rich?: RichReply;
  /**
   * Names a relayed post (the Ouro message id), so `findPosted` can recognise it later. An
   * adapter that can hide data in a message stores it there (Slack message metadata); others
   * ignore it.
   */
  marker?: string;
}

/** What `findPosted` looks for: the post's marker, and the message as it would be posted again. */
export interface PostProbe {
  marker: string;
  message: OutboundMessage;
}

export interface PostedMessage {
  messageId: string;
  /** Set when posting created a thread whose id differs from the message id. */
  thread?: string;
  /**
   * The further messages a post too long for one was split into, in order (`messageId` is
   * the first). The core records them with it, so an edit or a delete reaches every part.
   */
  parts?: string[];
}

export interface AdapterHealth {
  connected: boolean;
  detail?: string;
}

/**
 * Required part: every platform can do this. Optional members are capabilities the core
 * checks before use (`if (adapter.uploadFile)`), degrading gracefully when absent.
 */
export interface ChatAdapter {
  readonly platform: Platform;
  start(inbox: BridgeInbox): Promise<void>;
  stop(): Promise<void>;
  health(): AdapterHealth;
  /** Post at `ref` (in `ref.thread` when set). */
  post(ref: ChatRef, message: OutboundMessage): Promise<PostedMessage>;
  /**
   * `parts`: the other messages of the same post at `ref` (PostedMessage.parts). An adapter
   * that splits long posts lays the new text over them (and deletes parts it no longer
   * needs); any other adapter edits or deletes each of them like `messageId`.
   * `edit` skips a message the platform says no longer exists (a person deleted it) and
   * throws MessageGoneError (message-gone.ts) when none of the post's messages exists any more;
   * `delete` of a message already gone succeeds.
   */
  edit(ref: ChatRef, messageId: string, message: OutboundMessage, parts?: readonly string[]): Promise<void>;
  delete(ref: ChatRef, messageId: string, parts?: readonly string[]): Promise<void>;
  /** Answer a command or button press, to the channel or to the invoker alone. */
  reply(target: ReplyTarget, reply: RichReply, visibility: Visibility): Promise<void>;

  uploadFile?(ref: ChatRef, file: UploadFile): Promise<void>;
  /**
   * Writes the bytes of `file` (its `download` URL, fetched with the adapter's credential)
   * to the path `dest`, streaming. Throws FileTooLargeError (src/ouro/errors.ts) past
   * `maxBytes`, and errors with the HTTP `status` otherwise (a 4xx is final).
   */
  downloadFile?(file: ChatFile, dest: string, maxBytes: number): Promise<{ size: number; mime?: string }>;
  /** The largest file `uploadFile` sends (the platform's limit, from the adapter's limits table). */
  readonly uploadMaxBytes?: number;
  unfurl?(target: ReplyTarget, previews: Record<string, RichReply>): Promise<void>;
  react?(ref: ChatRef, messageId: string, emoji: string): Promise<void>;
  /**
   * Posts of ours at `ref`, no older than `since` (ms since epoch), that match `probe`: the
   * marker where the platform keeps it, else the content and sender. Oldest first; the core
   * skips those the message map already gives to another message, so a candidate may be a
   * look-alike. Used when an earlier run may have posted and lost the answer (crash, timeout,
   * 5xx after the write). Reads are bounded, so a very busy place may hide an old post.
   */
  findPosted?(ref: ChatRef, probe: PostProbe, since: number): Promise<PostedMessage[]>;
  /**
   * Catch-up: the messages posted at `ref` after message `afterMessageId` (exclusive), oldest
   * first, at most `limit` (the oldest ones when there are more), as `message.posted` events
   * built like live ones (same keys, text, author, files). Messages the live path ignores
   * (ours, other bots', system messages) are left out. Edits and deletes made meanwhile are
   * not recovered. Rate limits are waited out within reason; other errors throw.
   */
  messagesSince?(ref: ChatRef, afterMessageId: string, limit: number): Promise<InboundEvent[]>;
  /**
   * Registers `fn`, called whenever the adapter starts receiving on a new session into which
   * the platform does not replay what it sent while no session listened (Discord READY, not
   * RESUMED, the first READY included; a Slack Socket Mode reconnect, not the first
   * connection, which the runtime's start-up catch-up covers).
   */
  onFreshSession?(fn: () => void): void;
  /**
   * A notice only `userId` sees, at `ref` (Slack ephemeral message, console line). Used when
   * there is no command to answer (a key pasted into a message, a linked key that stopped working).
   */
  tellPrivately?(ref: ChatRef, userId: string, reply: RichReply): Promise<void>;
  /**
   * Completes a message event recorded with `unresolved`: looks up on the platform what the
   * ack could not wait for (the author's name and avatar, mentioned people's names) and
   * returns the event with them. Runs in the event's job, so it may wait on the platform;
   * a lookup that fails leaves what the event had (an id for a name), as it says in its log.
   */
  resolveEvent?<E extends ResolvableMessage>(event: E): Promise<E>;
  /**
   * Completes the invoker of a command or button press, recorded before the ack from what
   * the adapter knew without waiting (admin rights unknown there): runs after the ack,
   * before the command; may wait on the platform. Null: the person may not use the bridge
   * from where they are (a place the operator does not allow); the event is dropped. A failed
   * lookup throws InvokerUnknownError.
   */
  resolveInvoker?(invoker: Invoker): Promise<Invoker | null>;
  /** Channel display name, for naming conversations (`#materials-lab (Slack)`). */
  channelName?(ref: ChannelRef): Promise<string | undefined>;
}
