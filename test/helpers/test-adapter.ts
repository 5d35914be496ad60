/**
 * A ChatAdapter for tests: a real implementation of the contract whose "platform" is an
 * in-memory list. It records every post/edit/delete/reply the core makes, keeps the current
 * text of each message, and lets a test play a person (post, reply in a thread, edit,
 * delete, run a command) by handing the events to the inbox exactly as a platform adapter
 * would. Like real adapters, it never reports the bridge's own messages back.
 */
import type {
  AdapterHealth,
  BridgeInbox,
  ChannelRef,
  ChatAdapter,
  ChatRef,
  ChatUser,
  InboundEvent,
  OutboundMessage,
  PostedMessage,
  PostProbe,
  ReplyTarget,
} from '../../src/bridge/types.ts';
import { MessageGoneError } from '../../src/bridge/message-gone.ts';
import type { RichReply, Visibility } from '../../src/chat/reply.ts';
import type { Platform } from '../../src/store/types.ts';

export interface SentOp {
  op: 'post' | 'edit' | 'delete';
  ref: ChatRef;
  messageId: string;
  text?: string;
  author?: { name: string; avatarUrl?: string };
}

export interface ReplyOp {
  target: ReplyTarget;
  reply: RichReply;
  visibility: Visibility;
}

export interface ChatMessage {
  ref: ChatRef;
  messageId: string;
  text: string;
  author: string;
  byBridge: boolean;
  deleted: boolean;
  /** The marker a relayed post carried, and when it was stored (ms). */
  marker?: string;
  at?: number;
}

export class TestAdapter implements ChatAdapter {
  readonly ops: SentOp[] = [];
  readonly replies: ReplyOp[] = [];
  /** Every message in the fake platform, people's and the bridge's, in posting order. */
  readonly messages: ChatMessage[] = [];
  private inbox: BridgeInbox | undefined;
  private seq = 0;
  private started = false;
  /** Make the next N posts fail (the platform being down). */
  failPosts = 0;
  /** Make the next N posts store the message, then fail (the answer lost: timeout, 5xx after the write). */
  failAfterWrite = 0;
  /** Searches `findPosted` made. */
  readonly searches: { ref: ChatRef; marker: string; since: number }[] = [];

  constructor(
    readonly platform: Platform,
    readonly workspace = `${platform}-ws`,
    private readonly channelNames: Record<string, string> = {},
  ) {}

  async start(inbox: BridgeInbox): Promise<void> {
    this.inbox = inbox;
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
  }

  health(): AdapterHealth {
    return { connected: this.started };
  }

  private nextId(): string {
    this.seq++;
    return `${this.platform}-m${String(this.seq).padStart(5, '0')}`;
  }

  async post(ref: ChatRef, message: OutboundMessage): Promise<PostedMessage> {
    if (this.failPosts > 0) {
      this.failPosts--;
      throw Object.assign(new Error(`${this.platform} is unavailable`), { status: 503 });
    }
    const messageId = this.nextId();
    this.ops.push({ op: 'post', ref, messageId, text: message.text, ...(message.author ? { author: message.author } : {}) });
    const marker = message.marker ? { marker: message.marker } : {};
    this.messages.push({
      ref,
      messageId,
      text: message.text,
      author: message.author?.name ?? 'bridge',
      byBridge: true,
      deleted: false,
      at: Date.now(),
      ...marker,
    });
    if (this.failAfterWrite > 0) {
      this.failAfterWrite--;
      throw Object.assign(new Error(`${this.platform}: the answer to a post was lost`), { status: 502 });
    }
    return { messageId };
  }

  async findPosted(ref: ChatRef, probe: PostProbe, since: number): Promise<PostedMessage[]> {
    this.searches.push({ ref, marker: probe.marker, since });
    return this.messages
      .filter((m) => m.byBridge && m.marker === probe.marker && m.ref.channel === ref.channel && m.ref.thread === ref.thread && (m.at ?? 0) >= since)
      .map((m) => ({ messageId: m.messageId }));
  }

