/**
 * A loopback fake of Slack for the real bolt App (docs/architecture.md, "Testing against the real
 * libraries" 1–2), on one port of 127.0.0.1:
 * - Web API `POST /api/<method>` (form or JSON bodies; records every call; keeps messages);
 * - response_url sink `POST /hooks/<n>` and file upload sink `POST /upload/<fileId>`;
 * - Socket Mode: `apps.connections.open` hands out `ws://…/link`, where the fake says hello
 *   and sends envelopes, waiting for the app's ack.
 * It plays the people too: `userPosts`/`userEdits`/`userDeletes`, `command`, `press`,
 * `submitView`, `shareLinks` deliver correctly signed requests (HTTP) or envelopes (socket).
 * Like Slack, it echoes the bot's own posts, edits and deletes back as message events, so a
 * loop guard is tested against real echoes.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BOT_SCOPES } from '../../src/adapters/slack/manifest.ts';
import { FakeSlackFiles } from './fake-slack-files.ts';
import { readHistory } from './fake-slack-history.ts';
import { parseArgs, readAll, signSlack, type Call, type FakeUser, type Hook, type StoredMessage } from './fake-slack-wire.ts';
import { sleep } from './eventually.ts';

export const TEAM = 'T0LAB';
export const BOT = { user_id: 'U0BOT', bot_id: 'B0BOT', app_id: 'A0OURO' };

export { signSlack, type Call, type FakeUser, type Hook, type StoredMessage } from './fake-slack-wire.ts';

export interface Delivery {
  status: number;
  /** HTTP: the response body; socket: the ack payload. */
  body: any;
}

export class FakeSlack {
  readonly calls: Call[] = [];
  readonly hooks: Hook[] = [];
  /** files.getUploadURLExternal arguments by the file id handed out. */
  private readonly uploadTickets = new Map<string, Record<string, any>>();
  readonly uploads: { fileId: string; bytes: Buffer; contentType?: string }[] = [];
  readonly messages = new Map<string, StoredMessage>();
  /** Files people shared (fake-slack-files.ts). */
  readonly files = new FakeSlackFiles(() => this.url);
  readonly users = new Map<string, FakeUser>();
  /** Echo the bot's writes back as message events, as Slack does. */
  echo = true;
  /** Answer every response_url with 404 expired_url. */
  expiredHooks = false;
  /** The bot token's scopes, sent as `x-oauth-scopes` on every Web API answer as Slack does
   * (default: the manifest's); `undefined` sends no header. */
  grantedScopes: readonly string[] | undefined = BOT_SCOPES;
  private server = createServer((req, res) => void this.handle(req, res));
  private wss = new WebSocketServer({ noServer: true });
  private sockets = new Set<WebSocket>();
  private waiting = new Map<string, (payload: any) => void>();
  private limits = new Map<string, { times: number; retryAfter: number }>();
  private failures = new Map<string, string>();
  private afterWrite = new Map<string, { times: number; kind: '500' | 'reset' | 'refuse' }>();
  private seq = 0;
  private lastMicros = 0;
  private hookSeq = 0;
  private envSeq = 0;
  private order = 0;
  private postTs = new WeakMap<Call, string>();
  /** Echo deliveries that failed (no app listening, app answered non-2xx). */
  readonly echoFailures: string[] = [];
  private http?: { url: string; secret: string };
  port = 0;

