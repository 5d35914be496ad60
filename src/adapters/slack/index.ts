/**
 * The Slack adapter: a bolt App behind one of two receivers.
 * - HTTP mode: bolt's HTTPReceiver answers `POST /slack/events` on the bridge's one port
 *   (its requestListener is mounted on our server; bolt never opens a port of its own).
 * - Socket Mode when an app token is given: bolt's SocketModeReceiver, acking an event only
 *   after the inbox has it (socket-ack.ts).
 * `apiUrl` (SLACK_API_URL) points the Web API and Socket Mode's apps.connections.open at
 * another host (GovSlack, tests).
 */
import { App, HTTPReceiver, LogLevel, type SocketModeReceiver, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { AdapterHealth, BridgeInbox, ChatAdapter, ChatRef, OutboundMessage, ReplyTarget } from '../../bridge/types.ts';
import { editEach } from '../../bridge/message-gone.ts';
import type { RichReply, Visibility } from '../../chat/reply.ts';
import type { HttpServer } from '../../http/server.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { createPlaceGate } from '../place-gate.ts';
import { createDirectory } from './admin.ts';
import { findPosted } from './find-posted.ts';
import { messagesSince } from './history.ts';
import { resolveSlackEvent } from './messages.ts';
import { resolveSlackInvoker } from './inbound.ts';
import { registerInbound, type SelfIds } from './inbound.ts';
import { questCreateModal } from './modal.ts';
import { loginModal } from './login-modal.ts';
import * as out from './outbound.ts';
import { downloadSlackFile } from './files.ts';
import { LIMITS } from './limits.ts';
import { createPacer } from './pacing.ts';
import { registerPlaceGate } from './places.ts';
import { OURO_UNFURL_DOMAINS } from './manifest.ts';
import { AckAfterProcessingReceiver } from './socket-ack.ts';
import { isLarge, LARGE_IN_FLIGHT, refuseBeforeBody, SLACK_BODY_LIMIT } from './request-guard.ts';
import { createWarnThrottle, type WarnThrottle } from '../../log-throttle.ts';

export type { SlackReplyTarget } from './outbound.ts';

export interface SlackAdapterOptions {
  botToken: string;
  signingSecret?: string;
  /** Socket Mode when set (xapp-…). */
  appToken?: string;
  /** Web API base, e.g. https://slack-gov.com/api/ (default Slack's). */
  apiUrl?: string;
  /** The bridge's HTTP server; required in HTTP mode. */
  http?: HttpServer;
  bridgeAdmins?: readonly string[];
  /** SLACK_ALLOWED_TEAMS: teams served besides the bot token's own (learned from auth.test at start). */
  allowedTeams?: readonly string[];
  /** Drop messages of other bots and apps (default true). */
  ignoreOtherBots?: boolean;
  logger?: Logger;
  /** Web API retries on network/5xx errors (429 is handled by the pacer). Default 2. */
  clientOptions?: { retries?: number };
  /** Gap between posts in one channel; default 1,000 ms. Tests shorten it. */
  postIntervalMs?: number;
  /** Hosts whose shared links become link.shared events; default Ouro's. */
  unfurlDomains?: readonly string[];
}

export type SlackAdapter = ChatAdapter & {
  readonly mode: 'http' | 'socket';
  /** The bot's own user id (from auth.test), known after start. */
  readonly botUserId?: string;
};

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * Bolt's lines into ours. Its debug lines (request and response bodies) pass only at
 * LOG_LEVEL=debug or trace; its warn lines, one per bad request, are throttled per kind.
 */
function boltLogger(logger: Logger, throttle: WarnThrottle): BoltLogger {
  const line = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  const debug = logger.isLevelEnabled('debug');
  return {
    debug: (...m) => {
      if (debug) logger.debug(line(m));
    },
    info: (...m) => logger.info(line(m)),
    warn: (...m) => {
      const text = line(m);
      throttle.warn(`bolt:${text.split(':', 1)[0]!.slice(0, 60)}`, {}, text);
    },
    error: (...m) => logger.error(line(m)),
    setLevel: () => undefined,
    getLevel: () => (debug ? LogLevel.DEBUG : LogLevel.INFO),
    setName: () => undefined,
  };
}

/** Web API base with the trailing slash the client needs ("…/api/"). */
export function normaliseApiUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return url.endsWith('/') ? url : `${url}/`;
}

