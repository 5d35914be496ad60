/**
 * Who is who: display names and avatars for authors, and the admin check for commands that
 * change Ouro. Both come from `users.info`; answers are cached briefly (names change rarely,
 * admin rights must not lag for long) so a busy thread does not spend Slack's Tier 4 budget.
 * A failed lookup is not cached: the next event asks again.
 */
import type { App } from '@slack/bolt';
import { retryRateLimited } from './pacing.ts';

type WebClient = App['client'];

export interface SlackPerson {
  id: string;
  name: string;
  avatarUrl?: string;
  isAdmin: boolean;
  isBot: boolean;
  /** The person's home team: another team's for a Slack Connect guest. */
  teamId?: string;
}

/** Five minutes: short enough that a revoked admin loses rights within one coffee break. */
export const USER_CACHE_TTL_MS = 5 * 60_000;

export interface Directory {
  person(id: string): Promise<SlackPerson>;
  /** Workspace admin/owner (users.info) or listed in BRIDGE_ADMINS. */
  isAdmin(id: string): Promise<boolean>;
  /** Cached name, if looked up before (for pure converters). */
  cachedName(id: string): string | undefined;
  /** The person as last looked up, if ever: the ack path reads this and never waits. */
  known(id: string): SlackPerson | undefined;
}

interface RawUser {
  id?: string;
  name?: string;
  real_name?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_bot?: boolean;
  team_id?: string;
  profile?: { display_name?: string; real_name?: string; image_72?: string; image_48?: string };
}

export function displayName(u: RawUser, fallback: string): string {
  return u.profile?.display_name || u.profile?.real_name || u.real_name || u.name || fallback;
}

export function createDirectory(opts: { client: WebClient; bridgeAdmins?: readonly string[]; ttlMs?: number; now?: () => number }): Directory {
  const ttl = opts.ttlMs ?? USER_CACHE_TTL_MS;
  const now = opts.now ?? Date.now;
  const admins = new Set(opts.bridgeAdmins ?? []);
  const cache = new Map<string, { at: number; person: Promise<SlackPerson> }>();

  async function fetchPerson(id: string): Promise<SlackPerson> {
    const res = await retryRateLimited(() => opts.client.users.info({ user: id }));
    const u = (res.user ?? {}) as RawUser;
    return {
      id,
      name: displayName(u, id),
      avatarUrl: u.profile?.image_72 ?? u.profile?.image_48,
      isAdmin: Boolean(u.is_admin || u.is_owner || u.is_primary_owner),
      isBot: Boolean(u.is_bot),
      ...(u.team_id ? { teamId: u.team_id } : {}),
    };
  }

  function person(id: string): Promise<SlackPerson> {
    const hit = cache.get(id);
    if (hit && now() - hit.at < ttl) return hit.person;
    const p = fetchPerson(id);
    cache.set(id, { at: now(), person: p });
    p.catch(() => cache.delete(id));
    return p;
  }

  const settled = new Map<string, SlackPerson>();
  return {
    async person(id) {
      const p = await person(id);
      settled.set(id, p);
      return p;
    },
    async isAdmin(id) {
      if (admins.has(id)) return true;
      return (await person(id)).isAdmin;
    },
    cachedName: (id) => settled.get(id)?.name,
    known: (id) => settled.get(id),
  };
}
