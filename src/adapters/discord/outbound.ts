/**
 * Core → Discord for messages in channels and threads.
 * - A message with an author (a relayed Ouro message) goes through the channel's webhook
 *   with `username`/`avatar_url`, into the thread with `thread_id`; edits and deletes of it go
 *   through the same webhook. Anything else (cards, notices, messages with buttons) is a plain
 *   bot message.
 * - A ref whose thread does not exist yet names the message to start it from (a thread
 *   started from a message has the message's id), so the thread is created first.
 * - Every send carries `allowed_mentions: {parse: []}`: text from Ouro never pings anyone.
 * - A text over 2,000 characters goes out as several messages, all returned (`parts`); an
 *   edit given them lays the new text over them in order (editPost).
 * Which path wrote a message is remembered in memory; after a restart an edit falls back
 * from one path to the other on Discord's "not your message" answers.
 */
import type { REST } from 'discord.js';
import type { ChatRef, OutboundMessage, PostedMessage } from '../../bridge/types.ts';
import { editEach, isMessageGone, MessageGoneError } from '../../bridge/message-gone.ts';
import type { Logger } from '../../log.ts';
import { toDiscordTarget } from './ids.ts';
import { layOver, renderReply, renderText, type DiscordMessageBody } from './render.ts';
import { DiscordCode, isCode } from './rest-errors.ts';
import type { WebhookRegistry } from './webhooks.ts';
import { truncate } from '../../text/cut.ts';
import { escapeMarkdown } from '../../text/markdown.ts';
import { LIMITS } from './limits.ts';

const NO_PINGS = { parse: [] as string[] };
/**
 * A relayed text goes out as at most this many messages; the last one says the rest is on
 * Ouro. The core caps the text before (chat-text.ts); this bounds what any caller can cause.
 */
export const MAX_PARTS = 5;
/** Remembered message paths; old entries fall back to trial and error, so the cap only bounds memory. */
const REMEMBER = 10_000;

type Path = { via: 'webhook'; webhookId: string; token: string } | { via: 'bot' };

interface ApiMessage {
  id: string;
  content?: string;
}

export class Outbound {
  private readonly paths = new Map<string, Path>();
  private readonly knownThreads = new Set<string>();
  /** Channels where the bot may not manage webhooks (until restart: granting it later takes effect then). */
  private readonly noWebhooks = new Set<string>();
  /** Ids of messages we deleted, so their MESSAGE_DELETE echo is not reported as a user's delete. */
  readonly deletedByUs = new Set<string>();

  constructor(
    private readonly rest: REST,
    private readonly webhooks: WebhookRegistry,
    private readonly logger: Logger,
    private readonly threadExists: (id: string) => boolean,
    /**
     * REST for creating relayed messages, without retries of its own: a create retried after
     * a 5xx or a reset may be a second copy. The core retries instead, after `findPosted`.
     */
    private readonly postRest: REST = rest,
  ) {}

  async post(ref: ChatRef, message: OutboundMessage): Promise<PostedMessage> {
    const target = toDiscordTarget(ref);
    if (target.threadId) await this.ensureThread(target.parentId, target.threadId);
    const bodies = this.bodies(message);
    const viaWebhook = message.author !== undefined && bodies.every((b) => b.components.length === 0);
    const rest = message.marker ? this.postRest : this.rest;
    const ids: string[] = [];
    for (const body of bodies) {
      let id: string | undefined;
      if (viaWebhook && !this.noWebhooks.has(target.parentId)) {
        try {
          id = await this.executeWebhook(rest, target.parentId, target.threadId, body, message.author!);
        } catch (err) {
          if (!isCode(err, DiscordCode.MissingPermissions)) throw err;
          // No Manage Webhooks here: still relay, as the bot, with the author's name in the text.
          this.logger.warn({ channelId: target.parentId }, 'discord: missing Manage Webhooks; relaying as the bot with the author name in the text');
          this.noWebhooks.add(target.parentId);
        }
      }
      id ??= await this.botSend(target.channelId, body, message.author?.name, rest);
      ids.push(id);
    }
    const [first, ...parts] = ids;
    return parts.length ? { messageId: first!, parts } : { messageId: first! };
  }

