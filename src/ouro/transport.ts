/**
 * The one place that talks HTTP to Ouro (undici `request` over a keep-alive pool).
 * Owns: base URL, identity and auth headers, the token exchange, per-attempt timeouts
 * combined with the caller's AbortSignal, retries, envelope unwrapping and typed errors.
 *
 * Retry policy: only idempotent calls (GET, PUT, PATCH, DELETE, or a POST the caller marks
 * idempotent, e.g. a message create carrying its client id) are retried, on 408/429/500/
 * 502/503/504, timeouts and connection failures, with full-jitter backoff or the server's
 * `Retry-After`. A 401 re-exchanges the PAT once and repeats the call once (any method:
 * the server refused it before doing anything).
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { unwrap } from './envelope.ts';
import { FileTooLargeError, OuroAuthenticationError, OuroConnectionError, OuroError, OuroTimeoutError, OuroTooLargeError, isRetryable } from './errors.ts';
import type { OuroClientOptions, OuroRequestEvent } from './client-types.ts';
import { buildQuery, type QueryValue } from './query.ts';
import { backoffMs, parseRetryAfter, sleep } from '../retry.ts';
import { TokenManager } from './token.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** One defaults object, so every number has one home. */
export const DEFAULTS = {
  timeoutMs: 30_000,
  retries: 4,
  backoffBaseMs: 250,
  backoffCapMs: 10_000,
  maxRetryAfterMs: 60_000,
  userAgent: `ouro-bridge/${VERSION}`,
} as const;

export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Starts with '/'; already encoded. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Default: true for GET/PUT/PATCH/DELETE, false for POST. */
  idempotent?: boolean;
  /** Dataset SQL: a timeout (client, 408, 504) is reported, not repeated. */
  noRetryOnTimeout?: boolean;
  /** false for get-token and convert (no `{data, error}` envelope). */
  envelope?: boolean;
  /** Return the 2xx body as text (downloads). */
  raw?: boolean;
  /** false only for the token exchange itself. */
  auth?: boolean;
  /** Read at most this many bytes of the answer; past it, reading stops with OuroTooLargeError. */
  maxBytes?: number;
  /**
   * A JSON body too large to hold as one string (file uploads): `open` yields its bytes,
   * once per attempt, and `length` is their total (sent as content-length).
   */
  stream?: { length: number; open(): AsyncIterable<Uint8Array> };
}

export interface TransportResult<T> {
  data: T;
  /** The whole parsed body, for top-level extras (`pagination`, legacy `hasMore`, `row_ingest`). */
  body: Record<string, unknown>;
  status: number;
}

const TIMEOUT = Symbol('ouro-timeout');

export class Transport {
  readonly tokens: TokenManager;
  private readonly base: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly log: Logger;
  private readonly o: Required<Pick<OuroClientOptions, 'timeoutMs' | 'retries' | 'backoffBaseMs' | 'backoffCapMs' | 'maxRetryAfterMs' | 'userAgent'>>;

  constructor(private readonly opts: OuroClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.o = {
      timeoutMs: opts.timeoutMs ?? DEFAULTS.timeoutMs,
      retries: opts.retries ?? DEFAULTS.retries,
      backoffBaseMs: opts.backoffBaseMs ?? DEFAULTS.backoffBaseMs,
      backoffCapMs: opts.backoffCapMs ?? DEFAULTS.backoffCapMs,
      maxRetryAfterMs: opts.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
      userAgent: opts.userAgent ?? DEFAULTS.userAgent,
    };
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? new Agent({ keepAliveTimeout: 30_000 });
    this.log = opts.logger ?? silentLogger;
    this.tokens = new TokenManager(() => this.exchange(), opts.now ?? Date.now);
  }

  /**
   * A 429's `Retry-After` pauses every call of this client, not only the one that met it:
   * Ouro limits the bridge's one token, so the calls of other lanes would meet the same
   * limit (Slack's Web API client does the same). Capped at `maxRetryAfterMs`.
   */
  private pausedUntil = 0;

