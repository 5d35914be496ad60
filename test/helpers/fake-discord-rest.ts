/**
 * The REST half of the Discord fake (see fake-discord.ts): `/api/v10/...` routes the adapter
 * and discord.js use, each recorded before it is answered. JSON and multipart
 * (`payload_json` + `files[n]`) bodies are both decoded. Unknown routes answer 404 with a
 * Discord-shaped error, so a missing route shows up as a failing call, not a hang.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeMessage, RecordedCall } from './fake-discord.ts';

export interface FakeState {
  ids: { guild: string; channel: string; bot: string; app: string; user: string };
  botUser: FakeMessage['author'];
  snowflake(): string;
  calls: RecordedCall[];
  channels: Map<string, any>;
  messages: Map<string, FakeMessage>;
  webhooks: Map<string, { id: string; token: string; channel_id: string; name: string; application_id: string; user: unknown; type: 1; guild_id: string }>;
  interactionFlags: Map<string, number>;
  /** What the bot may do; tests switch permissions off to see the adapter cope. */
  botCan: {
    manageWebhooks: boolean;
    /** Sets GATEWAY_MESSAGE_CONTENT_LIMITED (1 << 19) in the application's `flags` (default off). */
    messageContent?: boolean;
  };
  autocompleteAnswers: { token: string; choices: unknown }[];
  /** Servers the bot sits in besides the fake's own (`GET /users/@me/guilds`). */
  otherGuilds: { id: string; name: string }[];
  /** Faulty calls: `500`/`reset` do their work (a message is stored and dispatched), then answer 500 or drop the connection; `refuse` answers 500 without doing it. */
  /** `skip`: matching calls to let through before the fault starts. */
  afterWrite: { method: string; path: RegExp; times: number; kind: '500' | 'reset' | 'refuse'; skip?: number }[];
  dispatch(t: string, d: unknown): number;
}

/** The fault this call meets (spending one of its `times`), after any calls it lets through. */
function takeFault(s: FakeState, method: string, path: string, refuse: boolean): FakeState['afterWrite'][number] | undefined {
  const f = s.afterWrite.find((x) => x.times > 0 && (x.kind === 'refuse') === refuse && x.method === method && x.path.test(path));
  if (!f) return undefined;
  if (f.skip) {
    f.skip--;
    return undefined;
  }
  f.times--;
  return f;
}

async function readBody(req: IncomingMessage): Promise<{ body: any; files: RecordedCall['files'] }> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const buf = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (buf.length === 0) return { body: undefined, files: [] };
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(buf, { headers: { 'content-type': type } }).formData();
    const files: RecordedCall['files'] = [];
    let body: any;
    for (const [key, value] of form.entries()) {
      if (key === 'payload_json') body = JSON.parse(String(value));
      else if (typeof value !== 'string') {
        const bytes = Buffer.from(await value.arrayBuffer());
        // `bytes` is not enumerable: tests comparing the recorded files whole see name, type and text.
        files.push(
          Object.defineProperty({ name: value.name, contentType: value.type, text: bytes.toString('utf8') }, 'bytes', {
            value: bytes,
            enumerable: false,
          }) as RecordedCall['files'][number],
        );
      }
    }
    return { body, files };
  }
  return { body: JSON.parse(buf.toString('utf8')), files: [] };
}

