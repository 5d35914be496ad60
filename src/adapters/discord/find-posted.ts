/**
 * Finding a relayed post again after its answer was lost. A webhook message cannot carry
 * hidden data, so a post is recognised by what it shows: in the thread (or channel), newer
 * than `since` (read newest first, a bounded number of pages), sent by our channel webhook
 * under the author's name with the text as content, every part of it when it was split; or,
 * where the bot had no Manage Webhooks, sent by the bot with the author's name in the text. Identical texts of two messages look alike here: the core skips
 * posts the message map already gives to another message.
 * Reading needs View Channel and Read Message History; without them nothing is found.
 */
import type { REST } from 'discord.js';
import type { ChatRef, PostedMessage, PostProbe } from '../../bridge/types.ts';
import type { Logger } from '../../log.ts';
import { toDiscordTarget } from './ids.ts';
import { relayParts, webhookName, withAuthor } from './outbound.ts';
import { DiscordCode, isCode } from './rest-errors.ts';
import type { WebhookRegistry } from './webhooks.ts';

/** Discord's cap per page of GET /channels/{id}/messages, and the pages one search reads. */
const PAGE = 100;
const MAX_PAGES = 5;
const DISCORD_EPOCH = 1420070400000n;

interface ReadMessage {
  id: string;
  content?: string;
  webhook_id?: string;
  author?: { id?: string; username?: string };
}

/** The smallest snowflake of time `ms` (ids of later messages are larger). */
export function snowflakeAt(ms: number): string {
  const t = BigInt(Math.max(0, Math.floor(ms)));
  return t <= DISCORD_EPOCH ? '0' : String((t - DISCORD_EPOCH) << 22n);
}

export interface FindDeps {
  rest: REST;
  webhooks: WebhookRegistry;
  botUserId: () => string | undefined;
  logger: Logger;
}

export async function findPosted(d: FindDeps, ref: ChatRef, probe: PostProbe, since: number): Promise<PostedMessage[]> {
  const { message } = probe;
  if (message.rich) return [];
  const target = toDiscordTarget(ref);
  // A long text goes out as several messages; a post counts as found only when every part
  // is there (a part lost with the answer would otherwise stay missing: posting the whole
  // text again, a partial double, is the lesser fault).
  const parts = relayParts(message.text, message.author?.name).map((p) => p.trim());
  const name = message.author?.name;
  const hookId = await d.webhooks.forChannel(target.parentId).then(
    (h) => h.id,
    (err: unknown) => {
      if (isCode(err, DiscordCode.MissingPermissions, DiscordCode.MissingAccess)) return undefined;
      throw err;
    },
  );
  /** Which part of the text `m` is (ours, by webhook or bot), or -1. */
  const partOf = (m: ReadMessage): number => {
    const text = (m.content ?? '').trim();
    if (m.webhook_id) return m.webhook_id === hookId && (!name || m.author?.username === webhookName(name)) ? parts.indexOf(text) : -1;
    if (!m.author?.id || m.author.id !== d.botUserId()) return -1;
    return parts.findIndex((part) => withAuthor(part, name).trim() === text);
  };
  // Newest first: the earlier try was recent, so its post is near the end of the channel.
  const floor = BigInt(snowflakeAt(since));
  const seen: { id: bigint; part: number }[] = [];
  let before: bigint | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let batch: ReadMessage[];
    try {
      const query = new URLSearchParams({ limit: String(PAGE), ...(before !== undefined ? { before: String(before) } : {}) });
      batch = (await d.rest.get(`/channels/${target.channelId}/messages`, { query })) as ReadMessage[];
    } catch (err) {
      // A thread that does not exist yet holds no post; a channel we cannot read hides it.
      if (isCode(err, DiscordCode.UnknownChannel)) return [];
      if (!isCode(err, DiscordCode.MissingAccess, DiscordCode.MissingPermissions)) throw err;
      d.logger.warn({ channelId: target.channelId }, 'discord: cannot read the channel (Read Message History) to look for an earlier post; posting again');
      return [];
    }
    for (const m of batch) {
      const part = BigInt(m.id) > floor ? partOf(m) : -1;
      if (part >= 0) seen.push({ id: BigInt(m.id), part });
    }
    if (batch.length === 0) break;
    before = batch.reduce((min, m) => (BigInt(m.id) < min ? BigInt(m.id) : min), BigInt(batch[0]!.id));
    if (batch.length < PAGE || before <= floor) break;
    if (page === MAX_PAGES - 1) d.logger.warn({ channelId: target.channelId }, 'discord: stopped reading for an earlier post after the page limit');
  }
  seen.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Part k of a post is the first message after its first part that reads as part k.
  const rest = (first: bigint) => parts.slice(1).map((_, i) => seen.find((s) => s.part === i + 1 && s.id > first));
  const found: PostedMessage[] = [];
  for (const s of seen) {
    if (s.part !== 0) continue;
    const others = rest(s.id);
    if (others.some((o) => o === undefined)) continue;
    found.push(others.length ? { messageId: String(s.id), parts: others.map((o) => String(o!.id)) } : { messageId: String(s.id) });
  }
  return found;
}
