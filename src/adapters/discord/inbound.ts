/**
 * Discord → the core. Gateway events become neutral InboundEvents:
 * - messageCreate / messageUpdate / messageDelete → message.posted / edited / deleted.
 *   Keys are stable across gateway replays (a resume may deliver an event twice): the
 *   message id; `<id>:edit:<edited_timestamp>`; `<id>:delete`.
 *   Ignored, on purpose: messages outside guilds; our bot's own messages; messages from our
 *   webhooks (`webhook_id` of one we use, or `application_id` = ours); other bots' and
 *   webhooks' messages unless `relayBots`; system messages (joins, pins, thread starters);
 *   updates without `edited_timestamp` (Discord sends those when link previews load).
 * - interactionCreate: `/ouro` and `/ouro-admin` → command.invoked, deferred first;
 *   buttons → button.pressed, deferred as an update; autocomplete → answered from the
 *   injected lookup within Discord's 3 s, or with no choices.
 * - A server not in DISCORD_ALLOWED_GUILDS: its messages are ignored, and every interaction
 *   there is answered with GUILD_NOT_ALLOWED (autocomplete: no choices) and goes no further.
 */
import {
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type CommandInteractionOption,
  type Interaction,
  type Message,
  type ModalSubmitInteraction,
  type PartialMessage,
  type OmitPartialGroupDMChannel,
} from 'discord.js';
import type { BridgeInbox, ChannelRef, ChatFile, ChatRef, ChatUser, InboundEvent, Invoker } from '../../bridge/types.ts';
import type { Logger } from '../../log.ts';
import { isBridgeAdmin } from './admin.ts';
import { autocompleteKind, COMMAND_NAMES, CommandShapeError, commandText, defersPrivately, type InteractionOption } from './commands.ts';
import { fromDiscord } from './from-discord.ts';
import { LOGIN_MODAL_ID, loginCommandOf, loginModal } from './login-modal.ts';
import { decodeCustomId, discordRef } from './ids.ts';
import type { DiscordReplyTarget } from './replies.ts';
import { DiscordCode, discordCode, isCode } from './rest-errors.ts';
import { truncate } from '../../text/cut.ts';
import { LIMITS } from './limits.ts';

export type AutocompleteLookup = (kind: 'dataset' | 'quest' | 'route', query: string, channel: ChannelRef) => Promise<{ name: string; value: string }[]>;

export interface InboundDeps {
  client: Client;
  inbox: BridgeInbox;
  logger: Logger;
  bridgeAdmins: readonly string[];
  relayBots: boolean;
  applicationId(): string | undefined;
  isOwnWebhook(webhookId: string): boolean;
  deletedByUs: Set<string>;
  autocomplete?: AutocompleteLookup;
  /** DISCORD_ALLOWED_GUILDS: false for a server the bridge does not serve (logs the refusal). */
  guildAllowed(guildId: string): boolean;
}

/** The whole answer in a server the operator has not allowed. */
export const GUILD_NOT_ALLOWED = 'This Discord server is not served by this Ouro bridge: its operator lists the servers it serves in DISCORD_ALLOWED_GUILDS.';

/** Discord allows 3 s for an autocomplete answer; 2 s for the lookup leaves room for the HTTP round trip. */
export const AUTOCOMPLETE_BUDGET_MS = 2_000;
/** Message types that are people talking: DEFAULT and REPLY. */
const RELAYED_TYPES = new Set([0, 19]);

type AnyMessage = OmitPartialGroupDMChannel<Message | PartialMessage>;