  async edit(ref: ChatRef, messageId: string, message: OutboundMessage): Promise<void> {
    const m = this.find(messageId);
    if (m?.deleted) throw new MessageGoneError(`${this.platform}: message ${messageId} was deleted`);
    this.ops.push({ op: 'edit', ref, messageId, text: message.text, ...(message.author ? { author: message.author } : {}) });
    if (m) m.text = message.text;
  }

  async delete(ref: ChatRef, messageId: string): Promise<void> {
    this.ops.push({ op: 'delete', ref, messageId });
    const m = this.find(messageId);
    if (m) m.deleted = true;
  }

  async reply(target: ReplyTarget, reply: RichReply, visibility: Visibility): Promise<void> {
    this.replies.push({ target, reply, visibility });
  }

  async channelName(ref: ChannelRef): Promise<string | undefined> {
    return this.channelNames[ref.channel];
  }

  private find(messageId: string): ChatMessage | undefined {
    return this.messages.find((m) => m.messageId === messageId);
  }

  /** Messages the bridge posted into a thread (or the top level when `thread` is undefined). */
  bridgePosts(channel: string, thread?: string): ChatMessage[] {
    return this.messages.filter((m) => m.byBridge && m.ref.channel === channel && m.ref.thread === thread);
  }

  ref(channel: string, thread?: string): ChatRef {
    return thread === undefined
      ? { platform: this.platform, workspace: this.workspace, channel }
      : { platform: this.platform, workspace: this.workspace, channel, thread };
  }

  /** Hands an event to the inbox as the platform would deliver it (possibly again). */
  async deliver(event: InboundEvent): Promise<{ accepted: boolean }> {
    if (!this.inbox) throw new Error('TestAdapter: start() it before delivering events');
    return this.inbox.receive(event);
  }

  /** A person writes a message; returns the event (deliver it again to simulate a retry). */
  async say(user: ChatUser, channel: string, text: string, opts: { thread?: string; files?: { name: string; url?: string }[] } = {}) {
    const messageId = this.nextId();
    const ref = this.ref(channel, opts.thread);
    this.messages.push({ ref, messageId, text, author: user.name, byBridge: false, deleted: false });
    const event: InboundEvent = {
      kind: 'message.posted',
      key: `posted:${messageId}`,
      ref,
      messageId,
      author: user,
      text,
      at: Date.now(),
      ...(opts.files ? { files: opts.files } : {}),
      raw: { test: true },
    };
    const ack = await this.deliver(event);
    return { messageId, event, ack };
  }

  async editAs(user: ChatUser, channel: string, messageId: string, text: string, opts: { thread?: string } = {}) {
    const m = this.find(messageId);
    if (m) m.text = text;
    const event: InboundEvent = {
      kind: 'message.edited',
      key: `edited:${messageId}:${++this.seq}`,
      ref: this.ref(channel, opts.thread),
      messageId,
      author: user,
      text,
      at: Date.now(),
    };
    return this.deliver(event);
  }

  async remove(channel: string, messageId: string, opts: { thread?: string } = {}) {
    const m = this.find(messageId);
    if (m) m.deleted = true;
    const event: InboundEvent = {
      kind: 'message.deleted',
      key: `deleted:${messageId}`,
      ref: this.ref(channel, opts.thread),
      messageId,
      at: Date.now(),
    };
    return this.deliver(event);
  }

  async command(user: ChatUser & { isPlatformAdmin?: boolean }, channel: string, text: string, opts: { thread?: string } = {}) {
    const key = `cmd:${++this.seq}`;
    const event: InboundEvent = {
      kind: 'command.invoked',
      key,
      ref: this.ref(channel, opts.thread),
      invoker: { ...user, isPlatformAdmin: user.isPlatformAdmin ?? false },
      text,
      replyTo: { platform: this.platform, key },
    };
    return this.deliver(event);
  }
}
