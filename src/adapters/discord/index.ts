/**
 * The Discord adapter: a discord.js v14 Client (gateway + REST) behind the ChatAdapter
 * contract. Intents: Guilds, GuildMessages and MessageContent — the last is privileged and
 * must be switched on in the Developer Portal (Bot → Message Content Intent), or every
 * message arrives with empty text.
 *
 * `apiUrl` (DISCORD_API_URL) moves REST, and with it the gateway (its URL comes from
 * `GET /gateway/bot`), to another host: tests point it at a loopback fake. It is the base
 * without the version, like Discord's own `https://discord.com/api`.
 *
 * discord.js reconnects and resumes by itself; a resume may replay events, which reach the
 * core with the same keys and are dropped there.
 */
import { Client, Events, GatewayIntentBits, Partials, Status } from 'discord.js';
import type { AdapterHealth, BridgeInbox, ChannelRef, ChatAdapter, ChatRef, OutboundMessage, ReplyTarget } from '../../bridge/types.ts';
import type { RichReply, Visibility } from '../../commands/reply.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { commandDefinitions } from './commands.ts';
import { attachInbound, type AutocompleteLookup } from './inbound.ts';
import { Outbound } from './outbound.ts';
import { Replies } from './replies.ts';
import { WebhookRegistry } from './webhooks.ts';

export type { AutocompleteLookup } from './inbound.ts';
export type { DiscordReplyTarget } from './replies.ts';

export interface DiscordAdapterOptions {
  token: string;
  /** Learned from READY (or `GET /applications/@me`) when absent. */
  applicationId?: string;
  /** REST base without version (DISCORD_API_URL); default Discord's. */
  apiUrl?: string;
  bridgeAdmins?: readonly string[];
  logger?: Logger;
  /** Defaults: 3 retries, 15 s per request (@discordjs/rest's own). Tests use 0 retries. */
  restOptions?: { retries?: number; timeout?: number };
  /** Choices for dataset and quest options; the runtime wires this to Ouro search. */
  autocomplete?: AutocompleteLookup;
  /** Relay messages of other bots and webhooks too (default: no). */
  relayBots?: boolean;
  /** How long ClientReady waits for each guild's GUILD_CREATE (discord.js default 15 s). */
  waitGuildTimeout?: number;
}

export type DiscordAdapter = ChatAdapter & {
  readonly platform: 'discord';
  /** Puts `/ouro` and `/ouro-admin`: in one guild (instant) or globally (may take up to an hour to show). */
  registerCommands(guildId?: string): Promise<void>;
  readonly client: Client;
};

/** `https://x/api/v10/` → `https://x/api`: @discordjs/rest appends the version itself. */
export function restBase(apiUrl: string): string {
  return apiUrl.replace(/\/+$/, '').replace(/\/v\d+$/, '');
}

export function createDiscordAdapter(opts: DiscordAdapterOptions): DiscordAdapter {
  const logger = opts.logger ?? silentLogger;
  const rest = { ...opts.restOptions, ...(opts.apiUrl ? { api: restBase(opts.apiUrl) } : {}) };
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    // Edits and deletes of messages sent before we started (or evicted from the cache) still arrive.
    partials: [Partials.Message],
    rest,
    ...(opts.waitGuildTimeout !== undefined ? { waitGuildTimeout: opts.waitGuildTimeout } : {}),
  });
  client.rest.setToken(opts.token);
  let applicationId = opts.applicationId;
  const identity = () => ({ applicationId: applicationId ?? client.application?.id, botUserId: client.user?.id });
  const webhooks = new WebhookRegistry(client.rest, identity);
  const outbound = new Outbound(client.rest, webhooks, logger, (id) => client.channels.cache.get(id)?.isThread() ?? false);
  const replies = new Replies(client.rest);
  let detach: (() => void) | undefined;
  let lastError: string | undefined;

  client.on(Events.Error, (err) => {
    lastError = err.message;
    logger.error({ err }, 'discord: client error');
  });
  client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'discord: gateway resumed'));

  async function resolveApplicationId(): Promise<string> {
    applicationId ??= client.application?.id ?? ((await client.rest.get('/applications/@me')) as { id: string }).id;
    return applicationId;
  }

  return {
    platform: 'discord',
    client,

    async start(inbox: BridgeInbox) {
      detach = attachInbound({
        client,
        inbox,
        logger,
        bridgeAdmins: opts.bridgeAdmins ?? [],
        relayBots: opts.relayBots ?? false,
        applicationId: () => identity().applicationId,
        isOwnWebhook: (id) => webhooks.isOwn(id),
        deletedByUs: outbound.deletedByUs,
        autocomplete: opts.autocomplete,
      });
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(opts.token);
      await ready;
      applicationId ??= client.application?.id;
      logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'discord: connected');
    },

    async stop() {
      detach?.();
      detach = undefined;
      await client.destroy();
    },

    health(): AdapterHealth {
      if (!detach) return { connected: false, detail: 'not started' };
      const status = client.ws.status;
      if (status === Status.Ready) return { connected: true };
      return { connected: false, detail: `gateway ${Status[status] ?? status}${lastError ? `; last error: ${lastError}` : ''}` };
    },

    post: (ref: ChatRef, message: OutboundMessage) => outbound.post(ref, message),
    edit: (ref: ChatRef, messageId: string, message: OutboundMessage) => outbound.edit(ref, messageId, message),
    delete: (ref: ChatRef, messageId: string) => outbound.delete(ref, messageId),
    reply: (target: ReplyTarget, reply: RichReply, visibility: Visibility) => replies.reply(target, reply, visibility),
    uploadFile: (ref, file) => outbound.uploadFile(ref, file),

    async channelName(ref: ChannelRef) {
      const cached = client.channels.cache.get(ref.channel);
      if (cached && 'name' in cached && cached.name) return cached.name;
      const c = (await client.rest.get(`/channels/${ref.channel}`).catch(() => undefined)) as { name?: string } | undefined;
      return c?.name;
    },

    async registerCommands(guildId?: string) {
      const app = await resolveApplicationId();
      const route = guildId ? (`/applications/${app}/guilds/${guildId}/commands` as const) : (`/applications/${app}/commands` as const);
      await client.rest.put(route, { body: commandDefinitions() });
    },
  };
}
