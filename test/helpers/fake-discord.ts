/**
 * A loopback fake of Discord: REST (`/api/v10/...`) and the gateway (`/gateway`) on one
 * port of 127.0.0.1, enough for the real discord.js Client (see
 * docs/architecture.md, "Testing against the real libraries" 3). It records every REST call, keeps the
 * messages, threads and webhooks it was asked to create, and echoes them back over the
 * gateway the way Discord does (so loop guards are tested against real echoes).
 *
 * Gateway: HELLO → IDENTIFY → READY + GUILD_CREATE; heartbeats are ACKed; `reconnect()`
 * sends op 7 and the client's RESUME is answered by replaying the last `replayOverlap`
 * events it had already seen plus everything after (Discord may replay after a resume;
 * the overlap makes that visible), then RESUMED.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { receivedOps, type FakeOp } from './fake-discord-ops.ts';
import { handleRest, type FakeState } from './fake-discord-rest.ts';
import { sleep } from './eventually.ts';

export interface RecordedCall {
  method: string;
  /** Decoded path after `/api/v10` (`%40original` → `@original`). */
  path: string;
  query: Record<string, string>;
  body: any;
  /** `bytes` as sent (binary files such as charts); `text` the same decoded as UTF-8. */
  files: { name: string; contentType: string; text: string; bytes: Buffer }[];
  auth: string | undefined;
  status: number;
  response?: unknown;
  /** When the request arrived (ms since epoch). */
  at: number;
}

export { visibleText, type FakeOp } from './fake-discord-ops.ts';

export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id: string;
  content: string;
  author: { id: string; username: string; bot?: boolean; global_name?: string | null; discriminator: string; avatar: null };
  webhook_id?: string;
  application_id?: string;
  embeds: unknown[];
  components: unknown[];
  attachments: unknown[];
  timestamp: string;
  edited_timestamp: string | null;
  [k: string]: unknown;
}

export interface FakeDiscordOptions {
  /** Replayed events on RESUME that the client had already received. */
  replayOverlap?: number;
  heartbeatMs?: number;
}

export type FakeDiscord = Awaited<ReturnType<typeof startFakeDiscord>>;

const EPOCH = 1420070400000n;