  private pauseFor(ms: number): void {
    const until = Date.now() + ms;
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.log.warn({ pauseMs: ms }, 'ouro: rate limited; every call waits for Retry-After');
    }
  }

  private async waitOutRateLimit(signal?: AbortSignal): Promise<void> {
    const wait = this.pausedUntil - Date.now();
    if (wait > 0) await sleep(wait, signal);
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** Data only. */
  async call<T>(req: TransportRequest): Promise<T> {
    return (await this.send<T>(req)).data;
  }

  async send<T>(req: TransportRequest): Promise<TransportResult<T>> {
    const idempotent = req.idempotent ?? req.method !== 'POST';
    let attempt = 0;
    let retriesLeft = idempotent ? this.o.retries : 0;
    let reauthed = req.auth === false;
    for (;;) {
      attempt++;
      await this.waitOutRateLimit(req.signal);
      const session = req.auth === false ? undefined : await this.tokens.get(req.signal);
      let error: unknown;
      try {
        return await this.once<T>(req, session?.token, session?.keyName, attempt);
      } catch (e) {
        error = e;
      }
      if (!(error instanceof OuroError)) throw error; // the caller's abort
      if (error.status === 429 && error.retryAfterMs !== undefined) this.pauseFor(Math.min(error.retryAfterMs, this.o.maxRetryAfterMs));
      if (error.status === 401 && !reauthed && session) {
        reauthed = true;
        this.tokens.invalidate(session.token);
        this.log.info({ path: req.path }, 'ouro: 401, exchanging the API key again');
        continue;
      }
      if (retriesLeft <= 0 || !isRetryable(error) || (req.noRetryOnTimeout && isTimeout(error))) throw error;
      const retry = this.o.retries - retriesLeft + 1;
      retriesLeft--;
      // Waiting longer than this would hold a worker lane; the caller's queue reschedules instead.
      if (error.retryAfterMs !== undefined && error.retryAfterMs > this.o.maxRetryAfterMs) throw error;
      const delay = backoffMs(retry, { baseMs: this.o.backoffBaseMs, maxMs: this.o.backoffCapMs }, error.retryAfterMs);
      this.log.warn({ method: req.method, path: req.path, status: error.status, attempt, delayMs: delay }, 'ouro: retrying');
      await sleep(delay, req.signal);
    }
  }

  private async once<T>(req: TransportRequest, token: string | undefined, keyName: string | undefined, attempt: number): Promise<TransportResult<T>> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.o.userAgent,
      'x-ouro-client': this.o.userAgent,
    };
    // Raw token, no "Bearer": the backend adds the prefix itself (docs/ouro-api.md §1.2).
    if (token) headers.authorization = token;
    if (keyName) headers['x-ouro-key-name'] = keyName;
    let body: string | Readable | undefined;
    if (req.stream) {
      body = Readable.from(req.stream.open(), { objectMode: false });
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(req.stream.length);
    } else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }

    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(TIMEOUT), this.o.timeoutMs);
    const caller = req.signal;
    const onCallerAbort = () => ctrl.abort(caller!.reason);
    caller?.addEventListener('abort', onCallerAbort, { once: true });
    const started = performance.now();
    let status = 0;
    try {
      if (caller?.aborted) throw caller.reason;
      const res = await request(this.base + req.path + buildQuery(req.query), {
        method: req.method,
        headers,
        body,
        signal: ctrl.signal,
        dispatcher: this.dispatcher,
      });
      status = res.statusCode;
      const text = req.maxBytes === undefined ? await res.body.text() : await readCapped(res.body, req.maxBytes, () => ctrl.abort());
      if (text === undefined) {
        throw new OuroTooLargeError({
          status,
          method: req.method,
          url: req.path,
          maxBytes: req.maxBytes!,
          message: `the answer is larger than ${req.maxBytes} bytes`,
        });
      }
      const requestId = header(res.headers['x-request-id']);
      const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
      if (req.raw && status >= 200 && status < 300) {
        return { data: text as T, body: {}, status };
      }
      const out = unwrap({ status, text, method: req.method, path: req.path, requestId, retryAfterMs }, req.envelope ?? true);
      if (!out.ok) throw out.error;
      const whole = out.body !== null && typeof out.body === 'object' && !Array.isArray(out.body) ? (out.body as Record<string, unknown>) : {};
      return { data: out.data as T, body: whole, status };
    } catch (e) {
      if (e instanceof OuroError) throw e;
      if (caller?.aborted) throw caller.reason;
      const init = { status: 0, method: req.method, url: req.path, cause: e };
      if (ctrl.signal.reason === TIMEOUT) {
        throw new OuroTimeoutError({ ...init, message: `no response from Ouro within ${this.o.timeoutMs} ms` });
      }
      const code = (e as { code?: string }).code;
      throw new OuroConnectionError({ ...init, message: `connection to Ouro failed${code ? ` (${code})` : ''}: ${(e as Error).message}` });
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
      const ms = performance.now() - started;
      const event: OuroRequestEvent = { method: req.method, path: req.path, status, ms, attempt };
      this.log.debug(event, 'ouro request');
      this.opts.onRequest?.(event);
    }
  }

  /**
   * GET of an absolute URL Ouro handed out (a storage data URL): no auth header, the bytes
   * whole, refused past `maxBytes` (by content-length when sent, else while reading).
   */
  async fetchBytes(url: string, maxBytes: number, signal?: AbortSignal): Promise<Buffer> {
    const res = await request(url, { method: 'GET', signal, dispatcher: this.dispatcher, headers: { 'user-agent': this.o.userAgent } });
    if (res.statusCode < 200 || res.statusCode >= 300) {
      await res.body.dump();
      throw new OuroError({ status: res.statusCode, method: 'GET', url: new URL(url).pathname, message: `file download failed with HTTP ${res.statusCode}` });
    }
    const declared = Number(res.headers['content-length'] ?? 0);
    const tooBig = () => {
      // Closing the body early aborts the request; that abort is ours, not a failure to report.
      res.body.on('error', () => {});
      res.body.destroy();
      return new FileTooLargeError(maxBytes, declared || undefined);
    };
    if (declared > maxBytes) throw tooBig();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw tooBig();
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks, size);
  }

  /** `POST /users/get-token {pat}`: no envelope; an `error` on 2xx or no `access_token` is an auth failure. */
  private async exchange(): Promise<{ token: string; keyName?: string }> {
    const path = '/users/get-token';
    let result: TransportResult<Record<string, unknown> | null>;
    try {
      // Safe to repeat: an exchange changes nothing server-side.
      result = await this.send({ method: 'POST', path, body: { pat: this.opts.apiKey }, envelope: false, auth: false, idempotent: true });
    } catch (e) {
      if (e instanceof OuroError && e.status >= 200 && e.status < 300) {
        throw new OuroAuthenticationError({ status: 401, method: 'POST', url: path, message: e.message, requestId: e.requestId });
      }
      throw e;
    }
    const token = result.data?.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new OuroAuthenticationError({ status: 401, method: 'POST', url: path, message: 'No user found for this API key' });
    }
    const keyName = result.data?.api_key_name;
    return typeof keyName === 'string' && keyName ? { token, keyName } : { token };
  }
}

/** The body as text, or undefined (and the request aborted) once it passes `maxBytes`. */
async function readCapped(body: AsyncIterable<Buffer>, maxBytes: number, abort: () => void): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      abort();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isTimeout(e: OuroError): boolean {
  return e instanceof OuroTimeoutError || e.status === 408 || e.status === 504;
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
