/**
 * Slack → neutral events. bolt listeners translate messages (and their edits and deletes),
 * `/ouro`, app mentions, button presses, the quest modal and shared links into
 * `InboundEvent`s for the core's inbox.
 *
 * Keys are stable across Slack's retries (same payload → same key), so the core's dedupe
 * turns a retried delivery into a no-op: messages by channel + ts, edits by the edit's ts,
 * commands by trigger_id. In HTTP mode the receiver answers only after the inbox has the
 * event (processBeforeResponse), so a failure yields HTTP 500 and Slack delivers again.
 *
 * Ignored on purpose (logged at debug): our own bot's and app's messages, other bots' unless
 * allowed, subtypes that are not conversation (channel_join, channel_topic, …), and
 * message_changed events that do not change the text (unfurls, reply counts).
 */
import type { App } from '@slack/bolt';
import type { BridgeInbox, ChatUser, InboundEvent, Invoker } from '../../bridge/types.ts';
import type { Logger } from '../../log.ts';
import type { Directory } from './admin.ts';
import { fromSlack, mentionedUserIds } from './from-slack.ts';
import { slackRef, threadOf, tsToMillis } from './ids.ts';
import { QUEST_MODAL_CALLBACK, questCommandFromView, type ModalOrigin } from './modal.ts';
import type { SlackReplyTarget } from './outbound.ts';

export interface SelfIds {
  userId?: string;
  botId?: string;
  appId?: string;
}

