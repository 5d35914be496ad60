import type { App } from './app.ts';
import { faultFromJson, type Faults } from './faults.ts';
import { ApiError, json, type Router } from './router.ts';

/**
 * The sandbox's own control surface under `/_sandbox/` (no auth, never faulted, not in the
 * request log): faults, a state dump, the webhook URL, and `post-as` to simulate a human
 * writing on Ouro, and `revoke-key` (a person deleting an API key in Ouro's settings).
 */
export interface ControlDeps {
  faults: Faults;
  requests: { method: string; path: string; at: number }[];
  postAs(username: string, conversationId: string, markdown: string): Promise<{ id: string }>;
  /** Deletes an API key; tokens exchanged from it stop working at once. False when unknown. */
  revokeKey(key: string): boolean;
  setWebhookUrl(url: string | undefined): void;
}

export function controlRoutes(r: Router, app: App, deps: ControlDeps): void {
  const open = { public: true };

  r.add(
    'POST',
    '/_sandbox/faults',
    async (ctx) => {
      const spec = faultFromJson(await ctx.body());
      deps.faults.add(spec);
      return json({ ok: true, faults: deps.faults.list().length });
    },
    open,
  );

  r.add(
    'DELETE',
    '/_sandbox/faults',
    () => {
      deps.faults.clear();
      return json({ ok: true });
    },
    open,
  );

  r.add(
    'GET',
    '/_sandbox/state',
    () => {
      const { secret: _secret, datasetRows, ...rest } = app.state;
      return json({
        ...rest,
        datasetRowCounts: Object.fromEntries(Object.entries(datasetRows).map(([id, rows]) => [id, rows.length])),
        requests: deps.requests.length,
        faults: deps.faults.list().map((f) => ({ ...f, route: String(f.route) })),
      });
    },
    open,
  );

  // Ouro registers webhook URLs in its web settings; this is the sandbox's equivalent.
  r.add(
    'PUT',
    '/_sandbox/webhook-url',
    async (ctx) => {
      const { url } = await ctx.body();
      if (url !== null && (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url))) {
        throw new ApiError(400, 'invalid_body', 'body must be {"url": "http(s)://…"} or {"url": null} to stop deliveries');
      }
      deps.setWebhookUrl(url ?? undefined);
      return json({ ok: true, url });
    },
    open,
  );

  r.add(
    'POST',
    '/_sandbox/revoke-key',
    async (ctx) => {
      const { key } = await ctx.body();
      if (typeof key !== 'string' || key === '') throw new ApiError(400, 'invalid_body', 'body must be {"key": "<API key>"}');
      if (!deps.revokeKey(key)) throw new ApiError(404, 'api_key_not_found', 'No such API key');
      return json({ ok: true });
    },
    open,
  );

  r.add(
    'POST',
    '/_sandbox/post-as',
    async (ctx) => {
      const b = await ctx.body();
      const { username, conversation_id: conversationId, markdown } = b;
      if (typeof username !== 'string' || typeof conversationId !== 'string' || typeof markdown !== 'string') {
        throw new ApiError(400, 'invalid_body', 'body must be {"username", "conversation_id", "markdown"} (strings)');
      }
      return json(await deps.postAs(username, conversationId, markdown));
    },
    open,
  );
}
