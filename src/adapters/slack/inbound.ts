/**
 * Slack → neutral events: bolt listeners for messages (see messages.ts), `/ouro`, app
 * mentions, button presses, the quest modal and shared links, handed to the core's inbox.
 *
 * Keys are stable across Slack's retries (same payload → same key), so the core's dedupe
 * turns a retried delivery into a no-op. An event is acknowledged only after the inbox has
 * it: in HTTP mode by processBeforeResponse (a failure yields HTTP 500), in Socket Mode by
 * socket-ack.ts (a failure sends no ack); either way Slack delivers again. Raw payloads handed on lose Slack's legacy verification `token`.
 */
import type { App } from '@slack/bolt';
import { InvokerUnknownError, type BridgeInbox, type InboundEvent, type Invoker } from '../../bridge/types.ts';
import type { PlaceGate } from '../place-gate.ts';
import { unescapeSlack } from './from-slack.ts';
import { slackRef, threadOf } from './ids.ts';
import { isOwn, translateMessage, type MessageDeps, type SlackMessage } from './messages.ts';
import { SAVE_THREAD_CALLBACK } from './manifest.ts';
import { QUEST_MODAL_CALLBACK, questCommandFromView, type ModalOrigin } from './modal.ts';
import { LOGIN_MODAL_CALLBACK, loginCommandFromView } from './login-modal.ts';
import { FORM_MODAL_CALLBACK, formCommandFromView } from './form-modal.ts';
import type { SlackReplyTarget } from './outbound.ts';

export type { SelfIds } from './messages.ts';

export interface InboundDeps extends MessageDeps {
  inbox(): BridgeInbox;
  openQuestModal(triggerId: string, origin: ModalOrigin): Promise<void>;
  openLoginModal(triggerId: string, origin: ModalOrigin): Promise<void>;
  /** Hosts whose links we unfurl (the manifest's unfurl domains). */
  unfurlDomains: readonly string[];
}

/** Slack's legacy verification token rides in payloads; it is not for the store or logs. */
function withoutToken<T extends object>(payload: T): T {
  const { token: _token, ...rest } = payload as T & { token?: unknown };
  return rest as T;
}

/**
 * The invoker from what the directory already knows, without waiting: this runs before the
 * ack. Admin rights are left false here; `resolveSlackInvoker` looks them up (users.info)
 * after the ack, before the command runs.
 */
function knownInvoker(userId: string, fallbackName: string | undefined, deps: InboundDeps): Invoker {
  const p = deps.directory.known(userId);
  return { id: userId, name: p?.name ?? fallbackName ?? userId, ...(p?.avatarUrl ? { avatarUrl: p.avatarUrl } : {}), isPlatformAdmin: false };
}

/**
 * ChatAdapter.resolveInvoker for Slack: name, avatar and admin rights from users.info
 * (cached), and the person's own team, which the place gate (places.ts) could check before
 * the ack only when it was cached: a person of a team the operator does not allow (a Slack
 * Connect guest) gets null, and nothing is done for them. When Slack does not answer, the
 * team stays unknown and the command is not run either (fail closed), with a worded answer.
 */