export function attachInbound(d: InboundDeps): () => void {
  const { client, logger } = d;
  const deliver = (event: InboundEvent) =>
    d.inbox.receive(event).catch((err: unknown) => logger.error({ err, key: event.key, kind: event.kind }, 'discord: inbox refused an event'));

  const onCreate = (m: Message) => {
    const why = skipReason(d, m);
    if (why) return void logger.debug({ messageId: m.id, why }, 'discord: message ignored');
    void deliver(postedEvent(client, m));
  };

  const onUpdate = async (_old: AnyMessage, next: AnyMessage) => {
    let m = next;
    if (m.partial) {
      try {
        m = await m.fetch();
      } catch (err) {
        return void logger.warn({ err, messageId: next.id }, 'discord: could not fetch an edited message; edit not relayed');
      }
    }
    const full = m as Message;
    if (!full.editedTimestamp) return; // a link preview loaded, not an edit
    const why = skipReason(d, full);
    if (why) return void logger.debug({ messageId: full.id, why }, 'discord: edit ignored');
    void deliver({
      kind: 'message.edited',
      key: `${full.id}:edit:${full.editedTimestamp}`,
      ref: refOf(full),
      messageId: full.id,
      author: authorOf(full),
      text: textOf(client, full),
      at: full.editedTimestamp,
      files: filesOf(full),
      raw: full.toJSON(),
    });
  };

  const onDelete = (m: AnyMessage) => {
    if (d.deletedByUs.delete(m.id)) return;
    if (!m.partial && skipReason(d, m as Message)) return;
    if (!m.guildId || !d.guildAllowed(m.guildId)) return;
    void deliver({ kind: 'message.deleted', key: `${m.id}:delete`, ref: refOf(m), messageId: m.id, at: Date.now() });
  };

  const onInteraction = (i: Interaction) => {
    if (i.guildId && !d.guildAllowed(i.guildId)) {
      const refuse = i.isAutocomplete()
        ? i.respond([])
        : i.isRepliable()
          ? i.reply({ content: GUILD_NOT_ALLOWED, flags: MessageFlags.Ephemeral })
          : Promise.resolve();
      void Promise.resolve(refuse).catch((err: unknown) =>
        logger.warn({ err, interactionId: i.id }, 'discord: could not answer an interaction from a server not allowed'),
      );
      return;
    }
    const run = i.isChatInputCommand()
      ? onCommand(d, i, deliver)
      : i.isButton()
        ? onButton(d, i, deliver)
        : i.isAutocomplete()
          ? onAutocomplete(d, i)
          : i.isModalSubmit() && i.customId === LOGIN_MODAL_ID
            ? onLoginSubmit(d, i, deliver)
            : Promise.resolve(logger.debug({ type: i.type }, 'discord: interaction type not handled'));
    run.catch((err: unknown) => logger.error({ err, interactionId: i.id }, 'discord: interaction failed'));
  };

  client.on('messageCreate', onCreate);
  client.on('messageUpdate', onUpdate);
  client.on('messageDelete', onDelete);
  client.on('interactionCreate', onInteraction);
  return () => {
    client.off('messageCreate', onCreate);
    client.off('messageUpdate', onUpdate);
    client.off('messageDelete', onDelete);
    client.off('interactionCreate', onInteraction);
  };
}

/** A new message as the core sees it, live or read back by catch-up (same key: the message id). */
export function postedEvent(client: Client, m: Message): InboundEvent {
  return {
    kind: 'message.posted',
    key: m.id,
    ref: refOf(m),
    messageId: m.id,
    author: authorOf(m),
    text: textOf(client, m),
    at: m.createdTimestamp,
    ...(m.attachments.size ? { files: filesOf(m) } : {}),
    raw: m.toJSON(),
  };
}

/** Attachments as the core sees them; the CDN URL needs no token. */
function filesOf(m: Message): ChatFile[] {
  return [...m.attachments.values()].map((a) => ({
    name: a.name,
    url: a.url,
    id: a.id,
    size: a.size,
    ...(a.contentType ? { mime: a.contentType } : {}),
    download: a.url,
  }));
}

