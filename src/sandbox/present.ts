import { GLOBAL_ID } from './state.ts';
import type { AnyAsset, DatasetRec, ItemRec, OrgRec, QuestRec, SandboxState, TeamRec, UserRec } from './state.ts';

/**
 * Who may see what, and how records look on the wire (Ouro's asset base fields plus the
 * per-type extras of docs/ouro-api.md §3–4).
 */

const WEB = 'https://ouro.foundation';

export function isOrgMember(s: SandboxState, orgId: string, userId: string): boolean {
  if (orgId === GLOBAL_ID) return true;
  return s.orgs.find((o) => o.id === orgId)?.members.some((m) => m.user_id === userId) ?? false;
}

export function isTeamMember(s: SandboxState, teamId: string, userId: string): boolean {
  return s.teams.find((t) => t.id === teamId)?.members.some((m) => m.user_id === userId) ?? false;
}

export function isOrgAdmin(s: SandboxState, orgId: string, userId: string): boolean {
  return s.orgs.find((o) => o.id === orgId)?.members.some((m) => m.user_id === userId && m.role === 'admin') ?? false;
}

/**
 * Conversations: members only. Otherwise public (and monetized listings) for everyone; the
 * owner always; `organization` for the org's members; `private` for the owner and, when the
 * asset sits in a real team, that team's members.
 */
export function canSee(s: SandboxState, user: UserRec, a: AnyAsset): boolean {
  if (a.asset_type === 'conversation') return a.metadata.members.includes(user.id);
  if (a.visibility === 'public' || a.visibility === 'monetized') return true;
  if (a.user_id === user.id) return true;
  if (a.visibility === 'organization') return isOrgMember(s, a.org_id, user.id);
  return a.team_id !== GLOBAL_ID && isTeamMember(s, a.team_id, user.id);
}

export function userRef(u: UserRec): Record<string, unknown> {
  return {
    id: u.id,
    user_id: u.id,
    username: u.username,
    avatar_path: null,
    bio: u.bio,
    actor_type: u.actor_type,
    is_agent: u.actor_type === 'agent',
  };
}

export function profile(u: UserRec): Record<string, unknown> {
  return { ...userRef(u), name: u.name, display_name: u.name, plan_type: 'free', last_active: u.created_at };
}

export function orgRef(o: OrgRec | undefined): Record<string, unknown> | null {
  return o ? { id: o.id, name: o.name, avatar_path: null, mission: o.mission } : null;
}

export function presentOrg(s: SandboxState, o: OrgRec, viewer: UserRec): Record<string, unknown> {
  const m = o.members.find((x) => x.user_id === viewer.id);
  return {
    id: o.id,
    name: o.name,
    display_name: o.display_name,
    mission: o.mission,
    avatar_path: null,
    // ouro-js OrganizationsSchema: `size` is a string (a size band, as people choose it on Ouro).
    size: sizeBand(o.members.length),
    base_role: 'read',
    allow_external_members: false,
    allow_external_public_team_creation: false,
    join_policy: 'invite_only',
    actor_type_policy: 'any',
    source_policy: 'any',
    membership: m ? { role: m.role, membership_type: 'internal' } : null,
    created_at: o.created_at,
    teams: s.teams.filter((t) => t.org_id === o.id).length,
  };
}

export function presentTeam(s: SandboxState, t: TeamRec, viewer: UserRec, withMembers: boolean): Record<string, unknown> {
  const org = s.orgs.find((o) => o.id === t.org_id);
  const m = t.members.find((x) => x.user_id === viewer.id);
  const out: Record<string, unknown> = {
    id: t.id,
    name: t.name,
    slug: slugify(t.name),
    org_id: t.org_id,
    organization: orgRef(org),
    description: t.description,
    visibility: t.visibility,
    default_role: 'write',
    source_policy: t.source_policy,
    actor_type_policy: 'any',
    memberCount: t.members.length,
    userMembership: m ? { user_id: m.user_id, role: m.role, membership_type: 'internal' } : null,
    created_at: t.created_at,
  };
  if (withMembers) {
    out.members = t.members.map((x) => {
      const u = s.users.find((y) => y.id === x.user_id);
      // ouro-js ReadTeamSchema: members carry `added_at`.
      return { user_id: x.user_id, role: x.role, added_at: x.added_at ?? t.created_at, user: u ? userRef(u) : null };
    });
  }
  return out;
}

