import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.ts';

/**
 * The bridge's one HTTP port. Parts register routes: the core (`/ouro/webhooks/…`,
 * `/healthz`, `/readyz`, `/metrics`), the Slack adapter (`/slack/events`). A route matches
 * by method and exact path or by path prefix (a pattern ending in `/*`).
 */
export type Handler = (req: IncomingMessage, res: ServerResponse, params: { rest: string }) => void | Promise<void>;

interface Route {
  method: string;
  path: string;
  prefix: boolean;
  handler: Handler;
}

export interface HttpServer {
  route(method: string, path: string, handler: Handler): void;
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
  readonly server: Server;
}

/**
 * Limits of the one port, which faces the internet in HTTP mode. Slack, Ouro and probes send
 * their whole request at once and Slack gives up on an answer after 3 s, so a request still
 * arriving after a few seconds is not one of theirs: holding it only holds memory.
 * - headers within 5 s, the whole request within 10 s (Node's defaults are 60 s and 300 s);
 * - the timers are checked every second (Node checks every 30 s by default);
 * - at most 256 open connections: Slack's and Ouro's deliveries come a few at a time (a
 *   load balancer reuses its keep-alive connections); past that a new socket is closed at
 *   once, which bounds what unauthenticated clients can make the process hold.
 */
export const HTTP_LIMITS = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  checkEveryMs: 1_000,
  maxConnections: 256,
} as const;

export type HttpLimits = { [K in keyof typeof HTTP_LIMITS]: number };

/** `limits`: the production ones; tests shorten the timeouts so a stalled request is cut sooner. */
export function createHttpServer(logger: Logger, limits: HttpLimits = HTTP_LIMITS): HttpServer {
  const l = limits;
  const routes: Route[] = [];
  const server = createServer(
    { headersTimeout: l.headersTimeoutMs, requestTimeout: l.requestTimeoutMs, connectionsCheckingInterval: l.checkEveryMs },
    (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      const route = routes.find((r) => r.method === req.method && (r.prefix ? path.startsWith(r.path) : path === r.path));
      if (!route) {
        const known = routes.some((r) => (r.prefix ? path.startsWith(r.path) : path === r.path));
        res.writeHead(known ? 405 : 404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: known ? 'method not allowed' : 'not found' }));
        return;
      }
      Promise.resolve(route.handler(req, res, { rest: route.prefix ? path.slice(route.path.length) : '' })).catch((err: unknown) => {
        logger.error({ err, path: route.path }, 'http handler failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'internal error' }));
      });
    },
  );
  // Slack's and Discord's retries and load balancers hold connections open; keep-alive past
  // a typical proxy idle timeout (60 s) avoids resets on reused sockets.
  server.keepAliveTimeout = 65_000;
  server.maxConnections = l.maxConnections;
  return {
    server,
    route(method, path, handler) {
      const prefix = path.endsWith('/*');
      routes.push({ method: method.toUpperCase(), path: prefix ? path.slice(0, -1) : path, prefix, handler });
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const addr = server.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
          resolve({ port: addr.port, url: `http://${shownHost}:${addr.port}` });
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/** Reads a request body (bounded: Ouro webhook and Slack payloads are small). */
export async function readBody(req: IncomingMessage, limitBytes = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