export interface InboundDeps {
  inbox(): BridgeInbox;
  self: SelfIds;
  ignoreOtherBots: boolean;
  directory: Directory;
  logger: Logger;
  openQuestModal(triggerId: string, origin: ModalOrigin): Promise<void>;
  /** Hosts whose links we unfurl (the manifest's unfurl domains). */
  unfurlDomains: readonly string[];
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
  files?: { name?: string; title?: string; permalink?: string; url_private?: string }[];
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
export async function translateMessage(e: SlackMessage, team: string, deps: InboundDeps): Promise<Translated> {
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
        author: await authorOf(e, deps),
        text: await markdownOf(e, deps),
        at: tsToMillis(e.ts),
        ...(e.files?.length ? { files: e.files.map((f) => ({ name: f.name ?? f.title ?? 'file', url: f.permalink ?? f.url_private })) } : {}),
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
    if (prev && prev.text === m.text && JSON.stringify(prev.blocks ?? null) === JSON.stringify(m.blocks ?? null)) {
      return { ignored: 'message_changed without a text change' };
    }
    const editTs = m.edited?.ts ?? e.event_ts ?? m.ts;
    return {
      event: {
        kind: 'message.edited',
        key: `slack:${channel}:${m.ts}:edit:${editTs}`,
        ref: refFor(m),
        messageId: m.ts,
        author: await authorOf(m, deps),
        text: await markdownOf(m, deps),
        at: tsToMillis(editTs),
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

async function authorOf(m: SlackMessage, deps: InboundDeps): Promise<ChatUser> {
  if (m.user && !m.bot_id) {
    try {
      const p = await deps.directory.person(m.user);
      return { id: m.user, name: p.name, ...(p.avatarUrl ? { avatarUrl: p.avatarUrl } : {}), ...(p.isBot ? { isBot: true } : {}) };
    } catch (err) {
      deps.logger.warn({ err, user: m.user }, 'slack users.info failed; showing the user id as the name');
      return { id: m.user, name: m.user };
    }
  }
  const id = m.bot_id ?? m.user ?? 'unknown-bot';
  const avatarUrl = m.icons?.image_72 ?? m.icons?.image_48 ?? m.bot_profile?.icons?.image_72;
  return { id, name: m.username ?? m.bot_profile?.name ?? id, isBot: true, ...(avatarUrl ? { avatarUrl } : {}) };
}

async function markdownOf(m: SlackMessage, deps: InboundDeps): Promise<string> {
  // Resolve mentioned users first so the pure converter can name them.
  await Promise.all(mentionedUserIds(m).map((id) => deps.directory.person(id).catch(() => undefined)));
  return fromSlack(m, { userName: deps.directory.cachedName });
}

async function invokerOf(userId: string, fallbackName: string | undefined, deps: InboundDeps): Promise<Invoker> {
  try {
    const p = await deps.directory.person(userId);
    return { id: userId, name: p.name, ...(p.avatarUrl ? { avatarUrl: p.avatarUrl } : {}), isPlatformAdmin: await deps.directory.isAdmin(userId) };
  } catch (err) {
    deps.logger.warn({ err, user: userId }, 'slack users.info failed; treating the invoker as a non-admin');
    return { id: userId, name: fallbackName ?? userId, isPlatformAdmin: await deps.directory.isAdmin(userId).catch(() => false) };
  }
}

/** Link hosts we preview: the domain itself and its subdomains. */
export function isUnfurlable(url: string, domains: readonly string[]): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return domains.some((d) => host === d || host.endsWith(`.${d}`));
  } catch {
    return false;
  }
}

const isQuestCreateWithoutArgs = (text: string) => /^quest\s+create$/i.test(text.trim());

export function registerInbound(app: App, deps: InboundDeps): void {
  const { logger } = deps;
  const deliver = async (event: InboundEvent) => {
    const { accepted } = await deps.inbox().receive(event);
    if (!accepted) logger.debug({ key: event.key, kind: event.kind }, 'slack event already received (retry); dropped');
  };

  app.event('message', async ({ event, body }) => {
    const team = (body as { team_id?: string }).team_id ?? (event as SlackMessage).team ?? '';
    const t = await translateMessage(event as SlackMessage, team, deps);
    if ('ignored' in t) logger.debug({ reason: t.ignored, ts: (event as SlackMessage).ts }, 'slack message ignored');
    else await deliver(t.event);
  });

  app.event('app_mention', async ({ event, body }) => {
    const e = event as SlackMessage & { user?: string };
    if (!e.user || !e.channel || !e.ts || isOwn(e, deps.self)) return;
    const team = (body as { team_id?: string }).team_id ?? '';
    const thread = e.thread_ts ?? e.ts;
    const replyTo: SlackReplyTarget = { platform: 'slack', team, channel: e.channel, user: e.user, thread };
    await deliver({
      kind: 'command.invoked',
      key: `slack:${e.channel}:${e.ts}:mention`,
      ref: slackRef(team, e.channel, threadOf(e)),
      invoker: await invokerOf(e.user, undefined, deps),
      text: 'help',
      replyTo,
      raw: e,
    });
  });

  app.command('/ouro', async ({ command, ack }) => {
    const text = command.text.trim();
    const origin: ModalOrigin = { team: command.team_id, channel: command.channel_id, responseUrl: command.response_url };
    if (isQuestCreateWithoutArgs(text)) {
      await ack();
      await deps.openQuestModal(command.trigger_id, origin);
      return;
    }
    const replyTo: SlackReplyTarget = {
      platform: 'slack',
      team: command.team_id,
      channel: command.channel_id,
      user: command.user_id,
      responseUrl: command.response_url,
    };
    try {
      await deliver({
        kind: 'command.invoked',
        key: `slack:command:${command.trigger_id}`,
        ref: slackRef(command.team_id, command.channel_id),
        invoker: await invokerOf(command.user_id, command.user_name, deps),
        text,
        replyTo,
        raw: command,
      });
    } catch (err) {
      logger.error({ err }, 'slack /ouro could not be handed to the bridge');
      await ack({ response_type: 'ephemeral', text: 'The bridge could not take this command right now; please try again in a minute.' });
      return;
    }
    // Help answers at once; anything else may take a while (queries, Ouro calls).
    await ack(text === '' || /^help\b/i.test(text) ? undefined : { response_type: 'ephemeral', text: 'Working on it…' });
  });

  app.action({ type: 'block_actions' }, async ({ ack, body, action }) => {
    await ack();
    const b = body as {
      team?: { id?: string } | null;
      user: { id: string; name?: string; username?: string };
      channel?: { id?: string };
      message?: { ts?: string; thread_ts?: string };
      container?: { message_ts?: string; thread_ts?: string };
      response_url?: string;
      trigger_id?: string;
    };
    const a = action as { action_id: string; action_ts?: string; value?: string; selected_option?: { value?: string } };
    const channel = b.channel?.id;
    const team = b.team?.id ?? '';
    if (!channel) {
      logger.warn({ actionId: a.action_id }, 'slack button press outside a channel (e.g. in a modal) ignored');
      return;
    }
    const thread = b.message?.thread_ts && b.message.thread_ts !== b.message.ts ? b.message.thread_ts : undefined;
    const replyTo: SlackReplyTarget = {
      platform: 'slack',
      team,
      channel,
      user: b.user.id,
      ...(b.response_url ? { responseUrl: b.response_url } : {}),
      ...(thread ? { thread } : {}),
    };
    await deliver({
      kind: 'button.pressed',
      key: `slack:action:${channel}:${b.message?.ts ?? ''}:${a.action_id}:${a.action_ts ?? b.trigger_id}:${b.user.id}`,
      ref: slackRef(team, channel, thread),
      invoker: await invokerOf(b.user.id, b.user.name ?? b.user.username, deps),
      actionId: a.action_id,
      value: a.value ?? a.selected_option?.value ?? '',
      ...(b.message?.ts ? { messageId: b.message.ts } : {}),
      replyTo,
      raw: body,
    });
  });

  app.view(QUEST_MODAL_CALLBACK, async ({ ack, body, view }) => {
    const result = questCommandFromView(view);
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    const origin = result.origin;
    if (!origin) {
      await ack({ response_action: 'errors', errors: { name: 'This form lost track of its channel; run /ouro quest create again.' } });
      return;
    }
    const user = body.user.id;
    const replyTo: SlackReplyTarget = {
      platform: 'slack',
      team: origin.team,
      channel: origin.channel,
      user,
      ...(origin.responseUrl ? { responseUrl: origin.responseUrl } : {}),
    };
    await deliver({
      kind: 'command.invoked',
      key: `slack:view:${view.id}:${view.hash}`,
      ref: slackRef(origin.team, origin.channel, origin.thread),
      invoker: await invokerOf(user, body.user.name, deps),
      text: result.text,
      replyTo,
      raw: body,
    });
    await ack();
  });

  app.event('link_shared', async ({ event, body }) => {
    const e = event as { channel: string; user: string; message_ts: string; thread_ts?: string; links: { url: string }[]; unfurl_id?: string; source?: string };
    const urls = e.links.map((l) => l.url).filter((u) => isUnfurlable(u, deps.unfurlDomains));
    if (urls.length === 0) return;
    const team = (body as { team_id?: string }).team_id ?? '';
    const replyTo: SlackReplyTarget = {
      platform: 'slack',
      team,
      channel: e.channel,
      user: e.user,
      messageTs: e.message_ts,
      ...(e.unfurl_id ? { unfurlId: e.unfurl_id } : {}),
      ...(e.source ? { source: e.source } : {}),
    };
    // The composer previews a link before a message exists: its channel is "COMPOSER".
    const channel = /^[A-Z0-9]+$/.test(e.channel) ? e.channel : 'COMPOSER';
    await deliver({
      kind: 'link.shared',
      key: `slack:${channel}:${e.message_ts}:links:${(body as { event_id?: string }).event_id ?? urls.join(' ')}`,
      ref: slackRef(team, channel, e.thread_ts && e.thread_ts !== e.message_ts ? e.thread_ts : undefined),
      messageId: e.message_ts,
      urls,
      replyTo,
      raw: event,
    });
  });
}