/** Why a message is not relayed, or undefined when it is. */
export function skipReason(d: Pick<InboundDeps, 'client' | 'relayBots' | 'applicationId' | 'isOwnWebhook' | 'guildAllowed'>, m: Message): string | undefined {
  if (!m.guildId) return 'not in a guild';
  if (!d.guildAllowed(m.guildId)) return 'a server not in DISCORD_ALLOWED_GUILDS';
  if (m.author?.id === d.client.user?.id) return 'our own bot';
  if (m.webhookId && (d.isOwnWebhook(m.webhookId) || (m.applicationId && m.applicationId === d.applicationId()))) return 'our own webhook';
  if ((m.webhookId || m.author?.bot) && !d.relayBots) return 'another bot or webhook';
  if (!RELAYED_TYPES.has(m.type)) return `system message type ${m.type}`;
  return undefined;
}

function refOf(m: AnyMessage | Message | Interaction): ChatRef {
  const channel = m.channel;
  const guildId = m.guildId!;
  if (channel && 'isThread' in channel && channel.isThread() && channel.parentId) return discordRef(guildId, channel.id, { parentId: channel.parentId });
  return discordRef(guildId, m.channelId!);
}

function authorOf(m: Message): ChatUser {
  return {
    id: m.author.id,
    name: m.member?.displayName ?? m.author.globalName ?? m.author.username,
    avatarUrl: m.author.displayAvatarURL(),
    ...(m.author.bot ? { isBot: true } : {}),
  };
}

function textOf(client: Client, m: Message): string {
  return fromDiscord(m.content, {
    user: (id) => m.mentions.members?.get(id)?.displayName ?? nameOfUser(m.mentions.users.get(id) ?? client.users.cache.get(id)),
    role: (id) => m.mentions.roles.get(id)?.name ?? m.guild?.roles.cache.get(id)?.name,
    channel: (id) => {
      const c = client.channels.cache.get(id);
      return c && 'name' in c && c.name ? c.name : undefined;
    },
  });
}

const nameOfUser = (u?: { globalName: string | null; username: string }) => (u ? (u.globalName ?? u.username) : undefined);

function invokerOf(d: InboundDeps, i: ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction): Invoker {
  const member = i.member;
  const name = (member && 'displayName' in member ? member.displayName : undefined) ?? i.user.globalName ?? i.user.username;
  return {
    id: i.user.id,
    name,
    avatarUrl: i.user.displayAvatarURL(),
    isPlatformAdmin: isBridgeAdmin(i.user.id, i.memberPermissions?.bitfield, d.bridgeAdmins),
  };
}

function replyTarget(
  i: ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction,
  deferred: DiscordReplyTarget['deferred'],
): DiscordReplyTarget {
  return {
    platform: 'discord',
    interactionId: i.id,
    token: i.token,
    applicationId: i.applicationId,
    deferred,
    guildId: i.guildId ?? undefined,
    channelId: i.channelId,
  };
}

export function optionTree(options: readonly CommandInteractionOption[]): InteractionOption[] {
  return options.map((o) => ({
    name: o.name,
    type: o.type,
    ...(o.value !== undefined ? { value: o.value } : {}),
    ...(o.focused ? { focused: true } : {}),
    ...(o.options ? { options: optionTree(o.options) } : {}),
  }));
}

async function onCommand(d: InboundDeps, i: ChatInputCommandInteraction, deliver: (e: InboundEvent) => Promise<unknown>): Promise<void> {
  if (!i.inGuild()) return void (await i.reply({ content: 'The Ouro bridge works in server channels only.', flags: MessageFlags.Ephemeral }));
  if (i.commandName !== COMMAND_NAMES.user && i.commandName !== COMMAND_NAMES.admin) return;
  const options = optionTree(i.options.data);
  const invoker = invokerOf(d, i);
  let text: string;
  let ephemeral: boolean;
  try {
    text = commandText(i.commandName, options);
    // The key goes into a private form, never into a command option.
    if (text === 'login') return void (await acknowledged(d, i, () => i.showModal(loginModal())));
    ephemeral = defersPrivately(i.commandName, options, invoker.isPlatformAdmin);
  } catch (err) {
    if (!(err instanceof CommandShapeError)) throw err;
    // Commands registered by an older version: say so rather than guess.
    return void (await i.reply({ content: `${err.message}. Run \`ouro-bridge register-commands\` to update the commands.`, flags: MessageFlags.Ephemeral }));
  }
  if (!(await acknowledged(d, i, () => i.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {})))) return;
  await deliver({
    kind: 'command.invoked',
    key: i.id,
    ref: refOf(i),
    invoker,
    text,
    replyTo: replyTarget(i, ephemeral ? 'ephemeral' : 'public'),
    raw: { commandName: i.commandName, options },
  });
}