export async function startFakeDiscord(opts: FakeDiscordOptions = {}) {
  let counter = 0n;
  const snowflake = () => String(((BigInt(Date.now()) - EPOCH) << 22n) + counter++);
  const ids = { guild: snowflake(), channel: snowflake(), bot: snowflake(), app: snowflake(), user: snowflake(), everyone: '' };
  ids.everyone = ids.guild;
  const user = { id: ids.user, username: 'ada', global_name: 'Ada Lovelace', discriminator: '0', avatar: null };
  const botUser = { id: ids.bot, username: 'ouro-bridge', bot: true, discriminator: '0', avatar: null, global_name: null };

  const sockets = new Set<WebSocket>();
  const events: { s: number; t: string; d: unknown }[] = [];
  let sessionId = '';
  let seq = 0;
  let live: WebSocket | undefined;
  /** Set by `reconnect()`: which already-delivered events the next RESUME replays. */
  let replayAlso: ((t: string, d: unknown) => boolean) | undefined;
  const gateway = {
    identifies: 0,
    resumes: 0,
    heartbeats: 0,
    /** `intents` of the last IDENTIFY. */ intents: 0,
    /** `TYPE id` of every event replayed on a resume. */ replayed: [] as string[],
  };

  const state: FakeState = {
    ids,
    botUser,
    snowflake,
    calls: [] as RecordedCall[],
    channels: new Map<string, any>([[ids.channel, { id: ids.channel, type: 0, name: 'lab', guild_id: ids.guild, position: 0, permission_overwrites: [] }]]),
    messages: new Map<string, FakeMessage>(),
    webhooks: new Map<
      string,
      { id: string; token: string; channel_id: string; name: string; application_id: string; user: unknown; type: 1; guild_id: string }
    >(),
    /** interaction token → the flags its deferral used (64 = ephemeral). */
    interactionFlags: new Map<string, number>(),
    autocompleteAnswers: [] as { token: string; choices: unknown }[],
    botCan: { manageWebhooks: true },
    otherGuilds: [],
    afterWrite: [],
    dispatch,
  };

  function send(ws: WebSocket, payload: unknown) {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
  }

  function dispatch(t: string, d: unknown): number {
    const s = ++seq;
    events.push({ s, t, d });
    if (live) send(live, { op: 0, t, s, d });
    return s;
  }

  function guildPayload() {
    return {
      id: ids.guild,
      name: 'Materials Lab',
      owner_id: ids.user,
      unavailable: false,
      member_count: 2,
      roles: [{ id: ids.guild, name: '@everyone', permissions: '1024', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
      members: [{ user: botUser, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 }],
      channels: [...state.channels.values()].filter((c) => c.type === 0),
      threads: [...state.channels.values()].filter((c) => c.type === 11),
      emojis: [],
      stickers: [],
      features: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      joined_at: new Date().toISOString(),
    };
  }

  /** Attachments people posted, served like Discord's CDN (no token needed). */
  const cdn = new Map<string, { bytes: Buffer; contentType: string }>();
  const cdnGets: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url?.startsWith('/cdn/')) {
      const path = req.url.split('?')[0]!;
      cdnGets.push(path);
      const f = cdn.get(path);
      if (!f) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': f.contentType, 'content-length': String(f.bytes.length) }).end(f.bytes);
    }
    handleRest(state, req, res, `ws://127.0.0.1:${port}/gateway`).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(err), code: 0 }));
    });
  });
  const wss = new WebSocketServer({ server, path: '/gateway' });
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => {
      sockets.delete(ws);
      if (live === ws) live = undefined;
    });
    send(ws, { op: 10, d: { heartbeat_interval: opts.heartbeatMs ?? 30_000 } });
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { op: number; d: any };
      if (msg.op === 1) {
        gateway.heartbeats++;
        send(ws, { op: 11 });
      } else if (msg.op === 2) {
        gateway.identifies++;
        gateway.intents = Number(msg.d?.intents ?? 0);
        sessionId = `session-${gateway.identifies}`;
        live = ws;
        dispatch('READY', {
          v: 10,
          user: botUser,
          guilds: [{ id: ids.guild, unavailable: true }],
          session_id: sessionId,
          resume_gateway_url: `ws://127.0.0.1:${port}/gateway`,
          shard: [0, 1],
          application: { id: ids.app, flags: 0 },
        });
        dispatch('GUILD_CREATE', guildPayload());
      } else if (msg.op === 6) {
        gateway.resumes++;
        live = ws;
        const seen = msg.d.seq as number;
        const overlap = Math.max(0, seen - (opts.replayOverlap ?? 1));
        const pick = replayAlso;
        replayAlso = undefined;
        const again = (x: { s: number; t: string; d: unknown }) => (pick ? x.s <= seen && pick(x.t, x.d) : x.s > overlap);
        for (const e of events.filter((x) => (x.s > seen || again(x)) && x.t !== 'READY' && x.t !== 'GUILD_CREATE')) {
          gateway.replayed.push(`${e.t} ${(e.d as { id?: string }).id ?? ''}`);
          send(ws, { op: 0, t: e.t, s: e.s, d: e.d });
        }
        send(ws, { op: 0, t: 'RESUMED', s: ++seq, d: {} });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  const member = (permissions = '0') => ({
    user,
    roles: [],
    joined_at: new Date().toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
    permissions,
  });

  function threadChannel(id: string, parentId: string, name: string) {
    const t = {
      id,
      type: 11,
      guild_id: ids.guild,
      parent_id: parentId,
      name,
      owner_id: ids.user,
      message_count: 0,
      member_count: 1,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
    };
    state.channels.set(id, t);
    dispatch('THREAD_CREATE', { ...t, newly_created: true });
    return t;
  }

  /** `guildId`: another server than the fake's own (a stranger's the bot was invited to). */
  function interactionBase(type: number, channelId: string, permissions: string, guildId = ids.guild) {
    const id = snowflake();
    const token = `itoken-${id}`;
    const channel = state.channels.get(channelId);
    return {
      id,
      token,
      type,
      application_id: ids.app,
      guild_id: guildId,
      channel_id: channelId,
      channel,
      member: member(permissions),
      app_permissions: '2251799813685247',
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
      context: 0,
      version: 1,
    };
  }

  return {
    port,
    apiUrl: `http://127.0.0.1:${port}/api`,
    ids,
    user,
    botUser,
    calls: state.calls,
    messages: state.messages,
    webhooks: state.webhooks,
    channels: state.channels,
    gateway,
    autocompleteAnswers: state.autocompleteAnswers,
    interactionFlags: state.interactionFlags,
    botCan: state.botCan,
    otherGuilds: state.otherGuilds,
    dispatch,
    /**
     * The next `times` calls of `method` on `path` (after `skip` of them) do their work, then
     * answer 500 or drop the connection (`refuse`: 500 without the work).
     */
    failAfterWrite(method: string, path: RegExp, times: number, kind: '500' | 'reset' | 'refuse' = '500', skip = 0) {
      state.afterWrite.push({ method, path, times, kind, skip });
    },

    /**
     * A person posts; `thread` is the root message id (the thread is started from it on first
     * use). `away`: written while no session listens: kept (REST reads see it), never dispatched.
     */
    /** CDN paths fetched so far. */
    cdnGets,
    userMessage(content: string, o: { thread?: string; away?: boolean; files?: { name: string; bytes: Buffer; contentType: string }[] } = {}): FakeMessage {
      let channelId = ids.channel;
      if (o.thread) {
        if (!state.channels.has(o.thread)) threadChannel(o.thread, ids.channel, 'thread');
        channelId = o.thread;
      }
      const m: FakeMessage = {
        id: snowflake(),
        channel_id: channelId,
        guild_id: ids.guild,
        content,
        author: user,
        member: member(),
        type: 0,
        tts: false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        pinned: false,
        embeds: [],
        components: [],
        attachments: (o.files ?? []).map((f) => {
          const id = snowflake();
          const path = `/cdn/attachments/${channelId}/${id}/${encodeURIComponent(f.name)}`;
          cdn.set(path, { bytes: f.bytes, contentType: f.contentType });
          const url = `http://127.0.0.1:${port}${path}`;
          return { id, filename: f.name, size: f.bytes.length, content_type: f.contentType, url, proxy_url: url };
        }),
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
      };
      state.messages.set(m.id, m);
      if (!o.away) dispatch('MESSAGE_CREATE', m);
      return m;
    },
    editUserMessage(id: string, content: string) {
      const m = state.messages.get(id);
      if (!m) throw new Error(`fake: no message ${id}`);
      m.content = content;
      m.edited_timestamp = new Date().toISOString();
      dispatch('MESSAGE_UPDATE', { ...m });
    },
    deleteUserMessage(id: string) {
      const m = state.messages.get(id);
      if (!m) throw new Error(`fake: no message ${id}`);
      state.messages.delete(id);
      dispatch('MESSAGE_DELETE', { id, channel_id: m.channel_id, guild_id: ids.guild });
    },
    startThread: (messageId: string, name = 'thread') => threadChannel(messageId, ids.channel, name),

    /** `/name` with an option tree; returns the interaction id and token. */
    chatInput(name: string, options: unknown[], o: { permissions?: string; channelId?: string; guildId?: string } = {}) {
      const base = interactionBase(2, o.channelId ?? ids.channel, o.permissions ?? '0', o.guildId);
      const payload = { ...base, data: { id: snowflake(), name, type: 1, options } };
      dispatch('INTERACTION_CREATE', payload);
      return { id: base.id, token: base.token, payload };
    },
    button(customId: string, messageId: string, o: { permissions?: string; guildId?: string } = {}) {
      const message = state.messages.get(messageId);
      const base = interactionBase(3, message?.channel_id ?? ids.channel, o.permissions ?? '0', o.guildId);
      dispatch('INTERACTION_CREATE', { ...base, message, data: { custom_id: customId, component_type: 2 } });
      return { id: base.id, token: base.token };
    },
    /** A person submits a modal: text inputs by custom id. */
    modalSubmit(customId: string, values: Record<string, string>, o: { permissions?: string; guildId?: string } = {}) {
      const base = interactionBase(5, ids.channel, o.permissions ?? '0', o.guildId);
      const components = Object.entries(values).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] }));
      dispatch('INTERACTION_CREATE', { ...base, data: { custom_id: customId, components } });
      return { id: base.id, token: base.token };
    },
    autocomplete(name: string, options: unknown[], o: { guildId?: string } = {}) {
      const base = interactionBase(4, ids.channel, '0', o.guildId);
      dispatch('INTERACTION_CREATE', { ...base, data: { id: snowflake(), name, type: 1, options } });
      return { id: base.id, token: base.token };
    },

    /** Every successful message operation the adapter made, oldest first. */
    received: (): FakeOp[] => receivedOps(state),

    /**
     * Asks the client to reconnect and resume (gateway op 7). The resume replays what the
     * client missed, plus the already-delivered events `replayAlso` picks (default: the
     * last `replayOverlap` events).
     */
    reconnect(o: { replayAlso?: (t: string, d: any) => boolean } = {}) {
      replayAlso = o.replayAlso;
      if (live) send(live, { op: 7, d: null });
    },

    /** Ends the session for good (op 9, not resumable): the client IDENTIFYs again and gets a new READY. */
    invalidateSession() {
      if (live) send(live, { op: 9, d: false });
    },

    async waitForCall(match: (c: RecordedCall) => boolean, timeoutMs = 5_000, what = 'a call'): Promise<RecordedCall> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const c = state.calls.find(match);
        if (c) return c;
        if (Date.now() > deadline) {
          throw new Error(`fake discord: timed out waiting for ${what}; calls: ${state.calls.map((x) => `${x.method} ${x.path}`).join(', ')}`);
        }
        await sleep(10);
      }
    },

    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