export async function resolveSlackInvoker(inv: Invoker, deps: Pick<InboundDeps, 'directory' | 'logger'> & { gate?: PlaceGate }): Promise<Invoker | null> {
  try {
    const p = await deps.directory.person(inv.id);
    if (deps.gate && p.teamId && !deps.gate.allows(p.teamId, { kind: 'command', user: inv.id })) return null;
    return { id: inv.id, name: p.name, ...(p.avatarUrl ? { avatarUrl: p.avatarUrl } : {}), isPlatformAdmin: await deps.directory.isAdmin(inv.id) };
  } catch (err) {
    // Whose team the person is on is unknown: nothing is done for them (fail closed), in words.
    deps.logger.warn({ err, user: inv.id }, "slack users.info failed; the command is not run (its person's team is unknown)");
    throw new InvokerUnknownError('Slack did not tell the bridge who you are just now, so nothing was done; please try again in a minute.');
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

/**
 * The command a mention of the app asks for. Slack runs no slash command inside a thread, so
 * `@Ouro route …` in a thread runs `route …` there (its input may be the thread's file);
 * anything else, a bare mention included, is answered with help as before.
 */
export function mentionCommand(text: string | undefined, botUserId: string | undefined): string {
  const own = botUserId ? new RegExp(`^\\s*<@${botUserId}(?:\\|[^>]*)?>[\\s:,]*`) : /^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s:,]*/;
  const rest = unescapeSlack((text ?? '').replace(own, '')).trim();
  return /^route\s+\S/i.test(rest) ? rest : 'help';
}

const isQuestCreateWithoutArgs = (text: string) => /^quest\s+create$/i.test(text.trim());
const isLoginWithoutArgs = (text: string) => /^login$/i.test(text.trim());
const isRouteWithoutArgs = (text: string) => /^route\s+\S+$/i.test(text.trim());

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
    if (!e.user || !e.channel || !e.ts || isOwn(e, deps.self)) {
      logger.debug({ ts: e.ts }, 'slack app_mention without user/channel, or our own: ignored');
      return;
    }
    const team = (body as { team_id?: string }).team_id ?? '';
    const thread = e.thread_ts ?? e.ts;
    const replyTo: SlackReplyTarget = { platform: 'slack', team, channel: e.channel, user: e.user, thread };
    await deliver({
      kind: 'command.invoked',
      key: `slack:${e.channel}:${e.ts}:mention`,
      ref: slackRef(team, e.channel, threadOf(e)),
      invoker: knownInvoker(e.user, undefined, deps),
      text: mentionCommand(e.text, deps.self.userId),
      replyTo,
      raw: e,
    });
  });

  app.command('/ouro', async ({ command, ack, respond }) => {
    const text = command.text.trim();
    const origin: ModalOrigin = { team: command.team_id, channel: command.channel_id, responseUrl: command.response_url };
    if (isQuestCreateWithoutArgs(text)) {
      await ack();
      try {
        await deps.openQuestModal(command.trigger_id, origin);
      } catch (err) {
        // The trigger id lives 3 s; a slow views.open loses it. Say so, with the typed form.
        logger.warn({ err }, 'slack views.open failed for the quest form');
        await respond({
          response_type: 'ephemeral',
          text: 'The quest form could not open. Type it instead: `/ouro quest create "Name" --item "first item" --item "second item"`',
        });
      }
      return;
    }
    if (isLoginWithoutArgs(text)) {
      await ack();
      try {
        await deps.openLoginModal(command.trigger_id, origin);
      } catch (err) {
        logger.warn({ err }, 'slack views.open failed for the login form');
        await respond({ response_type: 'ephemeral', text: 'The login form could not open; run `/ouro login` again in a moment.' });
      }
      return;
    }
    const replyTo: SlackReplyTarget = {
      platform: 'slack',
      team: command.team_id,
      channel: command.channel_id,
      user: command.user_id,
      responseUrl: command.response_url,
      triggerId: command.trigger_id,
    };
    try {
      await deliver({
        kind: 'command.invoked',
        key: `slack:command:${command.trigger_id}`,
        ref: slackRef(command.team_id, command.channel_id),
        invoker: knownInvoker(command.user_id, command.user_name, deps),
        text,
        replyTo,
        raw: withoutToken(command),
      });
    } catch (err) {
      logger.error({ err }, 'slack /ouro could not be handed to the bridge');
      await ack({ response_type: 'ephemeral', text: 'The bridge could not take this command right now; please try again in a minute.' });
      return;
    }
    // Help answers at once; a route named alone may open its form instead of answering; anything
    // else may take a while (queries, Ouro calls).
    await ack(text === '' || /^help\b/i.test(text) || isRouteWithoutArgs(text) ? undefined : { response_type: 'ephemeral', text: 'Working on it…' });
  });

  // "Save thread to Ouro" on a message: `/ouro post` for the message's thread (Slack runs no
  // slash command inside a thread). The answer goes into the thread.
  app.shortcut({ callback_id: SAVE_THREAD_CALLBACK, type: 'message_action' }, async ({ ack, shortcut }) => {
    await ack();
    const s = shortcut as {
      team?: { id?: string } | null;
      channel?: { id?: string };
      user: { id: string; name?: string; username?: string };
      message?: { ts?: string; thread_ts?: string };
      trigger_id: string;
    };
    const team = s.team?.id ?? '';
    const channel = s.channel?.id ?? '';
    const thread = s.message?.thread_ts ?? s.message?.ts;
    if (!channel || !thread) return void logger.warn('slack: message shortcut without channel or message; ignored');
    const replyTo: SlackReplyTarget = { platform: 'slack', team, channel, user: s.user.id, thread };
    try {
      await deliver({
        kind: 'command.invoked',
        key: `slack:shortcut:${s.trigger_id}`,
        ref: slackRef(team, channel, thread),
        invoker: knownInvoker(s.user.id, s.user.name ?? s.user.username, deps),
        text: 'post',
        replyTo,
      });
    } catch (err) {
      logger.error({ err }, 'slack shortcut could not be handed to the bridge');
    }
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
      invoker: knownInvoker(b.user.id, b.user.name ?? b.user.username, deps),
      actionId: a.action_id,
      value: a.value ?? a.selected_option?.value ?? '',
      ...(b.message?.ts ? { messageId: b.message.ts } : {}),
      replyTo,
      raw: withoutToken(body),
    });
  });

  /**
   * A submitted form becomes the command it stands for. `keepRaw: false` for the login form:
   * its payload holds the person's API key, which must not travel on with the event.
   */
  const commandForm = (callback: string, parse: typeof questCommandFromView, field: string, rerun: string, keepRaw: boolean) =>
    app.view(callback, async ({ ack, body, view }) => {
      const result = parse(view);
      if (!result.ok) {
        await ack({ response_action: 'errors', errors: result.errors });
        return;
      }
      const origin = result.origin;
      if (!origin) {
        await ack({ response_action: 'errors', errors: { [field]: `This form lost track of its channel; run ${rerun} again.` } });
        return;
      }
      const user = body.user.id;
      await deliver({
        kind: 'command.invoked',
        key: `slack:view:${view.id}:${view.hash}`,
        ref: slackRef(origin.team, origin.channel, origin.thread),
        invoker: knownInvoker(user, body.user.name, deps),
        text: result.text,
        replyTo: { platform: 'slack', team: origin.team, channel: origin.channel, user, ...(origin.responseUrl ? { responseUrl: origin.responseUrl } : {}) },
        ...(keepRaw ? { raw: withoutToken(body) } : {}),
      });
      await ack();
    });
  commandForm(QUEST_MODAL_CALLBACK, questCommandFromView, 'name', '/ouro quest create', true);
  commandForm(LOGIN_MODAL_CALLBACK, loginCommandFromView, 'key', '/ouro login', false);
  commandForm(FORM_MODAL_CALLBACK, formCommandFromView, 'value', 'the command', true);

  app.event('link_shared', async ({ event, body }) => {
    const e = event as { channel: string; user: string; message_ts: string; thread_ts?: string; links: { url: string }[]; unfurl_id?: string; source?: string };
    const urls = e.links.map((l) => l.url).filter((u) => isUnfurlable(u, deps.unfurlDomains));
    if (urls.length === 0) {
      logger.debug({ urls: e.links.map((l) => l.url) }, 'slack link_shared with no Ouro link: ignored');
      return;
    }
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
