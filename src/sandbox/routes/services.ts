import type { App, RouteModule } from '../app.ts';
import { canSee, presentBase, slugify } from '../present.ts';
import { ApiError, intParam, notFound, ok, type Reply } from '../router.ts';
import { findAsset, uuidv7 } from '../state.ts';
import type { ActionRec, AnyAsset, RouteRec, SandboxState, ServiceRec, UserRec } from '../state.ts';
import { runRoute } from './route-behaviours.ts';

/**
 * Services, routes and actions (docs/ouro-api.md §4.8): listing, name → id, cost, `use`
 * with the sync (200), async (202 + polling) and failure (non-2xx carrying `action`) answers,
 * and `GET /actions/{id}` whose status follows the clock for async work, so a bridge
 * restarted mid-run finds the action where real time has taken it.
 */

// canSee reads only the asset base fields for anything but a conversation.
const visible = (s: SandboxState, user: UserRec, a: ServiceRec | RouteRec) => canSee(s, user, a as unknown as AnyAsset);

function presentService(s: SandboxState, v: ServiceRec): Record<string, unknown> {
  return { ...presentBase(s, v as unknown as AnyAsset), asset_type: 'service', metadata: v.metadata };
}

function presentRoute(s: SandboxState, r: RouteRec): Record<string, unknown> {
  return { ...presentBase(s, r as unknown as AnyAsset), asset_type: 'route', parent_id: r.parent_id, route: r.route, metrics: r.metrics };
}

/** An async action's status from the clock: queued for its first 200 ms, then in progress. */
export function currentAction(a: ActionRec, now = Date.now()): ActionRec {
  if (a.finishes_at === null || now >= a.finishes_at) return a;
  return { ...a, status: now - Date.parse(a.created_at) < 200 ? 'queued' : 'in-progress', response: null, output_assets: [], finished_at: null };
}

function presentAction(a: ActionRec): Record<string, unknown> {
  const { finishes_at: _f, logs: _l, ...wire } = currentAction(a);
  return { ...wire, metadata: {}, side_effects: wire.output_assets.length > 0, route: null, user: null, usage_record: null, btc_charges: [] };
}

