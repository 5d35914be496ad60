/**
 * ChatRef ↔ Discord coordinates. Everything on Discord is named by a snowflake (a decimal
 * string of 17–20 digits today; we accept 1–22 so test fakes may use small numbers).
 *
 * - `workspace` = guild id, `channel` = the text channel (for a thread: its parent channel).
 * - `thread` = the thread's own channel id. A thread started from a message has the same id
 *   as that message, so "the thread rooted at message M" and "thread channel M" are one id;
 *   that is why the core can treat a Discord thread like a Slack `thread_ts`.
 *
 * Also here: the `custom_id` codec for buttons (Discord caps custom_id at 100 characters).
 */
import type { ChatRef } from '../../bridge/types.ts';
import { LIMITS } from './limits.ts';

const SNOWFLAKE = /^\d{1,22}$/;

export class DiscordRefError extends Error {
  override readonly name = 'DiscordRefError';
}

function check(what: string, value: string): string {
  if (!SNOWFLAKE.test(value)) throw new DiscordRefError(`not a Discord ${what} id: ${JSON.stringify(value)}`);
  return value;
}

/** A ref for a message seen in `channelId`; when that channel is a thread, `parentId` is its text channel. */
export function discordRef(guildId: string, channelId: string, thread?: { parentId: string } | null): ChatRef {
  check('guild', guildId);
  check('channel', channelId);
  if (thread) {
    return { platform: 'discord', workspace: guildId, channel: check('parent channel', thread.parentId), thread: channelId };
  }
  return { platform: 'discord', workspace: guildId, channel: channelId };
}

/**
 * Where to send for a ref: `channelId` is the channel a bot message goes to (the thread when
 * there is one); `parentId` is the channel that owns webhooks (threads cannot have their own);
 * `threadId` is the `thread_id` query parameter of a webhook execution.
 */
export function toDiscordTarget(ref: ChatRef): { channelId: string; parentId: string; threadId?: string } {
  if (ref.platform !== 'discord') throw new DiscordRefError(`not a Discord ref (platform ${ref.platform})`);
  check('channel', ref.channel);
  if (ref.thread !== undefined && ref.thread !== '') {
    check('thread', ref.thread);
    return { channelId: ref.thread, parentId: ref.channel, threadId: ref.thread };
  }
  return { channelId: ref.channel, parentId: ref.channel };
}

/** One-line form for logs and keys: `discord:<guild>/<channel>[/<thread>]`; round-trips exactly. */
export function encodeDiscordRef(ref: ChatRef): string {
  const { parentId, threadId } = toDiscordTarget(ref);
  check('guild', ref.workspace);
  return `discord:${ref.workspace}/${parentId}${threadId ? `/${threadId}` : ''}`;
}

export function decodeDiscordRef(value: string): ChatRef {
  const m = /^discord:(\d+)\/(\d+)(?:\/(\d+))?$/.exec(value);
  if (!m) throw new DiscordRefError(`not an encoded Discord ref: ${JSON.stringify(value)}`);
  return discordRef(m[1]!, m[3] ?? m[2]!, m[3] ? { parentId: m[2]! } : null);
}

/** Discord's cap on a component's custom_id. */
export const CUSTOM_ID_MAX = LIMITS.customId;
const SEP = '|';

/**
 * `actionId|value`. The action id may not contain `|`; the value may (only the first `|`
 * splits). Returns undefined when the result would exceed Discord's 100 characters, so the
 * caller can say so instead of sending something Discord rejects.
 */
export function encodeCustomId(actionId: string, value: string): string | undefined {
  if (actionId === '' || actionId.includes(SEP)) throw new DiscordRefError(`bad action id: ${JSON.stringify(actionId)}`);
  const id = `${actionId}${SEP}${value}`;
  return id.length <= CUSTOM_ID_MAX ? id : undefined;
}

export function decodeCustomId(customId: string): { actionId: string; value: string } {
  const i = customId.indexOf(SEP);
  if (i <= 0) return { actionId: customId, value: '' };
  return { actionId: customId.slice(0, i), value: customId.slice(i + 1) };
}
