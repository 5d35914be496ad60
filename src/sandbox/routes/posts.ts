import MarkdownIt from 'markdown-it';
import type { App, RouteModule } from '../app.ts';
import { toRich } from '../markdown.ts';
import { canSee, isOrgMember, presentAsset, slugify } from '../present.ts';
import { ApiError, notFound, objectField, ok, oneOf, optString, raw } from '../router.ts';
import { findAsset, GLOBAL_ID, uuidv7 } from '../state.ts';
import type { PostRec, Visibility } from '../state.ts';

/** Posts (docs/ouro-api.md §4.5) and `POST /assets/{id}/download`, which serves a post as HTML. */

const VISIBILITIES: readonly Visibility[] = ['public', 'private', 'organization', 'monetized'];
const md = new MarkdownIt({ html: false, linkify: true });

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function postHtml(p: PostRec): string {
  const title = escapeHtml(p.name ?? 'Untitled');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>\n<body><article>\n<h1>${title}</h1>\n${md.render(p.content.text)}</article></body></html>\n`;
}

export const postsRoutes: RouteModule = (r, app: App) => {
  const s = app.state;

  r.add('POST', '/posts/create', async (ctx) => {
    const body = await ctx.body();
    const b = objectField(body, 'post');
    const content = toRich(body.content, app.convert);
    if (!content) throw new ApiError(400, 'invalid_body', 'body must carry "content": {"json": doc, "text": markdown}');
    const orgId = optString(b, 'org_id') ?? GLOBAL_ID;
    const teamId = optString(b, 'team_id') ?? GLOBAL_ID;
    if (!isOrgMember(s, orgId, ctx.user.id)) throw new ApiError(403, 'forbidden', `You are not a member of organization ${orgId}`);
    const at = app.clock.iso();
    const p: PostRec = {
      id: uuidv7(),
      asset_type: 'post',
      user_id: ctx.user.id,
      org_id: orgId,
      team_id: teamId,
      name: optString(b, 'name') ?? null,
      description: toRich(b.description, app.convert),
      visibility: b.visibility === undefined ? 'private' : oneOf(b.visibility, 'post.visibility', VISIBILITIES),
      source: 'api',
      license_id: optString(b, 'license_id') ?? null,
      attribution: (b.attribution as Record<string, unknown>) ?? { originality: 'original' },
      content,
      created_at: at,
      last_updated: at,
    };
    s.posts.push(p);
    app.changed();
    return ok(presentAsset(s, p));
  });

  r.add('GET', '/posts/:id', (ctx) => {
    const p = s.posts.find((x) => x.id === ctx.params.id);
    if (!p || !canSee(s, ctx.user, p)) throw notFound('Post', ctx.params.id!);
    return ok(presentAsset(s, p));
  });

  r.add('PUT', '/posts/:id', async (ctx) => {
    const p = s.posts.find((x) => x.id === ctx.params.id);
    if (!p || !canSee(s, ctx.user, p)) throw notFound('Post', ctx.params.id!);
    if (p.user_id !== ctx.user.id) throw new ApiError(403, 'forbidden', 'Only the owner may edit this post');
    const body = await ctx.body();
    const b = body.post === undefined ? {} : objectField(body, 'post');
    const name = optString(b, 'name');
    if (name !== undefined) p.name = name;
    if (b.visibility !== undefined) p.visibility = oneOf(b.visibility, 'post.visibility', VISIBILITIES);
    if (body.content !== undefined && body.content !== null) {
      const content = toRich(body.content, app.convert);
      if (!content) throw new ApiError(400, 'invalid_body', '"content" must be {"json": doc, "text": markdown} or null');
      p.content = content;
    }
    p.last_updated = app.clock.iso();
    app.changed();
    return ok(presentAsset(s, p));
  });

  r.add('POST', '/assets/:id/download', (ctx) => {
    const a = findAsset(s, ctx.params.id!);
    if (!a || !canSee(s, ctx.user, a)) throw notFound('Asset', ctx.params.id!);
    if (a.asset_type !== 'post') {
      throw new ApiError(400, 'unsupported_download', `The sandbox downloads posts only (this is a ${a.asset_type})`);
    }
    const name = `${slugify(a.name)}.html`;
    return raw(200, postHtml(a), {
      'content-type': 'text/html; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
  });
};
