import type { RouteModule } from '../app.ts';
import { issueToken, newRefreshToken } from '../auth.ts';
import { profile } from '../present.ts';
import { ApiError, json, ok } from '../router.ts';
import type { UserRec } from '../state.ts';

/** Identity: PAT exchange (docs/ouro-api.md §1.2), the caller, user lookup and search (§4.1). */
export const usersRoutes: RouteModule = (r, app) => {
  // No envelope here: `{access_token, refresh_token, api_key_name}` at top level.
  r.add(
    'POST',
    '/users/get-token',
    async (ctx) => {
      const body = await ctx.body();
      if (typeof body.pat !== 'string' || body.pat === '') {
        throw new ApiError(400, 'invalid_body', 'body must be {"pat": "<personal access token>"}');
      }
      const key = app.state.apiKeys.find((k) => k.key === body.pat);
      const user = key && app.state.users.find((u) => u.id === key.user_id);
      if (!key || !user) return json({ error: { message: 'Invalid API key', status: 401, code: 'invalid_api_key' } }, 401);
      return json({
        access_token: issueToken(app.state, user, app.tokenTtlSeconds, Date.now(), key.key),
        refresh_token: newRefreshToken(),
        api_key_name: key.name,
      });
    },
    { public: true },
  );

  r.add('GET', '/user', (ctx) => ok({ ...profile(ctx.user), email: ctx.user.email, created_at: ctx.user.created_at }));
  r.add('GET', '/user/profile', (ctx) => ok({ ...profile(ctx.user), email: ctx.user.email, isSelf: true }));

  r.add('GET', '/users/search', (ctx) => {
    const q = (ctx.query.get('query') ?? '').trim().toLowerCase();
    if (q === '') throw new ApiError(400, 'invalid_parameter', 'query is required');
    // Real search semantics are not documented: case-insensitive substring of username or name.
    const hits = app.state.users.filter((u) => u.username.toLowerCase().includes(q) || (u.name ?? '').toLowerCase().includes(q));
    return ok(hits.slice(0, 20).map(profile));
  });

  r.add('GET', '/users/:idOrName', (ctx) => {
    const user = findUser(app.state.users, ctx.params.idOrName!);
    if (!user) throw new ApiError(404, 'user_not_found', `User ${ctx.params.idOrName} not found`);
    // ouro-js ReadProfileSchema: isFollowing / isFollowed / isSelf are always there (the sandbox has no follows).
    return ok({ ...profile(user), isSelf: user.id === ctx.user.id, isFollowing: false, isFollowed: false, followers: 0, following: 0 });
  });
};

export function findUser(users: UserRec[], idOrName: string): UserRec | undefined {
  return users.find((u) => u.id === idOrName || u.username.toLowerCase() === idOrName.toLowerCase());
}
