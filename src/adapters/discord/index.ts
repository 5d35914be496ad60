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
 *
 * Several replicas: Discord wants one gateway session per bot (per shard), so with
 * `connectGatewayOnStart: false` the runtime calls `connectGateway`/`disconnectGateway` as
 * this replica takes or loses the `discord-gateway:<shard>` lease. Every replica keeps REST
 * (posts, edits, deletes, files, command answers), which needs no gateway: nothing on the
 * outbound path relies on the gateway's cache (an unknown thread is looked up over REST).
 */
import { Client, Events, GatewayIntentBits, Partials, REST, Status } from 'discord.js';
import { sendDirect } from './direct.ts';
import type { AdapterHealth, BridgeInbox, ChannelRef, ChatAdapter, ChatRef, OutboundMessage, ReplyTarget } from '../../bridge/types.ts';
import type { RichReply, Visibility } from '../../chat/reply.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { createPlaceGate } from '../place-gate.ts';
import { commandDefinitions } from './commands.ts';
import { findPosted } from './find-posted.ts';
import { messagesSince } from './history.ts';
import { DownloadError, downloadToFile } from '../download.ts';
import { LIMITS } from './limits.ts';
import { attachInbound, skipReason, type AutocompleteLookup } from './inbound.ts';
import { Outbound } from './outbound.ts';
import { Replies } from './replies.ts';
import { WebhookRegistry } from './webhooks.ts';

export type { AutocompleteLookup } from './inbound.ts';

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
  /**
   * DISCORD_ALLOWED_GUILDS: the only servers served. Undefined serves every server (tests
   * and tools); the runtime always passes the operator's list, empty when unset.
   */
  allowedGuilds?: readonly string[];
  /** Relay messages of other bots and webhooks too (default: no). */
  relayBots?: boolean;
  /** How long ClientReady waits for each guild's GUILD_CREATE (discord.js default 15 s). */
  waitGuildTimeout?: number;
  /**
   * Default true: `start` logs in to the gateway. False: `start` only readies REST (and
   * learns the bot's identity over it); the gateway connects on `connectGateway`.
   */
  connectGatewayOnStart?: boolean;
}

export type DiscordAdapter = ChatAdapter & {
  readonly platform: 'discord';
  /** Puts `/ouro` and `/ouro-admin`: in one guild (instant) or globally (may take up to an hour to show). */
  registerCommands(guildId?: string): Promise<void>;
  /** Logs in to the gateway and waits for READY (this replica now receives Discord events). */
  connectGateway(): Promise<void>;
  /** Closes the gateway session; REST keeps working. */
  disconnectGateway(): Promise<void>;
  readonly client: Client;
};

/**
 * How long a login waits for READY before it counts as failed (and a replica gives the
 * gateway lease back): discord.js waits up to 15 s for guilds, and Discord may hold an
 * IDENTIFY back (one per 5 s per bot), so a minute only runs out when something is wrong.
 */
const READY_TIMEOUT_MS = 60_000;

/** `https://x/api/v10/` → `https://x/api`: @discordjs/rest appends the version itself. */
export function restBase(apiUrl: string): string {
  return apiUrl.replace(/\/+$/, '').replace(/\/v\d+$/, '');
}

