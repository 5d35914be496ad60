/**
 * Transport behaviours of the real client over real HTTP, against a tiny node:http fake
 * whose answers each test scripts. Assertions are on what the fake received.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  OuroAuthenticationError,
  OuroBadRequestError,
  OuroConnectionError,
  OuroNotFoundError,
  OuroRateLimitError,
  OuroServerError,
  OuroTimeoutError,
  createOuroClient,
  type OuroClient,
  type OuroClientOptions,
  type OuroRequestEvent,
} from '../../src/ouro/index.ts';
import { sleep } from '../helpers/eventually.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}
type Handler = (req: Seen, res: ServerResponse) => void;

const jwt = (expSeconds: number, n = 0) =>
  `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp: expSeconds, n })).toString('base64url')}.sig`;
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

let server: Server;
let base: string;
let seen: Seen[] = [];
let routes: Record<string, Handler> = {};
let exchanges = 0;
const clients: OuroClient[] = [];

/** Token exchange answering a fresh JWT valid for an hour, numbered so tests can tell them apart. */
const tokenRoute: Handler = (_req, res) => {
  exchanges++;
  json(res, 200, { access_token: jwt(Math.floor(Date.now() / 1000) + 3600, exchanges), refresh_token: 'r', api_key_name: 'slack-bridge' });
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
      seen.push(s);
      const path = req.url!.split('?')[0]!;
      const h = routes[`${req.method} ${path}`] ?? (path === '/users/get-token' ? tokenRoute : undefined);
      if (h) h(s, res);
      else json(res, 404, { data: null, error: { message: `no route ${path}`, status: 404 } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  seen = [];
  routes = {};
  exchanges = 0;
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function client(extra: Partial<OuroClientOptions> = {}): OuroClient {
  const c = createOuroClient({ baseUrl: base, apiKey: 'pat-123', backoffBaseMs: 5, backoffCapMs: 20, ...extra });
  clients.push(c);
  return c;
}
const calls = (path: string) => seen.filter((s) => s.url.split('?')[0] === path);
const userRoute: Handler = (_q, res) => json(res, 200, { data: { id: 'u1', email: 'bot@lab' }, error: null });

describe('auth and headers', () => {
  it('exchanges the PAT once and sends the raw token (no Bearer) with identity headers', async () => {
    routes['GET /user'] = userRoute;
    const c = client({ userAgent: 'ouro-bridge/test' });
    expect(await c.auth.whoami()).toEqual({ id: 'u1', email: 'bot@lab' });
    await c.auth.whoami();
    const [ex] = calls('/users/get-token');
    expect(ex?.body).toEqual({ pat: 'pat-123' });
    expect(ex?.headers.authorization).toBeUndefined();
    expect(calls('/users/get-token')).toHaveLength(1);
    for (const u of calls('/user')) {
      expect(u.headers.authorization).toBe(jwt(JSON.parse(Buffer.from(u.headers.authorization!.split('.')[1]!, 'base64url').toString()).exp, 1));
      expect(u.headers.authorization).not.toMatch(/^Bearer /);
      expect(u.headers['user-agent']).toBe('ouro-bridge/test');
      expect(u.headers['x-ouro-client']).toBe('ouro-bridge/test');
      expect(u.headers['x-ouro-key-name']).toBe('slack-bridge');
    }
  });

  it('defaults the user agent to ouro-bridge/<package version>', async () => {
    routes['GET /user'] = userRoute;
    await client().auth.whoami();
    expect(calls('/user')[0]?.headers['user-agent']).toMatch(/^ouro-bridge\/\d+\.\d+\.\d+/);
  });

  it('shares one exchange between concurrent first calls (single-flight)', async () => {
    routes['GET /user'] = userRoute;
    const c = client();
    await Promise.all(Array.from({ length: 8 }, () => c.auth.whoami()));
    expect(calls('/users/get-token')).toHaveLength(1);
    expect(calls('/user')).toHaveLength(8);
  });

  it('re-exchanges before every call when the token is within 300 s of exp', async () => {
    routes['POST /users/get-token'] = (_q, res) => {
      exchanges++;
      json(res, 200, { access_token: jwt(Math.floor(Date.now() / 1000) + 120, exchanges), refresh_token: 'r' });
    };
    routes['GET /user'] = userRoute;
    const c = client();
    await c.auth.whoami();
    await c.auth.whoami();
    expect(calls('/users/get-token')).toHaveLength(2);
    const tokens = calls('/user').map((u) => u.headers.authorization);
    expect(new Set(tokens).size).toBe(2);
    expect(calls('/user')[0]?.headers['x-ouro-key-name']).toBeUndefined();
  });

  it('on a 401 re-exchanges once and repeats the call once', async () => {
    let n = 0;
    routes['GET /user'] = (q, res) => (++n === 1 ? json(res, 401, { data: null, error: 'JWT expired' }) : userRoute(q, res));
    const c = client();
    expect((await c.auth.whoami()).id).toBe('u1');
    expect(calls('/users/get-token')).toHaveLength(2);
    const [first, second] = calls('/user');
    expect(first?.headers.authorization).not.toBe(second?.headers.authorization);
  });

  it('a second 401 is an OuroAuthenticationError (no loop)', async () => {
    routes['GET /user'] = (_q, res) => json(res, 401, { data: null, error: { message: 'invalid JWT' } });
    await expect(client().auth.whoami()).rejects.toBeInstanceOf(OuroAuthenticationError);
    expect(calls('/user')).toHaveLength(2);
    expect(calls('/users/get-token')).toHaveLength(2);
  });

  it.each([
    ['error in a 2xx body', (_q: Seen, res: ServerResponse) => json(res, 200, { error: { message: 'Invalid API key' } }), 'Invalid API key'],
    ['no access_token', (_q: Seen, res: ServerResponse) => json(res, 200, { refresh_token: 'r' }), 'No user found for this API key'],
    ['401 status', (_q: Seen, res: ServerResponse) => json(res, 401, { detail: 'bad pat' }), 'bad pat'],
  ])('a failed exchange (%s) is an OuroAuthenticationError', async (_n, handler, message) => {
    routes['POST /users/get-token'] = handler;
    routes['GET /user'] = userRoute;
    const err = await client()
      .auth.whoami()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OuroAuthenticationError);
    expect((err as Error).message).toBe(message);
    expect(calls('/user')).toHaveLength(0);
  });
});

describe('envelope and errors', () => {
  it('200-with-error and error.status 404 → OuroNotFoundError carrying the request id', async () => {
    routes['GET /datasets/d1'] = (_q, res) =>
      json(res, 200, { data: null, error: { message: 'Asset d1 not found', status: 404, code: 'asset_not_found' } }, { 'x-request-id': 'rq-9' });
    const err = await client()
      .datasets.get('d1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OuroNotFoundError);
    expect(err).toMatchObject({ status: 404, code: 'asset_not_found', requestId: 'rq-9', method: 'GET', url: '/datasets/d1' });
    expect(calls('/datasets/d1')).toHaveLength(1);
  });

  it('the error url never carries the token or the query string', async () => {
    routes['GET /search/assets'] = (_q, res) => json(res, 400, { data: null, error: 'bad filter' });
    const err = (await client()
      .assets.search({ query: 'x' })
      .catch((e: unknown) => e)) as OuroBadRequestError;
    expect(err).toBeInstanceOf(OuroBadRequestError);
    expect(err.url).toBe('/search/assets');
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain(calls('/search/assets')[0]!.headers.authorization);
  });
});

describe('retries', () => {
  it('429 with Retry-After: waits that long, then succeeds', async () => {
    let n = 0;
    routes['GET /user'] = (q, res) => (++n === 1 ? json(res, 429, { data: null, error: 'slow down' }, { 'retry-after': '1' }) : userRoute(q, res));
    const t0 = Date.now();
    expect((await client().auth.whoami()).id).toBe('u1');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(calls('/user')).toHaveLength(2);
  });

  it("a 429's Retry-After holds every call of the client, not only the one that met it", async () => {
    let n = 0;
    routes['GET /user'] = (q, res) => (++n === 1 ? json(res, 429, { data: null, error: 'slow down' }, { 'retry-after': '1' }) : userRoute(q, res));
    routes['GET /conversations/c1'] = (_q, res) => json(res, 200, { data: { id: 'c1', name: 'x' }, error: null });
    const c = client();
    const t0 = Date.now();
    const first = c.auth.whoami();
    while (calls('/user').length === 0) await sleep(5);
    await sleep(50); // the 429 has been answered
    await c.conversations.get('c1');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect((await first).id).toBe('u1');
    expect(calls('/conversations/c1')).toHaveLength(1);
  });

  it('a Retry-After beyond maxRetryAfterMs is thrown with retryAfterMs for the queue', async () => {
    routes['GET /user'] = (_q, res) => json(res, 429, { data: null, error: 'later' }, { 'retry-after': '120' });
    const err = await client()
      .auth.whoami()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OuroRateLimitError);
    expect(err).toMatchObject({ retryAfterMs: 120_000 });
    expect(calls('/user')).toHaveLength(1);
  });

  it('503 is retried up to `retries` times, reporting each attempt', async () => {
    routes['GET /teams'] = (_q, res) => json(res, 503, { data: null, error: 'down' });
    const events: OuroRequestEvent[] = [];
    const err = await client({ retries: 2, onRequest: (e) => events.push(e) })
      .teams.list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OuroServerError);
    expect(calls('/teams')).toHaveLength(3);
    expect(events.filter((e) => e.path === '/teams').map((e) => [e.status, e.attempt])).toEqual([
      [503, 1],
      [503, 2],
      [503, 3],
    ]);
  });

  it('never retries a non-idempotent create', async () => {
    routes['POST /quests/create'] = (_q, res) => json(res, 503, { data: null, error: 'down' });
    await expect(client().quests.create({ name: 'Q' })).rejects.toBeInstanceOf(OuroServerError);
    expect(calls('/quests/create')).toHaveLength(1);
  });

  it('retries a message create with the same client id', async () => {
    let n = 0;
    routes['POST /conversations/c1/messages/create'] = (q, res) => {
      if (++n === 1) return json(res, 502, { data: null, error: 'gateway' });
      const m = (q.body as { message: { id: string; text: string } }).message;
      json(res, 200, { data: { ...m, created_at: '2026-01-01T00:00:00Z' }, error: null });
    };
    const msg = await client().messages.create('c1', { text: 'hi **there**' });
    const bodies = calls('/conversations/c1/messages/create').map((s) => s.body as { message: { id: string; json: unknown; type: string } });
    expect(bodies).toHaveLength(2);
    expect(bodies[0]!.message.id).toMatch(/^[0-9a-f-]{14}7/);
    expect(bodies[1]!.message.id).toBe(bodies[0]!.message.id);
    expect(bodies[0]!.message.type).toBe('message');
    expect(bodies[0]!.message.json).toMatchObject({ type: 'doc', content: [{ type: 'paragraph' }] });
    expect(msg.id).toBe(bodies[0]!.message.id);
  });

  it('dataset query: retried on 503, never after a timeout', async () => {
    let n = 0;
    routes['POST /datasets/d/query-custom'] = (_q, res) =>
      ++n === 1 ? json(res, 503, { data: null, error: 'busy' }) : json(res, 200, { data: [{ n: 1 }], error: null });
    const c = client();
    expect(await c.datasets.query('d', 'SELECT 1')).toEqual([{ n: 1 }]);
    expect(calls('/datasets/d/query-custom')).toHaveLength(2);

    routes['POST /datasets/d/query-custom'] = () => undefined; // never answers
    const slow = client({ timeoutMs: 150 });
    await expect(slow.datasets.query('d', 'SELECT pg_sleep(60)')).rejects.toBeInstanceOf(OuroTimeoutError);
    expect(calls('/datasets/d/query-custom')).toHaveLength(3);
  });
});

describe('timeouts, aborts and connection failures', () => {
  it('times out an idempotent call per attempt and retries it', async () => {
    routes['GET /user'] = () => undefined;
    const err = await client({ timeoutMs: 100, retries: 1 })
      .auth.whoami()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OuroTimeoutError);
    expect(err).toMatchObject({ status: 0, url: '/user' });
    expect(calls('/user')).toHaveLength(2);
  });

  it("the caller's AbortSignal stops the call with the caller's reason, without retrying", async () => {
    routes['GET /user'] = () => undefined;
    const ctrl = new AbortController();
    const p = client().auth.whoami(ctrl.signal);
    setTimeout(() => ctrl.abort(new Error('shutting down')), 50);
    await expect(p).rejects.toThrow('shutting down');
    expect(calls('/user')).toHaveLength(1);
  });

  it('a refused connection is an OuroConnectionError after the retries', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const c = createOuroClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', retries: 1, backoffBaseMs: 1 });
    clients.push(c);
    const err = await c.auth.whoami().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OuroConnectionError);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });
});

