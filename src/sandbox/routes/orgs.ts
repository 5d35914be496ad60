import type { RouteModule } from '../app.ts';
import { isOrgMember, presentOrg, presentTeam } from '../present.ts';
import { ApiError, ok } from '../router.ts';
import { GLOBAL_ID } from '../state.ts';

/** Teams and organizations (docs/ouro-api.md §4.10–4.11), read-only. */
export const orgsRoutes: RouteModule = (r, app) => {
  const s = app.state;
  const bool = (v: string | null, name: string): boolean | undefined => {
    if (v === null || v === '') return undefined;
    if (v !== 'true' && v !== 'false') throw new ApiError(400, 'invalid_parameter', `${name} must be true or false`);
    return v === 'true';
  };

  r.add('GET', '/teams', (ctx) => {
    const org = ctx.query.get('org_id');
    const joined = bool(ctx.query.get('joined'), 'joined');
    const publicOnly = bool(ctx.query.get('public_only'), 'public_only');
    const teams = s.teams.filter((t) => {
      const member = t.members.some((m) => m.user_id === ctx.user.id);
      if (org && t.org_id !== org) return false;
      if (joined === true && !member) return false;
      if (joined === false && member) return false;
      if (publicOnly && t.visibility !== 'public') return false;
      return member || (t.visibility === 'public' && isOrgMember(s, t.org_id, ctx.user.id));
    });
    return ok(teams.map((t) => presentTeam(s, t, ctx.user, false)));
  });

  r.add('GET', '/teams/:id', (ctx) => {
    const t = s.teams.find((x) => x.id === ctx.params.id);
    const visible = t && (t.members.some((m) => m.user_id === ctx.user.id) || (t.visibility === 'public' && isOrgMember(s, t.org_id, ctx.user.id)));
    if (!t || !visible) throw new ApiError(404, 'team_not_found', `Team ${ctx.params.id} not found`);
    return ok(presentTeam(s, t, ctx.user, ctx.query.get('include_members') === 'true'));
  });

  r.add('GET', '/organizations/user', (ctx) =>
    ok(s.orgs.filter((o) => o.id !== GLOBAL_ID && o.members.some((m) => m.user_id === ctx.user.id)).map((o) => presentOrg(s, o, ctx.user))),
  );

  r.add('GET', '/organizations/:id', (ctx) => {
    const o = s.orgs.find((x) => x.id === ctx.params.id);
    if (!o || !isOrgMember(s, o.id, ctx.user.id)) throw new ApiError(404, 'organization_not_found', `Organization ${ctx.params.id} not found`);
    return ok(presentOrg(s, o, ctx.user));
  });
};
