/**
 * Suggestions for a dataset, quest or route option while the user types (Discord autocomplete).
 * Searches the channel's linked org/team first, then everything, keeping only what the
 * channel's scope allows (./scope.ts), as `resolveAssetId` does, so a picked suggestion
 * resolves to the same asset.
 */
import type { AssetSummary } from '../ouro/index.ts';
import type { ChannelKey, Store } from '../store/types.ts';
import { scopeFilters } from './resolve.ts';
import { channelScope } from './scope.ts';
import type { CommandOuro } from './spec.ts';
import { truncate } from '../text/cut.ts';
import { routeName } from './route-params.ts';

/** Discord shows at most 25 choices, each name and value at most 100 characters. */
export const MAX_CHOICES = 25;
const MAX_CHOICE_CHARS = 100;

export interface Choice {
  name: string;
  value: string;
}

const cut = (s: string) => truncate(s, MAX_CHOICE_CHARS);

export async function suggestAssets(
  deps: { ouro: Pick<CommandOuro, 'assets'>; store: Pick<Store, 'getChannelLink'>; allowedOrgs?: readonly string[] },
  kind: 'dataset' | 'quest',
  query: string,
  channel: ChannelKey,
  signal?: AbortSignal,
): Promise<Choice[]> {
  const link = await deps.store.getChannelLink(channel);
  const scope = channelScope(link, deps.allowedOrgs);
  const scoped = scopeFilters(link);
  const passes = Object.keys(scoped).length ? [scoped, {}] : [{}];
  const seen = new Map<string, AssetSummary>();
  for (const pass of passes) {
    const page = await deps.ouro.assets.search(
      { ...(query.trim() ? { query: query.trim() } : {}), limit: MAX_CHOICES, filters: { asset_type: kind, ...pass } },
      signal,
    );
    for (const hit of scope.filter(page.items)) {
      if (hit.asset_type !== undefined && hit.asset_type !== kind) continue;
      if (!seen.has(hit.id)) seen.set(hit.id, hit);
    }
    if (seen.size >= MAX_CHOICES) break;
  }
  // The value is the id: it is what the command receives, and it is never ambiguous.
  return [...seen.values()].slice(0, MAX_CHOICES).map((h) => ({ name: cut(h.name?.trim() || h.id), value: h.id }));
}

/**
 * Routes for `/ouro route`'s option: the routes of the services the channel's scope allows,
 * matching what was typed in their `entity/route-slug` name or description. The value is the
 * name people type, which the command resolves (one name-to-id call).
 */
export async function suggestRoutes(
  deps: { ouro: Pick<CommandOuro, 'services'>; store: Pick<Store, 'getChannelLink'>; allowedOrgs?: readonly string[] },
  query: string,
  channel: ChannelKey,
  signal?: AbortSignal,
): Promise<Choice[]> {
  const scope = channelScope(await deps.store.getChannelLink(channel), deps.allowedOrgs);
  const wanted = query.trim().toLowerCase();
  const choices: Choice[] = [];
  for (const service of scope.filter(await deps.ouro.services.list(signal))) {
    for (const route of scope.filter(await deps.ouro.services.routes(service.id, signal))) {
      const name = routeName(route);
      const about = route.route.description ?? route.route.summary ?? route.name ?? '';
      if (wanted && !`${name} ${about}`.toLowerCase().includes(wanted)) continue;
      choices.push({ name: cut(about ? `${name} — ${about}` : name), value: cut(name) });
      if (choices.length >= MAX_CHOICES) return choices;
    }
  }
  return choices;
}
