import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserRec } from './state.ts';

/**
 * A tiny router and Ouro's wire format. Handlers return a `Reply`; thrown `ApiError`s become
 * the error envelope `{data: null, error: {message, status, code, hint?}}`.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export type Reply =
  | { kind: 'envelope'; status: number; data: unknown; extra?: Record<string, unknown> }
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'raw'; status: number; body: string | Buffer; headers: Record<string, string> };

/** `{data, error: null, ...extra}` — `extra` carries `pagination`, `row_ingest`, `warning`. */
export const ok = (data: unknown, extra?: Record<string, unknown>): Reply => ({ kind: 'envelope', status: 200, data, extra });
/** A body without the envelope (token exchange, markdown conversion, control routes). */
export const json = (body: unknown, status = 200): Reply => ({ kind: 'json', status, body });
export const raw = (status: number, body: string | Buffer, headers: Record<string, string>): Reply => ({
  kind: 'raw',
  status,
  body,
  headers,
});

export interface Ctx {
  req: IncomingMessage;
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The caller; set on every route except the public ones. */
  user: UserRec;
  /** The parsed JSON body (an object), or a 400. Empty body = `{}`. */
  body(): Promise<Record<string, unknown>>;
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
  public: boolean;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, opts: { public?: boolean } = {}): void {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), handler, public: opts.public ?? false });
  }

  /**
   * Literal segments win over `:params` (so `/users/search` beats `/users/:id`); the first
   * registered of equally specific routes wins.
   */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined {
    const segs = path.split('/').filter(Boolean);
    let best: { route: Route; params: Record<string, string>; score: number } | undefined;
    const allowed: string[] = [];
    for (const route of this.routes) {
      if (route.parts.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let score = 0;
      let matched = true;
      for (let i = 0; i < segs.length; i++) {
        const p = route.parts[i]!;
        if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(segs[i]!);
        else if (p === segs[i]) score++;
        else {
          matched = false;
          break;
        }
      }
      if (!matched) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      if (!best || score > best.score) best = { route, params, score };
    }
    if (best) return { route: best.route, params: best.params };
    return allowed.length ? { allowed } : undefined;
  }
}

export function errorBody(err: ApiError): Record<string, unknown> {
  const error: Record<string, unknown> = { message: err.message, status: err.status, code: err.code };
  if (err.hint !== undefined) error.hint = err.hint;
  return { data: null, error };
}

export function send(res: ServerResponse, reply: Reply): void {
  if (reply.kind === 'raw') {
    res.writeHead(reply.status, reply.headers).end(reply.body);
    return;
  }
  const body = reply.kind === 'json' ? reply.body : { data: reply.data, error: null, ...reply.extra };
  res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, err: ApiError): void {
  res.writeHead(err.status, { 'content-type': 'application/json', ...err.headers }).end(JSON.stringify(errorBody(err)));
}

// ---- input helpers: every bad value gets a 400 naming the field ----

export function intParam(q: URLSearchParams, name: string, dflt: number, min: number, max?: number): number {
  const v = q.get(name);
  if (v === null || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    throw new ApiError(400, 'invalid_parameter', `${name} must be an integer ≥ ${min}, got "${v}"`);
  }
  // Ouro caps page sizes server-side (200 for search and messages); a larger ask is capped, not refused.
  return max !== undefined ? Math.min(n, max) : n;
}

export function objectField(body: Record<string, unknown>, name: string): Record<string, unknown> {
  const v = body[name];
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw new ApiError(400, 'invalid_body', `body must be {"${name}": {...}}`);
  }
  return v as Record<string, unknown>;
}

export function optString(o: Record<string, unknown>, name: string): string | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ApiError(400, 'invalid_body', `${name} must be a string`);
  return v;
}

export function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ApiError(400, 'invalid_body', `${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

export const notFound = (what: string, id: string): ApiError => new ApiError(404, 'asset_not_found', `${what} ${id} not found`);

export async function readJsonBody(req: IncomingMessage, limitBytes = 5_000_000): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Ouro's body limit is not documented; the SDK keeps dataset uploads ≤ 1 MB and halves on 413.
    if (size > limitBytes) throw new ApiError(413, 'payload_too_large', `request body exceeds ${limitBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'request body is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError(400, 'invalid_body', 'request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}