export function createSlackAdapter(opts: SlackAdapterOptions): SlackAdapter {
  const logger = (opts.logger ?? silentLogger).child({ platform: 'slack' });
  const socket = Boolean(opts.appToken);
  if (!socket && !opts.signingSecret) throw new Error('Slack HTTP mode needs a signing secret (or an app token for Socket Mode)');
  if (!socket && !opts.http) throw new Error('Slack HTTP mode needs the bridge HTTP server to mount /slack/events on');
  const slackApiUrl = normaliseApiUrl(opts.apiUrl);
  const clientOptions = {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    retryConfig: { retries: opts.clientOptions?.retries ?? 2 },
    // A 429 comes back as an error with retryAfter; the pacer holds the channel and retries.
    rejectRateLimitedCalls: true,
  };
  const throttle = createWarnThrottle(logger);
  const blog = boltLogger(logger, throttle);
  const receiver = socket
    ? new AckAfterProcessingReceiver({ appToken: opts.appToken!, logger: blog, installerOptions: { clientOptions } })
    : new HTTPReceiver({
        signingSecret: opts.signingSecret!,
        logger: blog,
        processBeforeResponse: true,
        endpoints: [SLACK_EVENTS_PATH],
        bodyLimit: SLACK_BODY_LIMIT,
      });
  const app = new App({ token: opts.botToken, receiver, clientOptions, logger: blog, deferInitialization: true });
  const self: SelfIds = {};
  const directory = createDirectory({ client: app.client, bridgeAdmins: opts.bridgeAdmins });
  const pacer = createPacer({
    intervalMs: opts.postIntervalMs,
    onRateLimited: (channel, sec) => logger.warn({ channel, retryAfterSec: sec }, 'slack rate limit; holding the channel'),
  });
  // Relayed posts go through a client that does not retry (see Outbound.postClient).
  const postClient = new webApi.WebClient(opts.botToken, { ...clientOptions, logger: blog, retryConfig: { retries: 0 } });
  const o: out.Outbound = { client: app.client, postClient, pacer, logger };
  let inbox: BridgeInbox | undefined;
  let state: 'new' | 'running' | 'stopped' = 'new';
  let socketState = 'disconnected';
  let routed = false;
  let largeInFlight = 0;
  let connections = 0;
  const freshSession: (() => void)[] = [];
  const onConnected = () => {
    if (connections++ > 0) for (const fn of freshSession) fn();
  };
  const messageDeps = { self, ignoreOtherBots: opts.ignoreOtherBots ?? true, directory, logger };
  const allowedTeams = new Set(opts.allowedTeams ?? []);
  const gate = createPlaceGate({ allowed: () => allowedTeams, what: 'Slack team', variable: 'SLACK_ALLOWED_TEAMS', logger });
  registerPlaceGate(app, { gate, directory, logger });

  registerInbound(app, {
    inbox: () => {
      if (!inbox) throw new Error('slack adapter received an event before start()');
      return inbox;
    },
    ...messageDeps,
    unfurlDomains: opts.unfurlDomains ?? OURO_UNFURL_DOMAINS,
    openQuestModal: (triggerId, origin) => out.openView(o, triggerId, questCreateModal(origin)),
    openLoginModal: (triggerId, origin) => out.openView(o, triggerId, loginModal(origin)),
  });
  app.error(async (err) => {
    logger.error({ err }, 'slack listener failed');
    throw err;
  });

  async function identify(): Promise<void> {
    const auth = await app.client.auth.test();
    if (auth.team_id) allowedTeams.add(auth.team_id);
    self.userId = auth.user_id;
    self.botId = auth.bot_id;
    self.appId = (auth as { app_id?: string }).app_id;
    if (!self.appId && self.botId) {
      // auth.test does not name the app; bots.info does. Without it, bot_id still guards loops.
      const info = await app.client.bots.info({ bot: self.botId }).catch(() => undefined);
      self.appId = info?.bot?.app_id;
    }
  }

  const adapter: SlackAdapter = {
    platform: 'slack',
    mode: socket ? 'socket' : 'http',
    get botUserId() {
      return self.userId;
    },
    async start(box) {
      if (state === 'running') throw new Error('slack adapter already started');
      inbox = box;
      await identify();
      await app.init();
      if (socket) {
        const client = (receiver as SocketModeReceiver).client;
        for (const s of ['connecting', 'connected', 'reconnecting', 'disconnecting', 'disconnected']) client.on(s, () => (socketState = s));
        // Slack does not redeliver what it sent while no connection was open: each reconnect is a fresh session.
        connections = 0;
        if (!client.listeners('connected').includes(onConnected)) client.on('connected', onConnected);
        await app.start();
      } else if (!routed) {
        routed = true;
        const http = receiver as HTTPReceiver;
        opts.http!.route('POST', SLACK_EVENTS_PATH, (req, res) => {
          if (state !== 'running') {
            res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' }).end('{"error":"slack adapter not running"}');
            return;
          }
          // A request answered before its body was read (refused here, or bolt's 413) ends its
          // connection: the rest of that body is never read, and the socket is not reused.
          res.once('finish', () => {
            if (!req.complete) req.socket.destroySoon();
          });
          const large = isLarge(req.headers);
          const refused =
            refuseBeforeBody(req.headers, Date.now()) ??
            (large && largeInFlight >= LARGE_IN_FLIGHT ? { status: 503 as const, reason: `${LARGE_IN_FLIGHT} large requests already being read` } : undefined);
          if (refused) {
            throttle.warn(
              `slack:${req.socket.remoteAddress ?? '?'}`,
              { status: refused.status, reason: refused.reason },
              'slack request refused before reading its body',
            );
            res.writeHead(refused.status, refused.status === 503 ? { 'retry-after': '1' } : {}).end();
            return;
          }
          if (large) {
            largeInFlight++;
            res.once('close', () => largeInFlight--);
          }
          http.requestListener(req, res);
        });
      }
      state = 'running';
      logger.info({ mode: adapter.mode, botUserId: self.userId }, 'slack adapter started');
    },
    async stop() {
      if (state !== 'running') return;
      state = 'stopped';
      if (socket) {
        // Wait for the WebSocket close handshake, or its timer keeps the process alive ~30 s.
        await (receiver as SocketModeReceiver).client.disconnect();
        await app.stop().catch(() => undefined);
      }
    },
    health(): AdapterHealth {
      if (state !== 'running') return { connected: false, detail: state === 'new' ? 'not started' : 'stopped' };
      if (socket) return { connected: socketState === 'connected', detail: `socket mode: ${socketState}` };
      return { connected: true, detail: `http mode on ${SLACK_EVENTS_PATH}` };
    },
    post: (ref: ChatRef, message: OutboundMessage) => out.post(o, ref, message),
    findPosted: (ref, probe, since) => findPosted(o, self, logger, ref, probe, since),
    // Slack never splits a post: other "parts" are further copies, each edited alike.
    async edit(ref: ChatRef, messageId: string, message: OutboundMessage, parts: readonly string[] = []) {
      await editEach([messageId, ...parts], (id) => out.edit(o, ref, id, message));
    },
    async delete(ref: ChatRef, messageId: string, parts: readonly string[] = []) {
      for (const id of [messageId, ...parts]) await out.remove(o, ref, id);
    },
    reply: (target: ReplyTarget, reply: RichReply, visibility: Visibility) => out.reply(o, target, reply, visibility),
    tellPrivately: (ref, user, reply) =>
      out.reply(o, { platform: 'slack', team: ref.workspace, channel: ref.channel, user, ...(ref.thread ? { thread: ref.thread } : {}) }, reply, 'invoker'),
    uploadFile: (ref, file) => out.uploadFile(o, ref, file),
    uploadMaxBytes: LIMITS.fileBytes,
    // url_private_download answers only with the bot token (and files:read).
    downloadFile: (file, dest, maxBytes) => downloadSlackFile(file, dest, maxBytes, opts.botToken),
    unfurl: (target, previews) => out.unfurl(o, target, previews),
    messagesSince: (ref, after, limit) => messagesSince(o, messageDeps, ref, after, limit),
    resolveEvent: (event) => resolveSlackEvent(event, messageDeps),
    resolveInvoker: (invoker) => resolveSlackInvoker(invoker, { ...messageDeps, gate }),
    onFreshSession: (fn) => void freshSession.push(fn),
    async channelName(ref) {
      const res = await app.client.conversations.info({ channel: ref.channel }).catch((err: unknown) => {
        logger.warn({ err, channel: ref.channel }, 'slack conversations.info failed');
        return undefined;
      });
      return res?.channel?.name;
    },
  };
  return adapter;
}

export { createOuroUnfurler, type UnfurlOuro } from './unfurl.ts';