export function createDiscordAdapter(opts: DiscordAdapterOptions): DiscordAdapter {
  const logger = opts.logger ?? silentLogger;
  const restOptions = { ...opts.restOptions, ...(opts.apiUrl ? { api: restBase(opts.apiUrl) } : {}) };
  let lastError: string | undefined;
  const freshSession: (() => void)[] = [];
  const makeClient = () => {
    const c = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      // Edits and deletes of messages sent before we started (or evicted from the cache) still arrive.
      partials: [Partials.Message],
      rest: restOptions,
      ...(opts.waitGuildTimeout !== undefined ? { waitGuildTimeout: opts.waitGuildTimeout } : {}),
    });
    c.on(Events.Error, (err) => {
      lastError = err.message;
      logger.error({ err }, 'discord: client error');
    });
    c.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'discord: gateway resumed'));
    // A READY (not a RESUMED): a new session, into which Discord replays nothing sent before it.
    c.on(Events.ShardReady, () => {
      for (const fn of freshSession) fn();
    });
    return c;
  };
  // The gateway session's Client. A destroyed Client never logs in again (discord.js marks its
  // WebSocketManager destroyed for good), so each new session after a lost lease gets a new one.
  let client = makeClient();
  let clientUsed = false;
  // The first Client's REST serves every outbound call for the adapter's whole life.
  const rest = client.rest;
  rest.setToken(opts.token);
  let applicationId = opts.applicationId;
  // Learned over REST when this replica does not hold the gateway (no READY to learn it from).
  let restBotUserId: string | undefined;
  const identity = () => ({ applicationId: applicationId ?? client.application?.id, botUserId: client.user?.id ?? restBotUserId });
  const webhooks = new WebhookRegistry(rest, identity);
  // Relayed messages are created without the library's retries (see Outbound's postRest).
  const postRest = new REST({ ...restOptions, retries: 0 }).setToken(opts.token);
  const outbound = new Outbound(rest, webhooks, logger, (id) => client.channels.cache.get(id)?.isThread() ?? false, postRest);
  const replies = new Replies(rest);
  const relayBots = opts.relayBots ?? false;
  const allowedGuilds = opts.allowedGuilds && new Set(opts.allowedGuilds);
  const gate = createPlaceGate({ allowed: () => allowedGuilds!, what: 'Discord server', variable: 'DISCORD_ALLOWED_GUILDS', logger });
  const guildAllowed = (guildId: string) => !allowedGuilds || gate.allows(guildId);
  const skip = (m: Parameters<typeof skipReason>[1]) =>
    skipReason({ client, relayBots, applicationId: () => identity().applicationId, isOwnWebhook: (id) => webhooks.isOwn(id), guildAllowed }, m);
  let inbox: BridgeInbox | undefined;
  let detach: (() => void) | undefined;
  let gatewayWanted = false;

  async function resolveApplicationId(): Promise<string> {
    applicationId ??= client.application?.id ?? ((await rest.get('/applications/@me')) as { id: string }).id;
    return applicationId;
  }

  async function connectGateway(): Promise<void> {
    if (!inbox) throw new Error('discord: connectGateway() before start()');
    if (clientUsed) client = makeClient();
    clientUsed = true;
    gatewayWanted = true;
    detach = attachInbound({
      client,
      inbox,
      logger,
      bridgeAdmins: opts.bridgeAdmins ?? [],
      relayBots,
      applicationId: () => identity().applicationId,
      isOwnWebhook: (id) => webhooks.isOwn(id),
      deletedByUs: outbound.deletedByUs,
      autocomplete: opts.autocomplete,
      guildAllowed,
    });
    let timer: NodeJS.Timeout | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      client.once(Events.ClientReady, () => resolve());
      timer = setTimeout(() => reject(new Error(`discord: no READY within ${READY_TIMEOUT_MS / 1000} s of logging in`)), READY_TIMEOUT_MS);
    });
    ready.catch(() => undefined);
    try {
      await client.login(opts.token);
      await ready;
    } finally {
      clearTimeout(timer);
    }
    applicationId ??= client.application?.id;
    logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'discord: connected');
    if (allowedGuilds) {
      const strangers = [...client.guilds.cache.values()].filter((g) => !allowedGuilds.has(g.id)).map((g) => `${g.name} (${g.id})`);
      if (!allowedGuilds.size)
        logger.warn('DISCORD_ALLOWED_GUILDS is not set: the bridge serves no Discord server; list the ids of the servers it should serve');
      if (strangers.length)
        logger.warn(
          { guilds: strangers },
          'the bot sits in Discord servers not in DISCORD_ALLOWED_GUILDS: it answers there only with a refusal; remove it from them and turn off "Public Bot"',
        );
    }
  }

  async function closeGateway(): Promise<void> {
    gatewayWanted = false;
    detach?.();
    detach = undefined;
    await client.destroy();
    // Destroying the first Client also cleared the token of the REST every outbound call uses.
    rest.setToken(opts.token);
  }

  return {
    platform: 'discord',
    get client() {
      return client;
    },

    async start(to: BridgeInbox) {
      inbox = to;
      if (opts.connectGatewayOnStart ?? true) {
        await connectGateway();
      } else {
        // The webhook registry recognises our channel webhooks by application and bot user id.
        await resolveApplicationId();
        restBotUserId ??= ((await rest.get('/users/@me')) as { id: string }).id;
        logger.info({ applicationId }, 'discord: REST ready; the gateway connects when this replica holds its lease');
      }
    },

    async stop() {
      inbox = undefined;
      await closeGateway();
    },

    connectGateway,
    async disconnectGateway() {
      await closeGateway();
      logger.info('discord: gateway closed; REST only');
    },

    health(): AdapterHealth {
      if (!inbox) return { connected: false, detail: 'not started' };
      if (!gatewayWanted) return { connected: true, detail: 'REST only: this replica does not hold the Discord gateway lease' };
      const status = client.ws.status;
      if (status === Status.Ready) return { connected: true };
      return { connected: false, detail: `gateway ${Status[status] ?? status}${lastError ? `; last error: ${lastError}` : ''}` };
    },

    post: (ref: ChatRef, message: OutboundMessage) => outbound.post(ref, message),
    findPosted: (ref, probe, since) => findPosted({ rest, webhooks, botUserId: () => identity().botUserId, logger }, ref, probe, since),
    edit: (ref: ChatRef, messageId: string, message: OutboundMessage, parts?: readonly string[]) => outbound.editPost(ref, messageId, message, parts),
    delete: async (ref: ChatRef, messageId: string, parts: readonly string[] = []) => {
      for (const id of [messageId, ...parts]) await outbound.delete(ref, id);
    },
    reply: (target: ReplyTarget, reply: RichReply, visibility: Visibility) => replies.reply(target, reply, visibility),
    tellPrivately: (_ref, userId, reply) => sendDirect(rest, userId, reply),
    uploadFile: (ref, file) => outbound.uploadFile(ref, file),
    uploadMaxBytes: LIMITS.fileBytes,
    downloadFile: (file, dest, maxBytes) => {
      if (!file.download) throw new DownloadError(404, `Discord gave no URL for ${file.name}`);
      return downloadToFile(file.download, dest, maxBytes);
    },
    messagesSince: (ref, after, limit) => messagesSince({ client, skip }, ref, after, limit),
    onFreshSession: (fn) => void freshSession.push(fn),

    async channelName(ref: ChannelRef) {
      const cached = client.channels.cache.get(ref.channel);
      if (cached && 'name' in cached && cached.name) return cached.name;
      const c = (await rest.get(`/channels/${ref.channel}`).catch(() => undefined)) as { name?: string } | undefined;
      return c?.name;
    },

    async registerCommands(guildId?: string) {
      const app = await resolveApplicationId();
      const route = guildId ? (`/applications/${app}/guilds/${guildId}/commands` as const) : (`/applications/${app}/commands` as const);
      await rest.put(route, { body: commandDefinitions() });
    },
  };
}