  constructor() {
    this.users.set('U0ADA', { id: 'U0ADA', name: 'Ada Lovelace', is_admin: true });
    this.users.set('U0BOB', { id: 'U0BOB', name: 'Bob Builder' });
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/link')) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.add(ws);
        ws.on('close', () => this.sockets.delete(ws));
        ws.on('message', (data) => {
          const msg = JSON.parse(String(data));
          if (msg.envelope_id) this.waiting.get(msg.envelope_id)?.(msg.payload ?? {});
        });
        ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' } }));
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** SLACK_API_URL for the app. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Deliver to the app over HTTP at `url` (its /slack/events), signing with `secret`. */
  deliverOverHttp(url: string, secret: string): void {
    this.http = { url, secret };
  }

  /** Every call of `method` answers `{ok: false, error}` (until set to undefined). */
  fail(method: string, error: string | undefined): void {
    if (error) this.failures.set(method, error);
    else this.failures.delete(method);
  }

  /** The next `times` calls of `method` do their work (a post is stored and echoed), then answer HTTP 500 or drop the connection (`refuse`: 500 without the work). */
  failAfterWrite(method: string, times: number, kind: '500' | 'reset' | 'refuse' = '500'): void {
    this.afterWrite.set(method, { times, kind });
  }

  /** The next `times` calls of `method` get HTTP 429 with Retry-After. */
  rateLimit(method: string, times: number, retryAfterSec: number): void {
    this.limits.set(method, { times, retryAfter: retryAfterSec });
  }

  /** The ts the fake gave a chat.postMessage call. */
  tsOfPost(call: Call): string | undefined {
    return this.postTs.get(call);
  }

  /**
   * Files as a channel sees them: each completed upload with its bytes, the alt text given at
   * files.getUploadURLExternal, and where completeUploadExternal shared it.
   */
  sharedFiles(): { id: string; name: string; title?: string; altText?: string; channel: string; threadTs?: string; bytes?: Buffer; contentType?: string }[] {
    const tickets = this.uploadTickets;
    return this.calls
      .filter((c) => c.method === 'files.completeUploadExternal')
      .flatMap((c) =>
        (typeof c.args.files === 'string' ? JSON.parse(c.args.files) : c.args.files).map((f: { id: string; title?: string }) => {
          const upload = this.uploads.find((u) => u.fileId === f.id);
          const ticket = tickets.get(f.id);
          return {
            id: f.id,
            name: String(ticket?.filename ?? ''),
            title: f.title,
            altText: ticket?.alt_text,
            channel: c.args.channel_id,
            threadTs: c.args.thread_ts,
            bytes: upload?.bytes,
            contentType: upload?.contentType,
          };
        }),
      );
  }

  callsOf(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** A ts from the clock, as Slack's are (conversations.history's `oldest` compares them with times), strictly increasing. */
  nextTs(): string {
    this.seq++;
    const micros = (this.lastMicros = Math.max(Date.now() * 1000, this.lastMicros + 100));
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  // ------------------------------------------------------------------ Web API

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const raw = await readAll(req);
    const scopes: Record<string, string> = path.startsWith('/api/') && this.grantedScopes ? { 'x-oauth-scopes': this.grantedScopes.join(',') } : {};
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void =>
      void res.writeHead(status, { 'content-type': 'application/json', ...scopes, ...headers }).end(JSON.stringify(body));
    if (path.startsWith('/hooks/')) {
      this.hooks.push({ seq: ++this.order, id: path.slice(7), body: JSON.parse(raw.toString('utf8')) });
      // Slack answers 404 "expired_url" once a response_url is older than 30 min or used 5 times.
      if (this.expiredHooks) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('expired_url');
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }
    if (this.files.serve(req, res, path)) return;
    if (path.startsWith('/upload/')) {
      this.uploads.push({ fileId: path.slice(8), bytes: raw, contentType: req.headers['content-type'] });
      return void res.writeHead(200).end(`OK - ${raw.length}`);
    }
    if (!path.startsWith('/api/')) return json(404, { ok: false, error: 'not_found' });
    const method = path.slice(5);
    const args = parseArgs(raw.toString('utf8'), String(req.headers['content-type'] ?? ''));
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '') || args.token;
    this.calls.push({ seq: ++this.order, at: Date.now(), method, args, token });
    const failure = this.failures.get(method);
    if (failure) return json(200, { ok: false, error: failure });
    const fault = this.afterWrite.get(method);
    if (fault?.kind === 'refuse' && fault.times > 0) return (fault.times--, json(500, { ok: false, error: 'fatal_error' }));
    const limit = this.limits.get(method);
    if (limit && limit.times > 0) {
      limit.times--;
      return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfter) });
    }
    const after: (() => void)[] = [];
    const answer = this.answer(method, args, after) as { ts?: string };
    if (method === 'chat.postMessage' && answer.ts) this.postTs.set(this.calls.at(-1)!, answer.ts);
    if (fault && fault.times > 0) {
      fault.times--;
      if (fault.kind === 'reset') req.socket.destroy();
      else json(500, { ok: false, error: 'fatal_error' });
    } else json(200, answer);
    // Slack's echo events arrive after the API answered.
    if (this.echo) for (const f of after) setTimeout(f, 5);
  }

  private echoEvent(event: Record<string, unknown>): void {
    this.event(event).then(
      (d) => void (d.status >= 300 && this.echoFailures.push(`HTTP ${d.status}`)),
      (err: Error) => void this.echoFailures.push(err.message),
    );
  }

  private answer(method: string, a: Record<string, any>, after: (() => void)[]): unknown {
    const ok = (body: object = {}) => ({ ok: true, ...body });
    switch (method) {
      case 'auth.test':
        return ok({ url: 'https://lab.slack.com/', team: 'Lab', user: 'ouro', team_id: TEAM, user_id: BOT.user_id, bot_id: BOT.bot_id });
      case 'bots.info':
        return ok({ bot: { id: a.bot, app_id: BOT.app_id, user_id: BOT.user_id, name: 'ouro' } });
      case 'apps.connections.open':
        return ok({ url: `ws://127.0.0.1:${this.port}/link` });
      case 'users.info': {
        const u = this.users.get(a.user);
        if (!u) return { ok: false, error: 'user_not_found' };
        return ok({
          user: {
            id: u.id,
            team_id: u.team_id ?? TEAM,
            name: u.name.toLowerCase().replace(/\s+/g, '.'),
            real_name: u.name,
            is_admin: !!u.is_admin,
            is_owner: !!u.is_owner,
            is_bot: !!u.is_bot,
            profile: { display_name: u.name, real_name: u.name, image_72: `https://avatars.example/${u.id}.png` },
          },
        });
      }
      case 'conversations.info':
        return ok({ channel: { id: a.channel, name: `name-of-${String(a.channel).toLowerCase()}` } });
      case 'conversations.open':
        return ok({ channel: { id: `D${String(a.users).slice(1)}` } });
      case 'chat.postMessage': {
        const m: StoredMessage = {
          channel: a.channel,
          ts: this.nextTs(),
          text: a.text ?? '',
          thread_ts: a.thread_ts,
          bot_id: BOT.bot_id,
          app_id: BOT.app_id,
          username: a.username,
          blocks: a.blocks,
          ...(a.metadata ? { metadata: a.metadata } : {}),
        };
        this.messages.set(`${m.channel}/${m.ts}`, m);
        after.push(() => this.echoEvent({ type: 'message', subtype: 'bot_message', ...m }));
        return ok({ channel: m.channel, ts: m.ts, message: { ...m, type: 'message' } });
      }
      case 'chat.update': {
        const m = this.messages.get(`${a.channel}/${a.ts}`);
        if (!m) return { ok: false, error: 'message_not_found' };
        const prev = { ...m };
        Object.assign(m, { text: a.text ?? m.text, blocks: a.blocks });
        after.push(() =>
          this.echoEvent({
            type: 'message',
            subtype: 'message_changed',
            channel: m.channel,
            message: { type: 'message', ...m, edited: { user: BOT.user_id, ts: this.nextTs() } },
            previous_message: prev,
            event_ts: this.nextTs(),
            ts: this.nextTs(),
            hidden: true,
          }),
        );
        return ok({ channel: a.channel, ts: a.ts, text: m.text });
      }
      case 'chat.delete': {
        const m = this.messages.get(`${a.channel}/${a.ts}`);
        if (!m) return { ok: false, error: 'message_not_found' };
        this.messages.delete(`${a.channel}/${a.ts}`);
        after.push(() =>
          this.echoEvent({
            type: 'message',
            subtype: 'message_deleted',
            channel: m.channel,
            deleted_ts: m.ts,
            previous_message: m,
            event_ts: this.nextTs(),
            ts: this.nextTs(),
            hidden: true,
          }),
        );
        return ok({ channel: a.channel, ts: a.ts });
      }
      case 'conversations.history':
      case 'conversations.replies':
        return readHistory(this.messages.values(), method, a);
      case 'chat.postEphemeral':
        return ok({ message_ts: this.nextTs() });
      case 'chat.unfurl':
        return ok();
      case 'views.open':
        return ok({ view: { ...a.view, id: `V${++this.seq}`, hash: `h${this.seq}` } });
      case 'files.getUploadURLExternal': {
        const id = `F${++this.seq}`;
        this.uploadTickets.set(id, a);
        return ok({ upload_url: `${this.url}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal':
        return ok({ files: (a.files ?? []).map((f: { id: string; title?: string }) => ({ id: f.id, title: f.title })) });
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  // ------------------------------------------------------------------ delivery to the app

  /** POSTs a signed request to the app (HTTP mode). `timestampSec`/`secret` let tests forge. */
  async post(body: string, contentType: string, opts: { retryNum?: number; timestampSec?: number; secret?: string } = {}): Promise<Delivery> {
    if (!this.http) throw new Error('fake-slack: deliverOverHttp() first');
    const headers: Record<string, string> = { 'content-type': contentType, ...signSlack(opts.secret ?? this.http.secret, body, opts.timestampSec) };
    if (opts.retryNum) Object.assign(headers, { 'x-slack-retry-num': String(opts.retryNum), 'x-slack-retry-reason': 'http_timeout' });
    const res = await fetch(this.http.url, { method: 'POST', headers, body });
    const text = await res.text();
    const isJson = (res.headers.get('content-type') ?? '').includes('json') && text !== '';
    return { status: res.status, body: isJson ? JSON.parse(text) : text || undefined };
  }

  /** Sends an envelope over Socket Mode and waits for the app's ack (rejects after `ackTimeoutMs`). */
  async envelope(type: 'events_api' | 'slash_commands' | 'interactive', payload: unknown, retryAttempt = 0, ackTimeoutMs = 5000): Promise<Delivery> {
    // The client reconnects by itself after a missed ping (a busy event loop): wait for it.
    for (let waited = 0; this.sockets.size === 0 && waited < 10_000; waited += 20) await sleep(20);
    const ws = [...this.sockets][0];
    if (!ws) throw new Error('fake-slack: no Socket Mode connection');
    const envelope_id = `env-${++this.envSeq}`;
    const acked = new Promise<any>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(envelope_id);
        reject(new Error(`no ack for ${type} ${envelope_id}`));
      }, ackTimeoutMs);
      this.waiting.set(envelope_id, (p) => {
        clearTimeout(timer);
        resolve(p);
      });
    });
    ws.send(
      JSON.stringify({
        envelope_id,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        retry_attempt: retryAttempt,
        retry_reason: retryAttempt ? 'timeout' : '',
      }),
    );
    return { status: 200, body: await acked };
  }

  private get socketMode(): boolean {
    return !this.http;
  }

  /** An Events API callback around `event`; the same `eventId` makes a retry. */
  eventBody(event: Record<string, unknown>, eventId = `Ev${++this.seq}`): Record<string, unknown> {
    return {
      token: 'legacy',
      team_id: TEAM,
      api_app_id: BOT.app_id,
      event: { event_ts: event.ts, ...event },
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: TEAM, user_id: BOT.user_id, is_bot: true }],
    };
  }

  async event(event: Record<string, unknown>, opts: { eventId?: string; retryNum?: number; timestampSec?: number; secret?: string } = {}): Promise<Delivery> {
    const body = this.eventBody(event, opts.eventId);
    return this.sendBody(body, opts);
  }

  async sendBody(body: Record<string, unknown>, opts: { retryNum?: number; timestampSec?: number; secret?: string } = {}): Promise<Delivery> {
    if (this.socketMode) return this.envelope('events_api', body, opts.retryNum ?? 0);
    return this.post(JSON.stringify(body), 'application/json', opts);
  }

  // ------------------------------------------------------------------ people

  async userPosts(
    text: string,
    o: { channel?: string; user?: string; thread_ts?: string; files?: unknown[]; blocks?: unknown[]; subtype?: string } = {},
  ): Promise<StoredMessage & { delivery: Delivery }> {
    const m: StoredMessage = {
      channel: o.channel ?? 'C0LAB',
      ts: this.nextTs(),
      text,
      user: o.user ?? 'U0ADA',
      thread_ts: o.thread_ts,
      blocks: o.blocks,
      ...(o.files ? { files: o.files } : {}),
    };
    this.messages.set(`${m.channel}/${m.ts}`, m);
    const delivery = await this.event({ type: 'message', ...(o.subtype ? { subtype: o.subtype } : {}), ...m });
    return { ...m, delivery };
  }

  /** A message written while no bridge listens (a person's, or `bot_id`'s): kept for history reads, no event delivered. */
  userWritesAway(text: string, o: { channel?: string; user?: string; thread_ts?: string; bot_id?: string } = {}): StoredMessage {
    const m: StoredMessage = {
      channel: o.channel ?? 'C0LAB',
      ts: this.nextTs(),
      text,
      thread_ts: o.thread_ts,
      ...(o.bot_id ? { bot_id: o.bot_id, username: 'a bot' } : { user: o.user ?? 'U0ADA' }),
    };
    this.messages.set(`${m.channel}/${m.ts}`, m);
    return m;
  }

  /** Drops every Socket Mode connection, as a network blip does; the client reconnects by itself. */
  dropSockets(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /** `files`: the message's files after the edit (a person removed one), default unchanged. */
  async userEdits(channel: string, ts: string, text: string, files?: unknown[]): Promise<Delivery> {
    const m = this.messages.get(`${channel}/${ts}`);
    if (!m) throw new Error(`fake-slack: no message ${channel}/${ts}`);
    const prev = { ...m };
    m.text = text;
    if (files) m.files = files;
    const editTs = this.nextTs();
    return this.event({
      type: 'message',
      subtype: 'message_changed',
      channel,
      hidden: true,
      ts: editTs,
      event_ts: editTs,
      message: { type: 'message', ...m, edited: { user: m.user, ts: editTs } },
      previous_message: prev,
    });
  }

  async userDeletes(channel: string, ts: string): Promise<Delivery> {
    const m = this.messages.get(`${channel}/${ts}`);
    if (!m) throw new Error(`fake-slack: no message ${channel}/${ts}`);
    this.messages.delete(`${channel}/${ts}`);
    const at = this.nextTs();
    return this.event({ type: 'message', subtype: 'message_deleted', channel, hidden: true, ts: at, event_ts: at, deleted_ts: ts, previous_message: m });
  }

  /** `/ouro <text>`; the response_url points at this fake's hook sink. */
  /** `team`: the workspace the command comes through (default TEAM). */
  async command(
    text: string,
    o: { channel?: string; user?: string; team?: string; timestampSec?: number; secret?: string } = {},
  ): Promise<Delivery & { responseUrl: string; triggerId: string }> {
    const user = this.users.get(o.user ?? 'U0ADA');
    const responseUrl = `${this.url}/hooks/${++this.hookSeq}`;
    const triggerId = `trig-${++this.seq}`;
    const fields = {
      token: 'legacy',
      team_id: o.team ?? TEAM,
      team_domain: 'lab',
      channel_id: o.channel ?? 'C0LAB',
      channel_name: 'lab',
      user_id: user?.id ?? o.user ?? 'U0ADA',
      user_name: user?.name ?? 'someone',
      command: '/ouro',
      text,
      api_app_id: BOT.app_id,
      response_url: responseUrl,
      trigger_id: triggerId,
    };
    const d = this.socketMode
      ? await this.envelope('slash_commands', fields)
      : await this.post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', o);
    return { ...d, responseUrl, triggerId };
  }

  private async interactive(payload: Record<string, unknown>): Promise<Delivery> {
    if (this.socketMode) return this.envelope('interactive', payload);
    return this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
  }

  /** A person presses a button (block_actions) on `message` in `channel`. */
  async press(
    message: { channel: string; ts: string; thread_ts?: string },
    action: { action_id: string; value: string },
    user = 'U0ADA',
  ): Promise<Delivery & { responseUrl: string }> {
    const responseUrl = `${this.url}/hooks/${++this.hookSeq}`;
    const payload = {
      type: 'block_actions',
      team: { id: TEAM, domain: 'lab' },
      user: { id: user, username: user, name: user, team_id: this.users.get(user)?.team_id ?? TEAM },
      api_app_id: BOT.app_id,
      token: 'legacy',
      trigger_id: `trig-${++this.seq}`,
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
      channel: { id: message.channel, name: 'lab' },
      message: { type: 'message', ts: message.ts, thread_ts: message.thread_ts, text: '' },
      response_url: responseUrl,
      actions: [
        {
          type: 'button',
          block_id: 'b',
          action_id: action.action_id,
          value: action.value,
          text: { type: 'plain_text', text: 'x' },
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
    return { ...(await this.interactive(payload)), responseUrl };
  }

  /** A person submits a modal this fake opened (the last views.open), with `values`. */
  async submitView(values: Record<string, Record<string, unknown>>, user = 'U0ADA'): Promise<Delivery> {
    const opened = this.callsOf('views.open').at(-1);
    if (!opened) throw new Error('fake-slack: no modal was opened');
    const view = { ...opened.args.view, id: 'V0MODAL', hash: `h${++this.seq}`, team_id: TEAM, state: { values } };
    return this.interactive({
      type: 'view_submission',
      team: { id: TEAM, domain: 'lab' },
      user: { id: user, username: user, name: user, team_id: TEAM },
      api_app_id: BOT.app_id,
      token: 'legacy',
      trigger_id: `trig-${++this.seq}`,
      view,
    });
  }

  /** A person runs a message shortcut (`callback_id`) on message `ts` of `channel`. */
  async messageShortcut(callbackId: string, channel: string, ts: string, user = 'U0ADA'): Promise<Delivery> {
    const m = this.messages.get(`${channel}/${ts}`);
    return this.interactive({
      type: 'message_action',
      callback_id: callbackId,
      team: { id: TEAM, domain: 'lab' },
      channel: { id: channel, name: channel.toLowerCase() },
      user: { id: user, username: user, name: user, team_id: TEAM },
      message: { type: 'message', ts, text: m?.text ?? '', user: m?.user, ...(m?.thread_ts ? { thread_ts: m.thread_ts } : {}) },
      message_ts: ts,
      response_url: `${this.url}/hooks/${++this.hookSeq}`,
      trigger_id: `trig-${++this.seq}`,
      api_app_id: BOT.app_id,
      token: 'legacy',
    });
  }

  async shareLinks(channel: string, messageTs: string, urls: string[], user = 'U0ADA'): Promise<Delivery> {
    return this.event({
      type: 'link_shared',
      channel,
      user,
      message_ts: messageTs,
      unfurl_id: `unf-${messageTs}`,
      source: 'conversations_history',
      links: urls.map((url) => ({ url, domain: new URL(url).hostname })),
      event_ts: messageTs,
    });
  }
}

export async function startFakeSlack(): Promise<FakeSlack> {
  return new FakeSlack().start();
}
