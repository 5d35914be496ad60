import type { App, RouteModule } from '../app.ts';
import { toRich } from '../markdown.ts';
import { canSee } from '../present.ts';
import { ApiError, intParam, objectField, ok, oneOf } from '../router.ts';
import { findAsset, uuidv7 } from '../state.ts';
import type { EntryRec, QuestRec, UserRec } from '../state.ts';
import { getQuest, manageQuest } from './quests.ts';

/**
 * Quest entries: submit, list, review (docs/ouro-api.md §4.4, §9.5). The rules: no entries on a
 * draft (409 `quest_draft_not_accepting_entries`) or a closed/cancelled quest; in a closable
 * quest one active (submitted or accepted) entry per contributor per item; an asset can sit
 * in only one active entry of a quest. Ouro's status codes for the last two are not
 * documented; the sandbox answers 409 with its own codes.
 */

const ACTIVE = new Set(['submitted', 'accepted']);

function entryAssets(app: App, user: UserRec, input: unknown): EntryRec['assets'] {
  if (input === undefined || input === null) return null;
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new ApiError(400, 'invalid_body', 'entry.assets must be {"<key>": "<asset id>"} or {"<key>": {"asset_id": ...}}');
  }
  const out: NonNullable<EntryRec['assets']> = {};
  for (const [key, v] of Object.entries(input as Record<string, unknown>)) {
    const id = typeof v === 'string' ? v : typeof v === 'object' && v ? (v as { asset_id?: unknown }).asset_id : undefined;
    if (typeof id !== 'string') throw new ApiError(400, 'invalid_body', `entry.assets.${key} needs an asset id`);
    const asset = findAsset(app.state, id);
    if (!asset || !canSee(app.state, user, asset)) throw new ApiError(404, 'asset_not_found', `Asset ${id} not found`);
    out[key] = { asset_id: id, asset_type: asset.asset_type };
  }
  return Object.keys(out).length ? out : null;
}

function submit(app: App, q: QuestRec, user: UserRec, e: Record<string, unknown>): EntryRec {
  const s = app.state;
  if (q.quest.status === 'draft') {
    throw new ApiError(409, 'quest_draft_not_accepting_entries', 'This quest is a draft and is not accepting entries yet');
  }
  if (q.quest.status !== 'open') throw new ApiError(409, 'quest_not_open', `This quest is ${q.quest.status} and no longer accepts entries`);
  if (typeof e.item_id !== 'string') throw new ApiError(400, 'invalid_body', 'entry.item_id is required');
  const item = s.questItems.find((i) => i.id === e.item_id && i.quest_id === q.id);
  if (!item) throw new ApiError(404, 'item_not_found', `Item ${e.item_id} not found in quest ${q.id}`);
  const active = s.entries.filter((x) => x.quest_id === q.id && ACTIVE.has(x.status));
  if (q.quest.type === 'closable') {
    if (item.status === 'done') throw new ApiError(409, 'item_already_completed', 'This item is already done');
    if (active.some((x) => x.item_id === item.id && x.user_id === user.id)) {
      throw new ApiError(409, 'active_entry_exists', 'You already have an active entry for this item; it must be rejected before you submit again');
    }
  }
  const legacy = typeof e.asset_id === 'string' ? { asset: e.asset_id } : undefined;
  const assets = entryAssets(app, user, e.assets ?? legacy);
  for (const a of Object.values(assets ?? {})) {
    if (active.some((x) => Object.values(x.assets ?? {}).some((y) => y.asset_id === a.asset_id))) {
      throw new ApiError(409, 'asset_in_active_entry', `Asset ${a.asset_id} is already attached to an active entry of this quest`);
    }
  }
  const at = app.clock.iso();
  const entry: EntryRec = {
    id: uuidv7(),
    quest_id: q.id,
    item_id: item.id,
    user_id: user.id,
    assets,
    description: toRich(e.description, app.convert),
    review: null,
    status: 'submitted',
    reviewer_id: null,
    reviewed_at: null,
    created_at: at,
    updated_at: at,
  };
  s.entries.push(entry);
  if (item.status === 'pending') item.status = 'in_progress';
  app.changed();
  return entry;
}

export function presentEntry(e: EntryRec): Record<string, unknown> {
  const first = Object.values(e.assets ?? {})[0];
  return {
    ...e,
    asset_id: first?.asset_id ?? null,
    asset_type: first?.asset_type ?? null,
    embedded_assets: [],
    users: [],
    eval_action_id: null,
    eval_score: null,
    eval_status: null,
    judge_signals: null,
  };
}

export const entriesRoutes: RouteModule = (r, app) => {
  const s = app.state;

  r.add('POST', '/quests/:id/entries/create', async (ctx) => {
    const q = getQuest(app, ctx.params.id!, ctx.user);
    return ok(presentEntry(submit(app, q, ctx.user, objectField(await ctx.body(), 'entry'))));
  });

  r.add('GET', '/quests/:id/entries', (ctx) => {
    const q = getQuest(app, ctx.params.id!, ctx.user);
    const status = ctx.query.get('status');
    if (status) oneOf(status, 'status', ['submitted', 'accepted', 'rejected'] as const);
    const limit = intParam(ctx.query, 'limit', 50, 1, 200);
    const offset = intParam(ctx.query, 'offset', 0, 0);
    // Ouro's order is not documented; the sandbox lists oldest first, a stable order for paging.
    const all = s.entries.filter((e) => e.quest_id === q.id && (!status || e.status === status)).sort((a, b) => a.created_at.localeCompare(b.created_at));
    const page = all.slice(offset, offset + limit);
    return ok(page.map(presentEntry), { pagination: { offset, limit, hasMore: offset + page.length < all.length, total: all.length } });
  });

  r.add('PUT', '/quests/:id/entries/:entryId/review', async (ctx) => {
    const q = manageQuest(app, ctx.params.id!, ctx.user);
    const entry = s.entries.find((e) => e.id === ctx.params.entryId && e.quest_id === q.id);
    if (!entry) throw new ApiError(404, 'entry_not_found', `Entry ${ctx.params.entryId} not found in quest ${q.id}`);
    // Not wrapped: {"status": ..., "review": {json, text} | string}.
    const body = await ctx.body();
    const status = oneOf(body.status, 'status', ['accepted', 'rejected'] as const);
    if (entry.status !== 'submitted') throw new ApiError(409, 'entry_already_reviewed', `Entry is already ${entry.status}`);
    const item = s.questItems.find((i) => i.id === entry.item_id);
    if (status === 'accepted' && q.quest.type === 'closable' && item?.status === 'done') {
      throw new ApiError(409, 'item_already_completed', 'Another entry already completed this item');
    }
    const at = app.clock.iso();
    entry.status = status;
    entry.reviewer_id = ctx.user.id;
    entry.reviewed_at = at;
    entry.updated_at = at;
    entry.review = toRich(body.review, app.convert);
    if (status === 'accepted' && q.quest.type === 'closable' && item) {
      item.status = 'done';
      item.completed_entry_id = entry.id;
      item.updated_at = at;
    }
    q.last_updated = at;
    app.changed();
    return ok(presentEntry(entry));
  });
};
