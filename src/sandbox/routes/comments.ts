import type { App, RouteModule } from '../app.ts';
import { toRich } from '../markdown.ts';
import { canSee, presentBase } from '../present.ts';
import { ApiError, notFound, objectField, ok, optString } from '../router.ts';
import { findAsset, uuidv7 } from '../state.ts';
import type { AnyAsset, CommentRec, SandboxState, UserRec } from '../state.ts';

/**
 * Comments (docs/ouro-api.md §4.6): on any asset, one level of replies (a reply to a reply
 * hangs under the top-level comment, naming the one it answers in
 * `metadata.reply_to_comment_id`), visible to whoever may see the commented asset, edited
 * by their author only; each new one sends the `comment` webhook.
 */

function present(s: SandboxState, c: CommentRec): Record<string, unknown> {
  const { root_id: _root, ...rest } = c;
  return {
    ...presentBase(s, c as unknown as AnyAsset),
    ...rest,
    name: '',
    visibility: 'inherit',
    description: { json: c.content.json, text: c.content.text.slice(0, 200) },
  };
}

export const commentsRoutes: RouteModule = (r, app: App) => {
  const s = app.state;
  const rootOf = (c: CommentRec) => findAsset(s, c.root_id);
  const visibleComment = (id: string, user: UserRec): CommentRec => {
    const c = s.comments.find((x) => x.id === id);
    const root = c && rootOf(c);
    if (!c || !root || !canSee(s, user, root)) throw notFound('Comment', id);
    return c;
  };

  r.add('POST', '/comments/create', async (ctx) => {
    const body = await ctx.body();
    const b = objectField(body, 'comment');
    const parentId = optString(b, 'parent_id');
    if (!parentId) throw new ApiError(400, 'invalid_body', 'comment.parent_id is required');
    const content = toRich(body.content, app.convert);
    if (!content?.text.trim()) throw new ApiError(400, 'invalid_body', 'body must carry "content": {"json": doc, "text": markdown} with text');
    const parentComment = s.comments.find((x) => x.id === parentId);
    const root = parentComment ? rootOf(parentComment) : findAsset(s, parentId);
    if (!root || !canSee(s, ctx.user, root)) throw notFound('Asset', parentId);
    // Threads are one level deep: a reply to a reply goes under the top-level comment.
    const top =
      parentComment && s.comments.find((x) => x.id === parentComment.parent_id) ? s.comments.find((x) => x.id === parentComment.parent_id)! : parentComment;
    const at = app.clock.iso();
    const c: CommentRec = {
      id: uuidv7(),
      asset_type: 'comment',
      user_id: ctx.user.id,
      org_id: root.org_id,
      team_id: root.team_id,
      name: null,
      description: null,
      visibility: root.visibility,
      source: 'api',
      license_id: optString(b, 'license_id') ?? null,
      attribution: (b.attribution as Record<string, unknown>) ?? { originality: 'original' },
      parent_id: top?.id ?? root.id,
      root_id: root.id,
      content,
      metadata: top && parentComment && top.id !== parentComment.id ? { reply_to_comment_id: parentComment.id } : {},
      created_at: at,
      last_updated: at,
    };
    s.comments.push(c);
    app.changed();
    app.webhooks.comment(c, root, top, ctx.user, app.bot(), canSee(s, app.bot(), root));
    return ok(present(s, c));
  });

  r.add('GET', '/comments/:id', (ctx) => ok(present(s, visibleComment(ctx.params.id!, ctx.user))));

  r.add('GET', '/assets/:id/comments', (ctx) => {
    const id = ctx.params.id!;
    const parent = s.comments.find((x) => x.id === id);
    const root = parent ? rootOf(parent) : findAsset(s, id);
    if (!root || !canSee(s, ctx.user, root)) throw notFound('Asset', id);
    return ok(s.comments.filter((c) => c.parent_id === id).map((c) => present(s, c)));
  });

  r.add('PUT', '/comments/:id', async (ctx) => {
    const c = visibleComment(ctx.params.id!, ctx.user);
    if (c.user_id !== ctx.user.id) throw new ApiError(403, 'forbidden', 'Only the author may edit a comment');
    const body = await ctx.body();
    const content = toRich(body.content, app.convert);
    if (content) c.content = content;
    c.last_updated = app.clock.iso();
    app.changed();
    return ok(present(s, c));
  });
};
