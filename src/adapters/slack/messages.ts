/**
 * Slack message events → neutral message events (posted, edited, deleted), for every
 * subtype Slack sends. Keys are stable across Slack's retries: a post by channel + ts, an
 * edit by the edit's ts, a delete by the deleted ts.
 *
 * Ignored on purpose (the reason is returned and logged at debug): our own bot's and app's
 * messages, other bots' unless allowed, subtypes that are not conversation (channel_join,
 * channel_topic, …), and message_changed events that do not change the text (Slack sends
 * them when an unfurl or a reply count is added).
 */
import type { ChatFile, ChatUser, InboundEvent, ResolvableMessage, Unresolved } from '../../bridge/types.ts';
import type { Logger } from '../../log.ts';
import type { Directory, SlackPerson } from './admin.ts';
import { fromSlack, mentionedUserIds } from './from-slack.ts';
import { slackRef, threadOf, tsToMillis } from './ids.ts';

export interface MessageDeps {
  self: SelfIds;
  ignoreOtherBots: boolean;
  directory: Directory;
  logger: Logger;
}

export interface SelfIds {
  userId?: string;
  botId?: string;
  appId?: string;
}

/** A file object on a message (Slack sends many more fields). */
export interface SlackFile {
  id?: string;
  name?: string;
  title?: string;
  mimetype?: string;
  size?: number;
  permalink?: string;
  url_private?: string;
  /** Needs the bot token (and the files:read scope). */
  url_private_download?: string;
  /** A file deleted, or not shared with the bot: `tombstone`, `hidden_by_limit`. */
  mode?: string;
}

/** Slack files as the core sees them; one Slack no longer shows is named, not carried. */
export function chatFiles(files: readonly SlackFile[]): ChatFile[] {
  return files.map((f) => {
    const out: ChatFile = { name: f.name ?? f.title ?? 'file' };
    const url = f.permalink ?? f.url_private;
    if (url) out.url = url;
    if (f.id) out.id = f.id;
    if (typeof f.size === 'number') out.size = f.size;
    if (f.mimetype) out.mime = f.mimetype;
    const download = f.url_private_download ?? f.url_private;
    if (download && f.mode !== 'tombstone' && f.mode !== 'hidden_by_limit') out.download = download;
    return out;
  });
}

/** The message fields we read; Slack sends many more. */
export interface SlackMessage {
  type?: string;
  subtype?: string;
  channel?: string;
  team?: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  username?: string;
  bot_profile?: { name?: string; app_id?: string; icons?: { image_72?: string } };
  icons?: { image_72?: string; image_48?: string };
  text?: string;
  blocks?: unknown[];
  ts?: string;
  thread_ts?: string;
  event_ts?: string;
  edited?: { ts?: string; user?: string };
  files?: SlackFile[];
  message?: SlackMessage;
  previous_message?: SlackMessage;
  deleted_ts?: string;
  hidden?: boolean;
}

const POSTED_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share', 'bot_message', 'me_message']);

export function isOwn(m: SlackMessage | undefined, self: SelfIds): boolean {
  if (!m) return false;
  return (
    (!!self.botId && m.bot_id === self.botId) ||
    (!!self.appId && (m.app_id === self.appId || m.bot_profile?.app_id === self.appId)) ||
    (!!self.userId && m.user === self.userId)
  );
}

export const isBotMessage = (m: SlackMessage) => Boolean(m.bot_id || m.subtype === 'bot_message' || m.bot_profile);

type Translated = { event: InboundEvent } | { ignored: string };

