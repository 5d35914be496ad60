/**
 * The one rule for what may be shown to a whole channel (DESIGN.md, Security): an asset that
 * is public, or belongs to the Ouro org/team the channel is linked to. Anything else is for
 * the person who asked only. Commands report what they show (`HandlerResult.shows`) and the
 * registry applies this. For people acting through the bot's own account the same rule is a
 * hard limit, not a narrowing: ./scope.ts refuses such assets before they are used.
 */
import type { ChannelLink } from '../store/types.ts';
import type { Visibility } from '../chat/reply.ts';

export interface AssetScope {
  id?: string;
  name?: string | null;
  visibility?: string;
  org_id?: string;
  team_id?: string;
}

type LinkScope = Pick<ChannelLink, 'orgId' | 'teamId'> | undefined;

/**
 * `public` when the channel may see the asset:
 * - the asset is public (monetized assets are listed publicly on Ouro too), or
 * - the channel is linked to the asset's team, or
 * - the channel is linked to the asset's org and either no team, or the asset is org-visible.
 */
export function visibilityFor(asset: AssetScope, link: LinkScope): Visibility {
  const v = (asset.visibility ?? '').toLowerCase();
  if (v === 'public' || v === 'monetized') return 'public';
  if (!link?.orgId) return 'invoker';
  if (link.teamId && asset.team_id === link.teamId) return 'public';
  if (asset.org_id === link.orgId && (!link.teamId || v === 'organization')) return 'public';
  return 'invoker';
}

/** The assets (by name) that keep an answer out of the channel. */
export function restricted(assets: readonly AssetScope[], link: LinkScope): AssetScope[] {
  return assets.filter((a) => visibilityFor(a, link) === 'invoker');
}
