/** Services, routes and actions (docs/ouro-api.md §4.8). */
import type { OuroClient } from '../client-types.ts';
import { asArray, asObject } from '../normalise.ts';
import { seg } from '../query.ts';
import type { Transport } from '../transport.ts';
import type { Route, RouteAction, RouteCost, RouteRun, Service } from '../types.ts';

function action(v: unknown, where: { method: string; path: string }): RouteAction {
  const o = asObject<RouteAction>(v, where, 'action');
  return { ...o, status: o.status ?? 'queued' };
}

export function servicesResource(t: Transport): OuroClient['services'] {
  return {
    async list(signal) {
      const path = '/services';
      return asArray(await t.call({ method: 'GET', path, signal }), { method: 'GET', path }).map((v) => asObject<Service>(v, { method: 'GET', path }));
    },
    async routes(serviceId, signal) {
      const path = `/services/${seg(serviceId)}/routes`;
      return asArray(await t.call({ method: 'GET', path, signal }), { method: 'GET', path }).map((v) => asObject<Route>(v, { method: 'GET', path }));
    },
    async route(id, signal) {
      const path = `/routes/${seg(id)}`;
      return asObject<Route>(await t.call({ method: 'GET', path, signal }), { method: 'GET', path });
    },
    async routeId(entity, slug, signal) {
      const path = '/elements/common/name-to-id';
      // A lookup despite the POST verb, so it may be repeated.
      const data = await t.call({ method: 'POST', path, body: { name: slug, assetType: 'route', entityName: entity }, idempotent: true, signal });
      return asObject<{ id: string }>(data, { method: 'POST', path }).id;
    },
    async cost(serviceId, routeId, inputId, signal) {
      const path = `/services/${seg(serviceId)}/routes/${seg(routeId)}/cost`;
      const data = await t.call<unknown>({ method: 'GET', path, query: { input: inputId }, signal });
      if (data === null || typeof data !== 'object') return null;
      const o = data as Record<string, unknown>;
      return typeof o.amount === 'number' ? (o as RouteCost) : null;
    },
    async use(serviceId, routeId, input, signal): Promise<RouteRun> {
      const path = `/services/${seg(serviceId)}/routes/${seg(routeId)}/use`;
      const inputAssets = Object.fromEntries(Object.entries(input.inputAssets ?? {}).map(([k, id]) => [k, { assetId: id }]));
      // The SDK sends path params under both names and keeps null keys (§4.8).
      const config = {
        body: input.body ?? null,
        query: input.query ?? null,
        parameters: input.params ?? null,
        params: input.params ?? null,
        output: null,
        input_assets: Object.keys(inputAssets).length ? inputAssets : null,
      };
      // Never repeated: a run may charge and makes output assets.
      const res = await t.send<unknown>({ method: 'POST', path, body: { config }, idempotent: false, signal });
      const where = { method: 'POST', path };
      const act = action(res.body.action, where);
      const metadata = (res.body.metadata ?? {}) as { requiresPolling?: boolean };
      const requiresPolling = res.status === 202 || metadata.requiresPolling === true || act.status === 'queued' || act.status === 'in-progress';
      const data = res.data as { responseData?: unknown } | null;
      const output = requiresPolling ? undefined : data && typeof data === 'object' && 'responseData' in data ? data.responseData : data;
      return { action: act, output, requiresPolling };
    },
    async action(id, signal) {
      const path = `/actions/${seg(id)}`;
      return action(await t.call({ method: 'GET', path, signal }), { method: 'GET', path });
    },
  };
}
