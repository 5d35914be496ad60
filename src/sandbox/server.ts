import { createServer, type Server } from 'node:http';
import type { App } from './app.ts';
import { authenticate } from './auth.ts';
import { streamHuge, type Faults } from './faults.ts';
import { ApiError, readJsonBody, send, sendError, type Router } from './router.ts';

/**
 * The request pipeline: log the request, apply any injected fault, route, authenticate,
 * run the handler, answer in Ouro's wire format. `/_sandbox/*` skips the log and faults.
 */
export function createSandboxServer(router: Router, app: App, faults: Faults, requests: { method: string; path: string; at: number }[]): Server {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const method = (req.method ?? 'GET').toUpperCase();
      const path = url.pathname.replace(/\/+$/, '') || '/';
      const control = path.startsWith('/_sandbox/');
      try {
        if (!control) {
          requests.push({ method, path, at: Date.now() });
          const fault = faults.take(method, path);
          if (fault?.kind === 'drop') {
            req.socket.destroy();
            return;
          }
          if (fault?.kind === 'error') throw fault.error;
          if (fault?.kind === 'error-200') {
            send(res, { kind: 'json', status: 200, body: fault.body });
            return;
          }
          if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
          if (fault?.kind === 'huge') {
            req.resume();
            await streamHuge(res, fault.bytes);
            return;
          }
        }
        const hit = router.match(method, path);
        if (!hit) throw new ApiError(404, 'route_not_found', `No route ${method} ${path} in the Ouro sandbox`);
        if ('allowed' in hit) throw new ApiError(405, 'method_not_allowed', `${method} not allowed on ${path}; try ${hit.allowed.join(', ')}`);
        const user = hit.route.public ? undefined : authenticate(app.state, req.headers.authorization);
        let body: Record<string, unknown> | undefined;
        const reply = await hit.route.handler({
          req,
          method,
          path,
          params: hit.params,
          query: url.searchParams,
          user: user!,
          body: async () => (body ??= await readJsonBody(req)),
        });
        if (!res.destroyed) send(res, reply);
      } catch (err) {
        if (res.headersSent || res.destroyed) return;
        if (err instanceof ApiError) {
          sendError(res, err);
          return;
        }
        app.logger.error({ err, method, path }, 'sandbox: handler failed');
        sendError(res, new ApiError(500, 'internal_error', `Sandbox error: ${(err as Error).message}`));
      }
    })();
  });
  server.keepAliveTimeout = 5_000;
  return server;
}