/** Message events (all subtypes) → an InboundEvent, or the reason it is not one. */
export async function translateMessage(e: SlackMessage, team: string, deps: MessageDeps): Promise<Translated> {
  const channel = e.channel;
  if (!channel) return { ignored: 'message without channel' };
  const refFor = (m: SlackMessage) => slackRef(team, channel, threadOf(m));
  if (POSTED_SUBTYPES.has(e.subtype)) {
    if (isOwn(e, deps.self)) return { ignored: 'own message' };
    if (isBotMessage(e) && deps.ignoreOtherBots) return { ignored: 'other bot (ignoreOtherBots)' };
    if (!e.ts) return { ignored: 'message without ts' };
    return {
      event: {
        kind: 'message.posted',
        key: `slack:${channel}:${e.ts}`,
        ref: refFor(e),
        messageId: e.ts,
        ...authorAndText(e, deps),
        at: tsToMillis(e.ts),
        ...(e.files?.length ? { files: chatFiles(e.files) } : {}),
        raw: e,
      },
    };
  }
  if (e.subtype === 'message_changed') {
    const m = e.message;
    const prev = e.previous_message;
    if (!m?.ts) return { ignored: 'message_changed without message' };
    if (isOwn(m, deps.self) || isOwn(prev, deps.self)) return { ignored: 'own message edited' };
    if (isBotMessage(m) && deps.ignoreOtherBots) return { ignored: 'other bot edited (ignoreOtherBots)' };
    // A thread root deleted while it has replies stays as a tombstone: for the bridge, a delete.
    if (m.subtype === 'tombstone') {
      return {
        event: { kind: 'message.deleted', key: `slack:${channel}:${m.ts}:delete`, ref: refFor(m), messageId: m.ts, at: tsToMillis(e.event_ts ?? m.ts), raw: e },
      };
    }
    const fileIds = (x: SlackMessage) => (x.files ?? []).map((f) => `${f.id}:${f.mode ?? ''}`).join(',');
    if (prev && prev.text === m.text && JSON.stringify(prev.blocks ?? null) === JSON.stringify(m.blocks ?? null) && fileIds(prev) === fileIds(m)) {
      return { ignored: 'message_changed without a text or file change' };
    }
    const editTs = m.edited?.ts ?? e.event_ts ?? m.ts;
    return {
      event: {
        kind: 'message.edited',
        key: `slack:${channel}:${m.ts}:edit:${editTs}`,
        ref: refFor(m),
        messageId: m.ts,
        ...authorAndText(m, deps),
        at: tsToMillis(editTs),
        // Slack sends the files a message still has; one removed stays an asset on Ouro.
        files: chatFiles(m.files ?? []),
        raw: e,
      },
    };
  }
  if (e.subtype === 'message_deleted') {
    const ts = e.deleted_ts ?? e.previous_message?.ts;
    if (!ts) return { ignored: 'message_deleted without deleted_ts' };
    if (isOwn(e.previous_message, deps.self)) return { ignored: 'own message deleted' };
    return {
      event: {
        kind: 'message.deleted',
        key: `slack:${channel}:${ts}:delete`,
        ref: refFor(e.previous_message ?? {}),
        messageId: ts,
        at: tsToMillis(e.event_ts ?? e.ts ?? ts),
        raw: e,
      },
    };
  }
  return { ignored: `subtype ${e.subtype}` };
}

/** What `resolveEvent` reads back: the message's author and text as Slack sent them. */
interface SlackUnresolved {
  user?: string;
  text?: string;
  blocks?: unknown[];
}

/**
 * The author and Markdown text from what the directory already knows, without waiting:
 * this runs before the ack. A person not looked up yet (the author, or someone mentioned)
 * shows as their id, and the event carries what `resolveEvent` needs to look them up in the
 * job (users.info can wait up to a Retry-After; Slack wants the ack within 3 s).
 */
function authorAndText(m: SlackMessage, deps: MessageDeps): { author: ChatUser; text: string; unresolved?: Unresolved } {
  const person = m.user && !m.bot_id ? deps.directory.known(m.user) : undefined;
  const author = personAuthor(m, person);
  const text = fromSlack(m, { userName: deps.directory.cachedName });
  const missing = (m.user && !m.bot_id && !person) || mentionedUserIds(m).some((id) => deps.directory.cachedName(id) === undefined);
  if (!missing) return { author, text };
  const unresolved: SlackUnresolved = { user: m.user, text: m.text, ...(m.blocks ? { blocks: m.blocks } : {}) };
  return { author, text, unresolved: unresolved as Unresolved };
}

function personAuthor(m: SlackMessage, p: SlackPerson | undefined): ChatUser {
  if (m.user && !m.bot_id) {
    if (!p) return { id: m.user, name: m.user };
    return { id: m.user, name: p.name, ...(p.avatarUrl ? { avatarUrl: p.avatarUrl } : {}), ...(p.isBot ? { isBot: true } : {}) };
  }
  const id = m.bot_id ?? m.user ?? 'unknown-bot';
  const avatarUrl = m.icons?.image_72 ?? m.icons?.image_48 ?? m.bot_profile?.icons?.image_72;
  return { id, name: m.username ?? m.bot_profile?.name ?? id, isBot: true, ...(avatarUrl ? { avatarUrl } : {}) };
}

/**
 * ChatAdapter.resolveEvent for Slack: looks up (users.info, cached) the people the ack path
 * did not know, then converts the text again with their names. A failed lookup keeps the id.
 */
export async function resolveSlackEvent<E extends ResolvableMessage>(event: E, deps: MessageDeps): Promise<E> {
  const u = event.unresolved as SlackUnresolved | undefined;
  if (!u) return event;
  const m: SlackMessage = { user: u.user, text: u.text, ...(u.blocks ? { blocks: u.blocks } : {}) };
  let person: SlackPerson | undefined;
  if (m.user && event.author?.id === m.user && !event.author.isBot) {
    try {
      person = await deps.directory.person(m.user);
    } catch (err) {
      deps.logger.warn({ err, user: m.user }, 'slack users.info failed; showing the user id as the name');
    }
  }
  // Resolve mentioned users first so the pure converter can name them.
  await Promise.all(mentionedUserIds(m).map((id) => deps.directory.person(id).catch(() => undefined)));
  const { unresolved: _done, ...rest } = event;
  return {
    ...rest,
    ...(person && event.author ? { author: personAuthor(m, person) } : {}),
    text: fromSlack(m, { userName: deps.directory.cachedName }),
  } as E;
}
