/**
 * Naming an asset by id or by name. A name is searched in the channel's linked org/team
 * first, then everywhere; only hits the channel's scope allows (./scope.ts) count or are
 * named back. An exact name (case-insensitive) wins, several exact matches are ambiguous
 * and listed with their ids. An id is returned as given: the caller admits the asset it
 * fetches.
 */
import { OuroNotFoundError } from '../ouro/errors.ts';
import type { AssetSummary } from '../ouro/index.ts';
import type { ChannelLink } from '../store/types.ts';
import type { Scope } from './scope.ts';
import { UserError, type CommandOuro } from './spec.ts';
import type { AssetScope } from './visibility.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

/** How many search hits to consider for a name: enough for near-duplicates, one request. */
const NAME_CANDIDATES = 25;

export function scopeFilters(link: ChannelLink | undefined): { org_id?: string; team_id?: string } {
  if (!link?.orgId) return {};
  return link.teamId ? { org_id: link.orgId, team_id: link.teamId } : { org_id: link.orgId };
}

export function candidateList(hits: readonly AssetSummary[], max = 5): string {
  const lines = hits.slice(0, max).map((h) => `• ${h.name ?? '(unnamed)'} — id \`${h.id}\``);
  if (hits.length > max) lines.push(`• …and ${hits.length - max} more`);
  return lines.join('\n');
}

/**
 * Finds the id of the asset of `type` named `ref` (or `ref` itself when it is an id).
 * Throws UserError for not found / ambiguous, with candidates.
 */
export async function resolveAssetId(ouro: CommandOuro, type: 'dataset' | 'quest', ref: string, link: ChannelLink | undefined, scope: Scope): Promise<string> {
  const wanted = ref.trim();
  if (isUuid(wanted)) return wanted;
  const scoped = scopeFilters(link);
  const passes = Object.keys(scoped).length ? [scoped, {}] : [{}];
  let near: AssetSummary[] = [];
  for (const pass of passes) {
    const page = await ouro.assets.search({ query: wanted, limit: NAME_CANDIDATES, filters: { asset_type: type, ...pass } });
    const hits = scope.filter(page.items.filter((h) => h.asset_type === undefined || h.asset_type === type));
    const exact = hits.filter((h) => (h.name ?? '').trim().toLowerCase() === wanted.toLowerCase());
    if (exact.length === 1) return exact[0]!.id;
    if (exact.length > 1) {
      throw new UserError(`“${wanted}” names ${exact.length} ${type}s — use the id:\n${candidateList(exact)}`);
    }
    if (!near.length) near = hits;
  }
  const where = Object.keys(scoped).length ? ' in this channel’s org/team or elsewhere' : '';
  const suggest = near.length ? `\nDid you mean:\n${candidateList(near)}` : '';
  throw new UserError(`No ${type} named “${wanted}”${where}.${suggest}`);
}

export function assetUrl(webBaseUrl: string, asset: { id: string; url?: string }): string {
  return asset.url && /^https?:\/\//.test(asset.url) ? asset.url : `${webBaseUrl.replace(/\/+$/, '')}/assets/${asset.id}`;
}

type Typed = 'dataset' | 'quest' | 'post' | 'conversation';
const TYPED: readonly Typed[] = ['dataset', 'post', 'quest', 'conversation'];

/**
 * The asset with id `id`, looked up by type (`first` first) as the API has no typed-less
 * read; UserError when the bridge's account can see none.
 */
export async function findAsset(
  ouro: Pick<CommandOuro, 'datasets' | 'posts' | 'quests' | 'conversations'>,
  id: string,
  first?: string,
): Promise<AssetScope & { id: string }> {
  const order = [...TYPED].sort((a, b) => Number(b === first) - Number(a === first));
  for (const type of order) {
    try {
      return await ouro[`${type}s`].get(id);
    } catch (err) {
      if (!(err instanceof OuroNotFoundError)) throw err;
    }
  }
  throw new UserError(`No Ouro asset with id \`${id}\` that the bridge can see.`);
}
