/**
 * Naming an asset by id or by name. A name is searched in the channel's scope (its linked
 * org/team) first, then everywhere the bridge's account can see; an exact name (case-
 * insensitive) wins, several exact matches are ambiguous and listed with their ids.
 */
import type { AssetSummary } from '../ouro/index.ts';
import type { ChannelLink } from '../store/types.ts';
import { UserError, type CommandOuro } from './spec.ts';

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
export async function resolveAssetId(
  ouro: CommandOuro,
  type: 'dataset' | 'quest',
  ref: string,
  link: ChannelLink | undefined,
): Promise<string> {
  const wanted = ref.trim();
  if (isUuid(wanted)) return wanted;
  const scoped = scopeFilters(link);
  const passes = Object.keys(scoped).length ? [scoped, {}] : [{}];
  let near: AssetSummary[] = [];
  for (const scope of passes) {
    const page = await ouro.assets.search({ query: wanted, limit: NAME_CANDIDATES, filters: { asset_type: type, ...scope } });
    const hits = page.items.filter((h) => h.asset_type === undefined || h.asset_type === type);
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