describe('query encoding', () => {
  it('sends search filters as one JSON param, omitting blanks, and no param when empty', async () => {
    routes['GET /search/assets'] = (_q, res) =>
      json(res, 200, { data: [{ id: 'a1', asset_type: 'dataset' }], error: null, pagination: { offset: 0, limit: 20, hasMore: false, total: 1 } });
    const c = client();
    const page = await c.assets.search({ query: 'battery', filters: { asset_type: 'dataset', team_id: '', org_id: undefined } });
    await c.assets.search({ filters: { team_id: ' ' } });
    const [a, b] = calls('/search/assets').map((s) => new URL(s.url, base).searchParams);
    expect(a!.get('filters')).toBe('{"asset_type":"dataset"}');
    expect(a!.get('query')).toBe('battery');
    expect(b!.has('filters')).toBe(false);
    expect(b!.has('query')).toBe(false);
    expect(page).toEqual({ items: [{ id: 'a1', asset_type: 'dataset' }], hasMore: false, total: 1, offset: 0, limit: 20 });
  });

  it('message list: sends before, sorts ascending, reads the legacy top-level hasMore', async () => {
    routes['GET /conversations/c1/messages'] = (_q, res) =>
      json(res, 200, {
        data: [
          { id: 'm3', created_at: '2026-01-01T00:00:03Z', text: 'c' },
          { id: 'm1', created_at: '2026-01-01T00:00:01Z', text: 'a' },
          { id: 'm2', created_at: '2026-01-01T00:00:02Z', text: 'b' },
        ],
        error: null,
        hasMore: true,
      });
    const r = await client().messages.list('c1', { limit: 3, before: '2026-01-02T00:00:00Z' });
    expect(r.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(r).toMatchObject({ hasMore: true, nextBefore: '2026-01-01T00:00:01Z' });
    const q = new URL(calls('/conversations/c1/messages')[0]!.url, base).searchParams;
    expect(q.get('before')).toBe('2026-01-02T00:00:00Z');
    expect(q.get('limit')).toBe('3');
  });
});