export async function handleRest(s: FakeState, req: IncomingMessage, res: ServerResponse, gatewayUrl: string): Promise<void> {
  const at = Date.now();
  const url = new URL(req.url ?? '/', 'http://fake');
  const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
  const query = Object.fromEntries(url.searchParams);
  const { body, files } = await readBody(req);
  const call: RecordedCall = { method: req.method ?? 'GET', path, query, body, files, auth: req.headers.authorization, status: 200, at };
  s.calls.push(call);
  const reply = (status: number, payload?: unknown) => {
    const fault = status < 300 ? takeFault(s, call.method, path, false) : undefined;
    if (fault) {
      call.status = 500;
      call.response = payload;
      if (fault.kind === 'reset') return void req.socket.destroy();
      return void res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: '500: Internal Server Error', code: 0 }));
    }
    call.status = status;
    call.response = payload;
    if (payload === undefined) res.writeHead(status).end();
    else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  };
  const notFound = (code: number, message: string) => reply(404, { code, message });
  if (takeFault(s, call.method, path, true)) {
    call.status = 500;
    return void res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: '500: Internal Server Error', code: 0 }));
  }
  const m = (re: RegExp) => re.exec(path);
  const method = call.method;
  let r: RegExpExecArray | null;

  const newMessage = (channelId: string, b: any, author: FakeMessage['author'], extra: Partial<FakeMessage> = {}): FakeMessage => {
    const msg: FakeMessage = {
      id: s.snowflake(),
      channel_id: channelId,
      guild_id: s.ids.guild,
      content: b?.content ?? '',
      author,
      embeds: b?.embeds ?? [],
      components: b?.components ?? [],
      attachments: files.map((f, i) => ({ id: String(i), filename: f.name, size: f.text.length, url: `http://fake/${f.name}`, proxy_url: '' })),
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      type: 0,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
      ...extra,
    };
    s.messages.set(msg.id, msg);
    s.dispatch('MESSAGE_CREATE', msg);
    return msg;
  };
  const editMessage = (id: string, b: any) => {
    const msg = s.messages.get(id);
    if (!msg) return undefined;
    if (b?.content !== undefined) msg.content = b.content;
    if (b?.embeds !== undefined) msg.embeds = b.embeds;
    if (b?.components !== undefined) msg.components = b.components;
    msg.edited_timestamp = new Date().toISOString();
    s.dispatch('MESSAGE_UPDATE', { ...msg });
    return msg;
  };
  const deleteMessage = (id: string) => {
    const msg = s.messages.get(id);
    if (!msg) return false;
    s.messages.delete(id);
    s.dispatch('MESSAGE_DELETE', { id, channel_id: msg.channel_id, guild_id: s.ids.guild });
    return true;
  };

  if (method === 'GET' && path === '/gateway/bot') {
    return reply(200, { url: gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } });
  }
  if (method === 'GET' && (path === '/applications/@me' || path === '/oauth2/applications/@me')) {
    return reply(200, { id: s.ids.app, name: 'Ouro Bridge', flags: s.botCan.messageContent ? 1 << 19 : 0, bot_public: false, description: '' });
  }
  if (method === 'GET' && path === '/users/@me') return reply(200, s.botUser);
  if (method === 'GET' && path === '/users/@me/guilds') return reply(200, [{ id: s.ids.guild, name: 'Materials Lab' }, ...s.otherGuilds]);
  if ((r = m(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/)) && method === 'PUT') {
    if (r[1] !== s.ids.app) return notFound(10002, 'Unknown Application');
    return reply(
      200,
      (body as any[]).map((c) => ({ ...c, id: s.snowflake(), application_id: s.ids.app, version: '1' })),
    );
  }
  // The commands last put on the route (read back from the recorded calls), as Discord lists them.
  if ((r = m(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/)) && method === 'GET') {
    if (r[1] !== s.ids.app) return notFound(10002, 'Unknown Application');
    const put = s.calls.findLast((c) => c.method === 'PUT' && c.path === path && c.status === 200);
    return reply(200, (put?.response as unknown[] | undefined) ?? []);
  }
  if ((r = m(/^\/interactions\/(\d+)\/([^/]+)\/callback$/)) && method === 'POST') {
    const token = r[2]!;
    // Discord accepts one initial response per interaction.
    if (s.interactionFlags.has(token) || s.autocompleteAnswers.some((a) => a.token === token)) {
      return reply(400, { code: 40060, message: 'Interaction has already been acknowledged.' });
    }
    if (body?.type === 8) s.autocompleteAnswers.push({ token, choices: body.data?.choices });
    else s.interactionFlags.set(token, body?.data?.flags ?? 0);
    return reply(204);
  }
  // Interaction responses: /webhooks/<application id>/<interaction token>/...
  if ((r = m(/^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/)) && r[1] === s.ids.app) {
    const [, , token, mid] = r;
    if (method === 'POST' && !mid) {
      const msg = newMessage(s.channels.has(s.ids.channel) ? s.ids.channel : '', body, s.botUser, {
        application_id: s.ids.app,
        flags: body?.flags ?? 0,
        interaction_token: token,
      } as any);
      return reply(200, msg);
    }
    if (mid === '@original' && method === 'PATCH')
      return reply(200, {
        id: s.snowflake(),
        channel_id: s.ids.channel,
        content: body?.content ?? '',
        author: s.botUser,
        embeds: [],
        attachments: [],
        timestamp: new Date().toISOString(),
      });
    if (mid === '@original' && method === 'DELETE') return reply(204);
    if (mid && method === 'PATCH') return editMessage(mid, body) ? reply(200, s.messages.get(mid)) : notFound(10008, 'Unknown Message');
    return notFound(0, 'fake: unsupported interaction webhook route');
  }
  // Channel webhooks: execute, edit, delete.
  if ((r = m(/^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(\d+))?$/))) {
    const [, id, token, mid] = r;
    const hook = s.webhooks.get(id!);
    if (!hook || hook.token !== token) return notFound(10015, 'Unknown Webhook');
    const channelId = query.thread_id ?? hook.channel_id;
    if (query.thread_id && !s.channels.has(query.thread_id)) return notFound(10003, 'Unknown Channel');
    const author = { id: hook.id, username: body?.username ?? hook.name, bot: true, discriminator: '0000', avatar: null };
    if (method === 'POST' && !mid) {
      const msg = newMessage(channelId, body, author, { webhook_id: hook.id, application_id: s.ids.app, avatar_url: body?.avatar_url } as any);
      return query.wait === 'true' ? reply(200, msg) : reply(204);
    }
    const msg = mid ? s.messages.get(mid) : undefined;
    if (!msg || msg.webhook_id !== hook.id) return notFound(10008, 'Unknown Message');
    if (method === 'PATCH') return reply(200, editMessage(mid!, body));
    if (method === 'DELETE') return (deleteMessage(mid!), reply(204));
  }
  // A DM channel with the one fake person: messages posted into it are kept like any other.
  if (path === '/users/@me/channels' && method === 'POST') {
    const dm = { id: s.snowflake(), type: 1, recipients: [{ id: body?.recipient_id }] };
    s.channels.set(dm.id, dm as any);
    return reply(200, dm);
  }
  if ((r = m(/^\/channels\/(\d+)$/)) && method === 'GET') {
    const c = s.channels.get(r[1]!);
    return c ? reply(200, c) : notFound(10003, 'Unknown Channel');
  }
  if ((r = m(/^\/channels\/(\d+)\/webhooks$/))) {
    const channelId = r[1]!;
    if (!s.channels.has(channelId)) return notFound(10003, 'Unknown Channel');
    if (!s.botCan.manageWebhooks) return reply(403, { code: 50013, message: 'Missing Permissions' });
    if (method === 'GET')
      return reply(
        200,
        [...s.webhooks.values()].filter((w) => w.channel_id === channelId),
      );
    if (method === 'POST') {
      const hook = {
        id: s.snowflake(),
        token: `whtoken-${s.snowflake()}`,
        channel_id: channelId,
        guild_id: s.ids.guild,
        name: body?.name ?? 'hook',
        application_id: s.ids.app,
        user: s.botUser,
        type: 1 as const,
      };
      s.webhooks.set(hook.id, hook);
      return reply(200, hook);
    }
  }
  // Like Discord: the `limit` (≤ 100) newest messages (before `before` when given), or the
  // `limit` right after `after`; listed newest first either way.
  if ((r = m(/^\/channels\/(\d+)\/messages$/)) && method === 'GET') {
    const channelId = r[1]!;
    if (!s.channels.has(channelId)) return notFound(10003, 'Unknown Channel');
    const limit = Math.min(100, Math.max(1, Number(query.limit ?? 50)));
    const asc = [...s.messages.values()].filter((x) => x.channel_id === channelId).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    if (query.after)
      return reply(
        200,
        asc
          .filter((x) => BigInt(x.id) > BigInt(query.after!))
          .slice(0, limit)
          .reverse(),
      );
    const older = query.before ? asc.filter((x) => BigInt(x.id) < BigInt(query.before!)) : asc;
    return reply(200, older.slice(-limit).reverse());
  }
  if ((r = m(/^\/channels\/(\d+)\/messages$/)) && method === 'POST') {
    if (!s.channels.has(r[1]!)) return notFound(10003, 'Unknown Channel');
    return reply(200, newMessage(r[1]!, body, s.botUser));
  }
  if ((r = m(/^\/channels\/(\d+)\/messages\/(\d+)\/threads$/)) && method === 'POST') {
    const [, channelId, mid] = r;
    if (!s.messages.has(mid!) || s.messages.get(mid!)!.channel_id !== channelId) return notFound(10008, 'Unknown Message');
    if (s.channels.has(mid!)) return reply(400, { code: 160004, message: 'A thread has already been created for this message' });
    const t = {
      id: mid,
      type: 11,
      guild_id: s.ids.guild,
      parent_id: channelId,
      name: body?.name ?? 'thread',
      owner_id: s.ids.bot,
      message_count: 0,
      member_count: 1,
      thread_metadata: {
        archived: false,
        auto_archive_duration: body?.auto_archive_duration ?? 1440,
        archive_timestamp: new Date().toISOString(),
        locked: false,
      },
    };
    s.channels.set(mid!, t);
    s.dispatch('THREAD_CREATE', { ...t, newly_created: true });
    return reply(201, t);
  }
  if ((r = m(/^\/channels\/(\d+)\/messages\/(\d+)$/))) {
    const msg = s.messages.get(r[2]!);
    if (!msg || msg.channel_id !== r[1]) return notFound(10008, 'Unknown Message');
    if (method === 'GET') return reply(200, msg);
    if (method === 'PATCH') {
      if (msg.author.id !== s.ids.bot) return reply(403, { code: 50005, message: 'Cannot edit a message authored by another user' });
      return reply(200, editMessage(msg.id, body));
    }
    if (method === 'DELETE') return (deleteMessage(msg.id), reply(204));
  }
  if ((r = m(/^\/channels\/(\d+)\/typing$/)) && method === 'POST') return reply(204);
  return notFound(0, `fake discord: no route for ${method} ${path}`);
}
