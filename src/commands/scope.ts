/**
 * The bot's authority in a channel (README "Security model"). When a person acts through the
 * bridge's own Ouro account, the bridge answers and acts only on assets that are public or
 * belong to the org/team the channel is linked to, and only when that org is one the
 * operator allows (OURO_ALLOWED_ORGS). An unlinked channel gets public assets only.
 *
 * Every place an asset enters goes through a `Scope`: name resolution and search (hits
 * outside are dropped), query, quest show/submit/review/close, watch, mirror attach,
 * autocomplete, link previews, buttons (at click time) and quest notices (at send time).
 *
 * A person who acts with their own Ouro account is bounded by Ouro itself: such a command
 * runs with `OURO_DECIDES` instead of a channel scope.
 */
import type { ChannelLink } from '../store/types.ts';
import { UserError } from './spec.ts';
import { visibilityFor, type AssetScope } from './visibility.ts';

type LinkScope = Pick<ChannelLink, 'orgId' | 'teamId'> & Partial<Pick<ChannelLink, 'orgName'>>;

export interface Scope {
  /** True when the asset may be used and answered here. */
  allows(asset: AssetScope): boolean;
  /** The asset itself, or a UserError in words that names neither the asset nor its org. */
  admit<T extends AssetScope>(asset: T, what: string): T;
  /** The assets that may be used here, in order. */
  filter<T extends AssetScope>(assets: readonly T[]): T[];
}

/** Org ids or names the operator allows; an empty list allows every org. */
export function orgAllowed(org: { id: string; name?: string | null; display_name?: string | null; slug?: string | null }, allowed: readonly string[]): boolean {
  if (!allowed.length) return true;
  const names = [org.id, org.name, org.display_name, org.slug].filter((n): n is string => Boolean(n)).map((n) => n.toLowerCase());
  return allowed.some((a) => names.includes(a.trim().toLowerCase()));
}

/**
 * The link that gives the bot authority: the channel's, unless its org is no longer allowed
 * (a channel linked before the operator narrowed OURO_ALLOWED_ORGS counts as unlinked).
 */
export function effectiveLink<L extends LinkScope>(link: L | undefined, allowedOrgs: readonly string[] = []): L | undefined {
  if (!link?.orgId) return undefined;
  return orgAllowed({ id: link.orgId, name: link.orgName }, allowedOrgs) ? link : undefined;
}

/** The scope for people acting through the bot in a channel with this link. */
export function channelScope(channelLink: LinkScope | undefined, allowedOrgs: readonly string[] = []): Scope {
  const link = effectiveLink(channelLink, allowedOrgs);
  const allows = (asset: AssetScope) => visibilityFor(asset, link) === 'public';
  return {
    allows,
    admit(asset, what) {
      if (allows(asset)) return asset;
      throw new UserError(
        link
          ? `That ${what} is not public and not in the org/team this channel is linked to; the bridge works here only with those. Nothing was done.`
          : `That ${what} is not public, and this channel is not linked to an Ouro org: an admin can link it first (\`/ouro link <org>\`). Nothing was done.`,
      );
    },
    filter: (assets) => assets.filter(allows),
  };
}

/** For a person acting with their own Ouro account: Ouro decides what they may use. */
export const OURO_DECIDES: Scope = {
  allows: () => true,
  admit: (asset) => asset,
  filter: (assets) => [...assets],
};