  /**
   * Edits a post. With `parts` (a post split into several messages, or further copies of
   * it), the new text is laid over all of them in the order they were sent; messages it no
   * longer needs are deleted. A part a person deleted is skipped and the text laid over the
   * rest; MessageGoneError only when every part is gone.
   */
  async editPost(ref: ChatRef, messageId: string, message: OutboundMessage, parts: readonly string[] = []): Promise<void> {
    if (parts.length === 0 || message.rich) return editEach([messageId, ...parts], (id) => this.edit(ref, id, message));
    let ids = [messageId, ...parts].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
    const all = ids;
    const rendered = relayParts(message.text, message.author?.name);
    let texts = layOver(rendered, ids.length);
    // After a gone part the text is laid over the rest again, from the first part; a part
    // already showing its new text is not edited twice.
    const shown = new Map<string, string>();
    for (let i = 0; i < texts.length; i++) {
      const [id, content] = [ids[i]!, texts[i]!];
      if (shown.get(id) === content) continue;
      try {
        await this.editBody(ref, id, { content, embeds: [], components: [], files: [] }, message.author);
        shown.set(id, content);
      } catch (err) {
        if (!isMessageGone(err)) throw err;
        ids = ids.filter((x) => x !== id);
        if (ids.length === 0) throw new MessageGoneError(`every message of the post is gone (${all.join(', ')})`);
        texts = layOver(rendered, ids.length);
        i = -1;
      }
    }
    for (const id of ids.slice(texts.length)) await this.delete(ref, id);
  }

  async edit(ref: ChatRef, messageId: string, message: OutboundMessage): Promise<void> {
    await this.editBody(ref, messageId, this.bodies(message, true)[0]!, message.author);
  }

  private async editBody(ref: ChatRef, messageId: string, body: DiscordMessageBody, author: OutboundMessage['author']): Promise<void> {
    const target = toDiscordTarget(ref);
    const payload = { ...wire(body), allowed_mentions: NO_PINGS };
    const known = this.paths.get(messageId);
    const viaWebhook = async () => {
      const hook = known?.via === 'webhook' ? { id: known.webhookId, token: known.token } : await this.webhooks.forChannel(target.parentId);
      await this.rest.patch(`/webhooks/${hook.id}/${hook.token}/messages/${messageId}`, { body: payload, auth: false, query: threadQuery(target.threadId) });
    };
    // No files on edits: a PATCH with files adds attachments, and the message keeps the ones it has.
    const viaBot = () =>
      this.rest.patch(`/channels/${target.channelId}/messages/${messageId}`, { body: { ...payload, content: withAuthor(body.content, author?.name) } });
    const webhookFirst = known ? known.via === 'webhook' : author !== undefined;
    // Unknown Message on the message's own route, or on both: a person deleted it.
    const gone = (err: unknown) =>
      isCode(err, DiscordCode.UnknownMessage) ? new MessageGoneError(`Discord message ${messageId} is gone (Unknown Message)`) : err;
    try {
      await (webhookFirst ? viaWebhook() : viaBot());
    } catch (err) {
      if (known || !isCode(err, DiscordCode.CannotEditOthersMessage, DiscordCode.UnknownMessage, DiscordCode.MissingPermissions)) throw gone(err);
      await (webhookFirst ? viaBot() : viaWebhook()).catch((second: unknown) => {
        throw gone(second);
      });
    }
  }

  async delete(ref: ChatRef, messageId: string): Promise<void> {
    const target = toDiscordTarget(ref);
    const known = this.paths.get(messageId);
    this.deletedByUs.add(messageId);
    trim(this.deletedByUs, REMEMBER);
    try {
      if (known?.via === 'webhook') {
        await this.rest.delete(`/webhooks/${known.webhookId}/${known.token}/messages/${messageId}`, { auth: false, query: threadQuery(target.threadId) });
      } else {
        // The bot deletes any message in channels where it has Manage Messages; without it, only its webhook's.
        try {
          await this.rest.delete(`/channels/${target.channelId}/messages/${messageId}`);
        } catch (err) {
          if (!isCode(err, DiscordCode.MissingPermissions)) throw err;
          const hook = await this.webhooks.forChannel(target.parentId);
          await this.rest.delete(`/webhooks/${hook.id}/${hook.token}/messages/${messageId}`, { auth: false, query: threadQuery(target.threadId) });
        }
      }
    } catch (err) {
      // Already gone is what the caller wanted.
      if (!isCode(err, DiscordCode.UnknownMessage)) throw err;
    }
    this.paths.delete(messageId);
  }