/** The login form's key goes straight to the command runner (never into the job queue). */
async function onLoginSubmit(d: InboundDeps, i: ModalSubmitInteraction, deliver: (e: InboundEvent) => Promise<unknown>): Promise<void> {
  if (!i.inGuild()) return;
  const text = loginCommandOf(i);
  if (!text) return void (await i.reply({ content: 'Paste your Ouro API key into the form.', flags: MessageFlags.Ephemeral }));
  if (!(await acknowledged(d, i, () => i.deferReply({ flags: MessageFlags.Ephemeral })))) return;
  await deliver({ kind: 'command.invoked', key: i.id, ref: refOf(i), invoker: invokerOf(d, i), text, replyTo: replyTarget(i, 'ephemeral') });
}

async function onButton(d: InboundDeps, i: ButtonInteraction, deliver: (e: InboundEvent) => Promise<unknown>): Promise<void> {
  if (!i.inGuild()) return;
  const { actionId, value } = decodeCustomId(i.customId);
  if (!(await acknowledged(d, i, () => i.deferUpdate()))) return;
  await deliver({
    kind: 'button.pressed',
    key: i.id,
    ref: refOf(i),
    invoker: invokerOf(d, i),
    actionId,
    value,
    messageId: i.message.id,
    replyTo: replyTarget(i, 'update'),
    raw: { customId: i.customId },
  });
}

/**
 * Acknowledges an interaction. False when Discord says it is already acknowledged (the
 * gateway replayed it after a resume: the first delivery is being handled) or unknown (over
 * 3 s old: nobody can answer it now, so it is not run either).
 */
async function acknowledged(d: InboundDeps, i: Interaction, ack: () => Promise<unknown>): Promise<boolean> {
  try {
    await ack();
    return true;
  } catch (err) {
    if (!isCode(err, DiscordCode.InteractionAlreadyAcknowledged, DiscordCode.UnknownInteraction)) throw err;
    d.logger.warn({ interactionId: i.id, code: discordCode(err) }, 'discord: interaction not run: already acknowledged, or expired before we could');
    return false;
  }
}

async function onAutocomplete(d: InboundDeps, i: AutocompleteInteraction): Promise<void> {
  let choices: { name: string; value: string }[] = [];
  try {
    const want = autocompleteKind(i.commandName, optionTree(i.options.data));
    if (want && d.autocomplete && i.guildId) {
      const channel: ChannelRef = { platform: 'discord', workspace: i.guildId, channel: refOf(i).channel };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`autocomplete lookup took over ${AUTOCOMPLETE_BUDGET_MS} ms`)), AUTOCOMPLETE_BUDGET_MS);
      });
      try {
        choices = await Promise.race([d.autocomplete(want.kind, want.query, channel), timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
  } catch (err) {
    d.logger.warn({ err, interactionId: i.id }, 'discord: autocomplete lookup failed; answering with no choices');
  }
  // A value Discord would reject cannot be shortened without changing its meaning: leave it out.
  const valid = choices.filter((c) => c.value.length > 0 && c.value.length <= LIMITS.choiceValue);
  await i.respond(valid.slice(0, LIMITS.choices).map((c) => ({ name: truncate(c.name || c.value, LIMITS.choiceName), value: c.value })));
}