/**
 * The license an asset gets when its creator names none. ouro-js AssetSchema makes `license_id`
 * a non-null string, so Ouro fills one in; which id it uses is not published, so this is ours.
 */
export const DEFAULT_LICENSE_ID = 'CC-BY-4.0';

/** Ouro's organization size bands (a string); the sandbox derives one from its member count. */
export function sizeBand(members: number): string {
  return members <= 10 ? '1-10' : members <= 50 ? '11-50' : members <= 200 ? '51-200' : '201+';
}

export function slugify(name: string | null): string {
  return (
    (name ?? 'untitled')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'untitled'
  );
}

/** Asset base fields shared by every type (docs/ouro-api.md §3.1). */
export function presentBase(s: SandboxState, a: AnyAsset): Record<string, unknown> {
  const owner = s.users.find((u) => u.id === a.user_id);
  const team = s.teams.find((t) => t.id === a.team_id);
  const slug = a.asset_type === 'conversation' ? `/conversations/${a.id}` : `/${a.asset_type}s/${owner?.username ?? 'unknown'}/${slugify(a.name)}`;
  return {
    id: a.id,
    user_id: a.user_id,
    user: owner ? userRef(owner) : null,
    org_id: a.org_id,
    organization: orgRef(s.orgs.find((o) => o.id === a.org_id)),
    team_id: a.team_id,
    // A global asset has no team: the key is left out, not null (ouro-js AssetSchema: `team` optional, not nullable).
    ...(team ? { team: { id: team.id, org_id: team.org_id, name: team.name } } : {}),
    parent_id: null,
    asset_type: a.asset_type,
    name: a.name,
    description: a.description,
    visibility: a.visibility,
    monetization: 'none',
    price: null,
    license_id: a.license_id ?? DEFAULT_LICENSE_ID,
    metadata: null,
    attribution: a.attribution,
    state: 'success',
    source: a.source,
    slug,
    url: `${WEB}${slug}`,
    created_at: a.created_at,
    last_updated: a.last_updated,
  };
}

export function presentDataset(s: SandboxState, d: DatasetRec): Record<string, unknown> {
  return {
    ...presentBase(s, d),
    metadata: { schema: 'datasets', table_name: d.table_name, columns: d.columns.map((c) => c.name) },
    // Ouro shows the first ~12 rows as the preview.
    preview: (s.datasetRows[d.id] ?? []).slice(0, 12),
  };
}

export function presentItem(i: ItemRec): Record<string, unknown> {
  return {
    ...i,
    auto_skipped: false,
    status_before_auto_skip: null,
    child_quest_id: null,
    eval_route_id: null,
    eval_score_path: null,
    eval_pass_min: null,
    eval_pass_max: null,
    submission_assets: null,
    eval_static_inputs: null,
    embedded_assets: null,
    users: null,
  };
}

export function questItems(s: SandboxState, questId: string): ItemRec[] {
  return s.questItems.filter((i) => i.quest_id === questId).sort((a, b) => a.sort_order - b.sort_order);
}

export function presentQuest(s: SandboxState, q: QuestRec, withItems: boolean): Record<string, unknown> {
  const items = questItems(s, q.id);
  const resolved = items.filter((i) => i.status === 'done' || i.status === 'skipped').length;
  const out: Record<string, unknown> = {
    ...presentBase(s, q),
    quest: q.quest,
    progress: {
      total: items.length,
      resolved,
      remaining: items.length - resolved,
      items: items.map((i) => ({
        id: i.id,
        status: i.status,
        waiting_on: i.waiting_on,
        waiting_until: i.waiting_until,
        waiting_check_every: i.waiting_check_every,
      })),
    },
    comments: 0,
  };
  if (withItems) out.items = items.map(presentItem);
  return out;
}

/** Any asset in its typed detail shape. */
export function presentAsset(s: SandboxState, a: AnyAsset): Record<string, unknown> {
  switch (a.asset_type) {
    case 'dataset':
      return presentDataset(s, a);
    case 'quest':
      return presentQuest(s, a, false);
    case 'post':
      // ouro-js PostSchema: `metadata` is an object (PostMetadataSchema), never null.
      return {
        ...presentBase(s, a),
        metadata: {},
        content: a.content,
        preview: { type: 'doc', content: a.content.json.content.slice(0, 3) },
        comments: 0,
        views: 0,
      };
    case 'conversation':
      return { ...presentBase(s, a), summary: a.summary, metadata: a.metadata };
    case 'file':
      return { ...presentBase(s, a), metadata: a.metadata, preview: a.preview };
  }
}