  async uploadFile(ref: ChatRef, file: { name: string; mime: string; content: string | Uint8Array; title?: string }): Promise<void> {
    const target = toDiscordTarget(ref);
    if (target.threadId) await this.ensureThread(target.parentId, target.threadId);
    // A view of the caller's bytes, not a copy (an Ouro file may be 10 MiB).
    const data =
      typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength);
    await this.botSend(target.channelId, { content: file.title ?? '', embeds: [], components: [], files: [{ name: file.name, contentType: file.mime, data }] });
  }

  private bodies(message: OutboundMessage, single = false): DiscordMessageBody[] {
    if (message.rich) return [renderReply(message.rich)];
    const parts = relayParts(message.text, message.author?.name);
    if (single && parts.length > 1) return [{ content: layOver(parts, 1)[0]!, embeds: [], components: [], files: [] }];
    return parts.map((content) => ({ content, embeds: [], components: [], files: [] }));
  }

  private async executeWebhook(
    rest: REST,
    channelId: string,
    threadId: string | undefined,
    body: DiscordMessageBody,
    author: NonNullable<OutboundMessage['author']>,
  ): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const hook = await this.webhooks.forChannel(channelId);
      try {
        const query = threadQuery(threadId);
        query.set('wait', 'true'); // without it Discord answers 204 and we would not learn the message id
        const msg = (await rest.post(`/webhooks/${hook.id}/${hook.token}`, {
          body: { ...wire(body), username: webhookName(author.name), avatar_url: author.avatarUrl, allowed_mentions: NO_PINGS },
          files: body.files,
          auth: false,
          query,
        })) as ApiMessage;
        this.remember(msg.id, { via: 'webhook', webhookId: hook.id, token: hook.token });
        return msg.id;
      } catch (err) {
        // Someone deleted our webhook: make a new one, once.
        if (attempt === 0 && isCode(err, DiscordCode.UnknownWebhook)) {
          this.logger.warn({ channelId }, 'discord: channel webhook is gone; creating a new one');
          this.webhooks.forget(channelId);
          continue;
        }
        throw err;
      }
    }
  }

  private async botSend(channelId: string, body: DiscordMessageBody, authorName?: string, rest: REST = this.rest): Promise<string> {
    const msg = (await rest.post(`/channels/${channelId}/messages`, {
      body: { ...wire(body), content: withAuthor(body.content, authorName), allowed_mentions: NO_PINGS },
      files: body.files,
    })) as ApiMessage;
    this.remember(msg.id, { via: 'bot' });
    return msg.id;
  }

  /** Makes sure thread `threadId` exists, starting it from message `threadId` in `parentId` if not. */
  private async ensureThread(parentId: string, threadId: string): Promise<void> {
    if (this.knownThreads.has(threadId) || this.threadExists(threadId)) return;
    try {
      await this.rest.get(`/channels/${threadId}`);
    } catch (err) {
      if (!isCode(err, DiscordCode.UnknownChannel)) throw err;
      const root = (await this.rest.get(`/channels/${parentId}/messages/${threadId}`)) as ApiMessage;
      try {
        await this.rest.post(`/channels/${parentId}/messages/${threadId}/threads`, {
          body: { name: threadName(root.content), auto_archive_duration: 1440 },
        });
      } catch (e) {
        if (!isCode(e, DiscordCode.ThreadAlreadyCreated)) throw e;
      }
    }
    this.knownThreads.add(threadId);
  }

  private remember(messageId: string, path: Path): void {
    this.paths.set(messageId, path);
    trim(this.paths, REMEMBER);
  }
}

function wire(body: DiscordMessageBody): Record<string, unknown> {
  return { content: body.content, embeds: body.embeds, components: body.components };
}

/** A bot message standing in for a webhook one names its author in the text. */
export function withAuthor(content: string, authorName: string | undefined): string {
  return authorName && content ? truncate(authorPrefix(authorName) + content, LIMITS.content) : content;
}

const authorPrefix = (authorName: string) => `**${escapeMarkdown(webhookName(authorName))}**: `;

/**
 * Room for text in one message: a message with an author may have to go out as the bot with
 * the author's name in front (no Manage Webhooks), so every part leaves room for that prefix.
 */
export const textRoom = (authorName: string | undefined): number => LIMITS.content - (authorName ? authorPrefix(authorName).length : 0);

/** The messages a relayed text goes out as (also what findPosted looks for). */
export const relayParts = (text: string, authorName: string | undefined): string[] =>
  layOver(renderText(text.trim() ? text : EMPTY_TEXT, textRoom(authorName)), MAX_PARTS);

/** What a blank text is shown as: Discord refuses a message with nothing in it (code 50006). */
export const EMPTY_TEXT = '_(empty message)_';

function threadQuery(threadId: string | undefined): URLSearchParams {
  return new URLSearchParams(threadId ? { thread_id: threadId } : {});
}

/** Discord rejects webhook usernames over 80 characters or containing "discord"/"clyde". */
export function webhookName(name: string): string {
  const safe =
    name
      .replace(/discord/gi, 'Dlscord')
      .replace(/clyde/gi, 'Clyd3')
      .trim() || 'Ouro';
  return truncate(safe, LIMITS.webhookUsername);
}

/** The first line of the root message that has words, without its Markdown line markers (`## `, `> `, `-# `, `- `). */
export function threadName(rootContent: string | undefined): string {
  const lines = (rootContent ?? '').slice(0, 4 * LIMITS.threadName).split('\n');
  const line = lines.map((l) => l.replace(/^(?:\s*(?:#{1,6}|>|-#|[-*+]|\d{1,9}[.)])[ \t]+)+/, '').trim()).find((l) => l && !/^(?:```|[-*_]{3,})/.test(l)) ?? '';
  return truncate(line || 'Ouro conversation', LIMITS.threadName);
}

function trim<T>(c: Set<T> | Map<T, unknown>, max: number): void {
  while (c.size > max) c.delete(c.keys().next().value as T);
}
