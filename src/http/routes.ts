/**
 * The core's routes on the one HTTP port: the Ouro webhook, health, readiness, metrics.
 *
 * Ouro webhooks are unsigned (docs/ouro-api.md §6.4), so the secret is in the path. A
 * wrong or missing secret answers exactly like an unknown path (404) and nothing is read
 * or processed. The path is never logged: only the route pattern is.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../log.ts';
import { createWarnThrottle } from '../log-throttle.ts';
import { readBody, sendJson, type HttpServer } from './server.ts';

/** The parts of the bridge the routes use (structural: see src/bridge/index.ts). */
export interface WebhookSink {
  handleOuroWebhook(body: unknown): Promise<{ status: number; body: unknown }>;
  health(): { ouro: boolean; worker: boolean };
}

export interface ReadinessParts {
  bridge: WebhookSink;
  /** The duties' leases as this replica sees them. Informational: a replica without a lease is ready (another one holds it). */
  leases?: () => Record<string, LeaseView>;
  store: { ping(): Promise<void> };
  adapters: readonly { platform: string; health(): { connected: boolean; detail?: string } }[];
}

export interface CoreRouteOptions extends ReadinessParts {
  /** Undefined: the webhook route answers 404 to everything (no secret configured). */
  webhookSecret?: string;
  metrics: { render(): Promise<{ contentType: string; body: string }> };
  logger: Logger;
}

export const WEBHOOK_ROUTE = '/ouro/webhooks/:secret';

/** Constant-time comparison; hashing first makes the lengths equal so length leaks nothing either. */
export function secretMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** A readiness check must answer even when the database hangs: a load balancer is waiting. */
const PING_TIMEOUT_MS = 2_000;

/** One duty's lease: held by this replica, or what it means that it is not. */
export interface LeaseView {
  held: boolean;
  detail?: string;
}

export interface Readiness {
  ready: boolean;
  notReady: string[];
  checks: Record<string, { ok: boolean; detail?: string }>;
  /** Which duties this replica runs now; absent without leases. */
  leases?: Record<string, LeaseView>;
}

export async function checkReadiness(parts: ReadinessParts): Promise<Readiness> {
  const checks: Readiness['checks'] = {};
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      parts.store.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      }),
    ]);
    checks.store = { ok: true };
  } catch (err) {
    checks.store = { ok: false, detail: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
  const h = parts.bridge.health();
  checks.ouro = h.ouro ? { ok: true } : { ok: false, detail: 'the Ouro token has not been validated (GET /user failed or not yet run)' };
  checks.worker = h.worker ? { ok: true } : { ok: false, detail: 'the job worker is not running' };
  for (const a of parts.adapters) {
    const ah = a.health();
    checks[`adapter:${a.platform}`] = ah.connected ? { ok: true } : { ok: false, detail: ah.detail ?? 'not connected' };
  }
  const notReady = Object.entries(checks)
    .filter(([, c]) => !c.ok)
    .map(([name]) => name);
  return { ready: notReady.length === 0, notReady, checks, ...(parts.leases ? { leases: parts.leases() } : {}) };
}

export function registerCoreRoutes(http: HttpServer, opts: CoreRouteOptions): void {
  const log = opts.logger.child({ route: WEBHOOK_ROUTE });
  const throttle = createWarnThrottle(log);

  http.route('POST', '/ouro/webhooks/*', async (req, res, { rest }) => {
    if (!opts.webhookSecret || rest.includes('/') || !secretMatches(rest, opts.webhookSecret)) {
      throttle.warn(`webhook:${req.socket.remoteAddress ?? '?'}`, {}, 'webhook with a wrong or missing secret refused');
      req.resume();
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      throttle.warn(`webhook-body:${req.socket.remoteAddress ?? '?'}`, { status }, 'webhook body refused');
      sendJson(res, status, { error: status === 413 ? 'body too large' : 'body is not JSON' });
      return;
    }
    const answer = await opts.bridge.handleOuroWebhook(body);
    log.debug({ status: answer.status }, 'webhook handled');
    sendJson(res, answer.status, answer.body);
  });

  http.route('GET', '/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));

  http.route('GET', '/readyz', async (_req, res) => {
    const r = await checkReadiness(opts);
    sendJson(res, r.ready ? 200 : 503, r);
  });

  http.route('GET', '/metrics', async (_req, res) => {
    const { contentType, body } = await opts.metrics.render();
    res.writeHead(200, { 'content-type': contentType }).end(body);
  });
}