export const servicesRoutes: RouteModule = (r, app: App) => {
  const s = app.state;
  const service = (id: string, user: UserRec) => {
    const v = s.services.find((x) => x.id === id);
    if (!v || !visible(s, user, v)) throw notFound('Service', id);
    return v;
  };
  const route = (id: string, user: UserRec, serviceId?: string) => {
    const x = s.routes.find((y) => y.id === id && (serviceId === undefined || y.parent_id === serviceId));
    if (!x || !visible(s, user, x)) throw notFound('Route', id);
    return x;
  };

  r.add('GET', '/services', (ctx) => ok(s.services.filter((v) => visible(s, ctx.user, v)).map((v) => presentService(s, v))));
  r.add('GET', '/services/:id', (ctx) => ok(presentService(s, service(ctx.params.id!, ctx.user))));
  r.add('GET', '/services/:id/routes', (ctx) => {
    const v = service(ctx.params.id!, ctx.user);
    return ok(s.routes.filter((x) => x.parent_id === v.id && visible(s, ctx.user, x)).map((x) => presentRoute(s, x)));
  });
  r.add('GET', '/routes/:id', (ctx) => ok(presentRoute(s, route(ctx.params.id!, ctx.user))));

  r.add('POST', '/elements/common/name-to-id', async (ctx) => {
    const body = await ctx.body();
    const { name, assetType, entityName } = body as Record<string, unknown>;
    if (typeof name !== 'string' || typeof entityName !== 'string' || assetType !== 'route') {
      throw new ApiError(400, 'invalid_body', 'body must be {"name": "<route slug>", "assetType": "route", "entityName": "<user or org>"}');
    }
    const entity = entityName.toLowerCase();
    const hit = s.routes.find((x) => {
      if (slugify(x.name) !== name.toLowerCase() || !visible(s, ctx.user, x)) return false;
      const owner = s.users.find((u) => u.id === x.user_id)?.username.toLowerCase();
      const org = s.orgs.find((o) => o.id === x.org_id);
      return entity === owner || entity === org?.name.toLowerCase() || entity === slugify(org?.name ?? null);
    });
    if (!hit) throw notFound('Route', `${entityName}/${name}`);
    return ok({ id: hit.id });
  });

  r.add('GET', '/services/:sid/routes/:rid/cost', (ctx) => {
    const x = route(ctx.params.rid!, ctx.user, ctx.params.sid);
    return ok(x.cost ? { ...x.cost, input: ctx.query.get('input') } : null);
  });

  r.add('POST', '/services/:sid/routes/:rid/use', async (ctx): Promise<Reply> => {
    const x = route(ctx.params.rid!, ctx.user, ctx.params.sid);
    const body = await ctx.body();
    const config = (body.config && typeof body.config === 'object' ? body.config : {}) as Record<string, unknown>;
    const inputId = inputAssetId(config);
    const input = inputId ? findAsset(s, inputId) : undefined;
    if (inputId && (!input || !canSee(s, ctx.user, input))) throw notFound('Asset', inputId);
    const at = app.clock.iso();
    const action: ActionRec = {
      id: uuidv7(),
      route_id: x.id,
      user_id: ctx.user.id,
      status: 'queued',
      input_asset_id: inputId ?? null,
      output_asset_id: null,
      response: null,
      input_assets: input
        ? [
            {
              name: 'input',
              is_primary: true,
              asset_id: input.id,
              asset_type: input.asset_type,
              asset: { id: input.id, asset_type: input.asset_type, name: input.name },
            },
          ]
        : [],
      output_assets: [],
      finishes_at: null,
      logs: [{ level: 'info', message: 'Action started', created_at: at }],
      created_at: at,
      finished_at: null,
      last_updated: at,
    };
    s.actions.push(action);
    const outcome = runRoute(app, x, action, config, input, ctx.user);
    app.changed();
    if (outcome.kind === 'failed') {
      return {
        kind: 'json',
        status: outcome.status,
        body: { data: null, action: presentAction(action), metadata: {}, error: { message: outcome.message, status: outcome.status } },
      };
    }
    if (outcome.kind === 'async') {
      return { kind: 'json', status: 202, body: { data: null, action: presentAction(action), metadata: { requiresPolling: true }, error: null } };
    }
    return ok({ responseData: action.response }, { action: presentAction(action), metadata: { outputAssets: action.output_assets, requiresPolling: false } });
  });

  r.add('GET', '/actions/:id', (ctx) => {
    const a = s.actions.find((x) => x.id === ctx.params.id);
    if (!a || a.user_id !== ctx.user.id) throw notFound('Action', ctx.params.id!);
    return ok(presentAction(a));
  });

  r.add('GET', '/actions/:id/logs', (ctx) => {
    const a = s.actions.find((x) => x.id === ctx.params.id);
    if (!a || a.user_id !== ctx.user.id) throw notFound('Action', ctx.params.id!);
    const limit = intParam(ctx.query, 'limit', 100, 1, 500);
    const logs = a.logs.slice(0, limit).map((l, i) => ({ id: `${a.id}-${i}`, action_id: a.id, user_id: a.user_id, ...l }));
    return ok(logs, { pagination: { offset: 0, limit, hasMore: a.logs.length > limit } });
  });
};

/** The primary input asset id of a `use` body: `config.input_assets.<name>.assetId` (§4.8). */
function inputAssetId(config: Record<string, unknown>): string | undefined {
  const inputs = config.input_assets;
  if (!inputs || typeof inputs !== 'object') return undefined;
  for (const v of Object.values(inputs as Record<string, unknown>)) {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object' && typeof (v as { assetId?: unknown }).assetId === 'string') return (v as { assetId: string }).assetId;
  }
  return undefined;
}
