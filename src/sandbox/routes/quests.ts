import type { App, RouteModule } from '../app.ts';
import { toRich } from '../markdown.ts';
import { canSee, isOrgAdmin, isOrgMember, presentItem, presentQuest, questItems } from '../present.ts';
import { ApiError, notFound, objectField, ok, oneOf, optString } from '../router.ts';
import { GLOBAL_ID, uuidv7 } from '../state.ts';
import type { ItemRec, QuestRec, UserRec, Visibility } from '../state.ts';

/** Quests and their items (docs/ouro-api.md §4.4); entries are in entries.ts. */

const STATUSES = ['draft', 'open', 'closed', 'cancelled'] as const;
const ITEM_STATUSES = ['pending', 'in_progress', 'done', 'skipped'] as const;
const VISIBILITIES: readonly Visibility[] = ['public', 'private', 'organization', 'monetized'];

export function getQuest(app: App, id: string, user: UserRec): QuestRec {
  const q = app.state.quests.find((x) => x.id === id);
  if (!q || !canSee(app.state, user, q)) throw notFound('Quest', id);
  return q;
}

/** The owner and the org's admins manage a quest (change it, add items, review entries). */
export function manageQuest(app: App, id: string, user: UserRec): QuestRec {
  const q = getQuest(app, id, user);
  if (q.user_id !== user.id && !isOrgAdmin(app.state, q.org_id, user.id)) {
    throw new ApiError(403, 'update_forbidden', `Only the quest owner or an org admin can do this on quest ${id}`);
  }
  return q;
}

/** An item from create/update input; strings are lifted to `{description}` as the JS schema does. */
function applyItem(app: App, item: ItemRec, input: unknown, creating: boolean): void {
  const src = typeof input === 'string' ? { description: input } : input;
  if (!src || typeof src !== 'object' || Array.isArray(src)) throw new ApiError(400, 'invalid_body', 'each item must be an object or a string');
  const o = src as Record<string, unknown>;
  if (o.description !== undefined) {
    const rich = toRich(o.description, app.convert);
    if (!rich || rich.text.trim() === '') throw new ApiError(400, 'invalid_body', 'item description must not be empty');
    item.description = rich;
  } else if (creating) {
    throw new ApiError(400, 'invalid_body', 'item description is required');
  }
  if (o.status !== undefined) item.status = oneOf(o.status, 'item.status', ITEM_STATUSES);
  if (o.sort_order !== undefined) {
    if (!Number.isInteger(o.sort_order)) throw new ApiError(400, 'invalid_body', 'sort_order must be an integer');
    item.sort_order = o.sort_order as number;
  }
  for (const k of ['type', 'assignee_id', 'expected_asset_type', 'notes', 'waiting_on', 'waiting_until', 'waiting_check_every'] as const) {
    if (o[k] === undefined) continue;
    const v = o[k];
    if (v !== null && typeof v !== 'string') throw new ApiError(400, 'invalid_body', `${k} must be a string`);
    // An empty string clears the waiting fields (docs/ouro-api.md §4.4).
    (item as unknown as Record<string, unknown>)[k] = k === 'type' ? (v ?? 'task') : v === '' ? null : v;
  }
  for (const k of ['reward_xp', 'reward_amount'] as const) {
    if (o[k] === undefined) continue;
    if (!Number.isInteger(o[k]) || (o[k] as number) < 0) throw new ApiError(400, 'invalid_body', `${k} must be a non-negative integer`);
    item[k] = o[k] as number;
  }
  if (o.reward_currency !== undefined) item.reward_currency = oneOf(o.reward_currency, 'reward_currency', ['btc', 'usd'] as const);
}

export function newItem(app: App, quest: QuestRec, input: unknown, createdBy: string, sortOrder: number): ItemRec {
  const at = app.clock.iso();
  const item: ItemRec = {
    id: uuidv7(),
    quest_id: quest.id,
    description: { json: { type: 'doc', content: [] }, text: '' },
    status: 'pending',
    sort_order: sortOrder,
    type: 'task',
    created_by: createdBy,
    assignee_id: null,
    expected_asset_type: null,
    reward_xp: 0,
    reward_currency: 'btc',
    reward_amount: 0,
    completed_entry_id: null,
    notes: null,
    waiting_on: null,
    waiting_until: null,
    waiting_check_every: null,
    created_at: at,
    updated_at: at,
  };
  applyItem(app, item, input, true);
  return item;
}

export const questsRoutes: RouteModule = (r, app) => {
  const s = app.state;

  r.add('POST', '/quests/create', async (ctx) => {
    const b = objectField(await ctx.body(), 'quest');
    const name = optString(b, 'name');
    if (!name || name.trim() === '') throw new ApiError(400, 'invalid_body', 'quest.name is required');
    const orgId = optString(b, 'org_id') ?? GLOBAL_ID;
    const teamId = optString(b, 'team_id') ?? GLOBAL_ID;
    if (!isOrgMember(s, orgId, ctx.user.id)) throw new ApiError(403, 'forbidden', `You are not a member of organization ${orgId}`);
    if (teamId !== GLOBAL_ID && !s.teams.some((t) => t.id === teamId && t.org_id === orgId)) {
      throw new ApiError(400, 'invalid_team', `No team ${teamId} in organization ${orgId}`);
    }
    if (b.items !== undefined && !Array.isArray(b.items)) throw new ApiError(400, 'invalid_body', 'quest.items must be an array');
    const at = app.clock.iso();
    const q: QuestRec = {
      id: uuidv7(),
      asset_type: 'quest',
      user_id: ctx.user.id,
      org_id: orgId,
      team_id: teamId,
      name,
      description: toRich(b.description, app.convert),
      visibility: b.visibility === undefined ? 'private' : oneOf(b.visibility, 'quest.visibility', VISIBILITIES),
      source: 'api',
      license_id: optString(b, 'license_id') ?? null,
      attribution: (b.attribution as Record<string, unknown>) ?? { originality: 'original' },
      quest: {
        // SDK defaults: closable, open.
        type: b.type === undefined ? 'closable' : oneOf(b.type, 'quest.type', ['closable', 'continuous'] as const),
        status: b.status === undefined ? 'open' : oneOf(b.status, 'quest.status', ['draft', 'open'] as const),
        max_xp_per_contributor: typeof b.max_xp_per_contributor === 'number' ? b.max_xp_per_contributor : null,
        closed_at: null,
      },
      created_at: at,
      last_updated: at,
    };
    const items = ((b.items as unknown[] | undefined) ?? []).map((it, i) => newItem(app, q, it, ctx.user.id, i + 1));
    s.quests.push(q);
    s.questItems.push(...items);
    app.changed();
    return ok(presentQuest(s, q, true));
  });

  r.add('GET', '/quests/:id', (ctx) => ok(presentQuest(s, getQuest(app, ctx.params.id!, ctx.user), true)));

  r.add('PUT', '/quests/:id', async (ctx) => {
    const q = manageQuest(app, ctx.params.id!, ctx.user);
    const b = objectField(await ctx.body(), 'quest');
    if (b.status !== undefined) {
      const next = oneOf(b.status, 'quest.status', STATUSES);
      const terminal = q.quest.status === 'closed' || q.quest.status === 'cancelled';
      if (terminal && next !== q.quest.status) throw new ApiError(409, 'quest_closed', `Quest is ${q.quest.status}; it cannot become ${next}`);
      if (next === 'draft' && q.quest.status !== 'draft') throw new ApiError(409, 'invalid_transition', 'An open quest cannot go back to draft');
      if ((next === 'closed' || next === 'cancelled') && !terminal) q.quest.closed_at = app.clock.iso();
      q.quest.status = next;
    }
    if (b.type !== undefined) q.quest.type = oneOf(b.type, 'quest.type', ['closable', 'continuous'] as const);
    if (b.name !== undefined) q.name = optString(b, 'name') ?? q.name;
    if (b.description !== undefined) q.description = toRich(b.description, app.convert);
    if (b.visibility !== undefined) q.visibility = oneOf(b.visibility, 'quest.visibility', VISIBILITIES);
    q.last_updated = app.clock.iso();
    app.changed();
    return ok(presentQuest(s, q, true));
  });

  r.add('GET', '/quests/:id/items', (ctx) => ok(questItems(s, getQuest(app, ctx.params.id!, ctx.user).id).map(presentItem)));

  r.add('POST', '/quests/:id/items', async (ctx) => {
    const q = manageQuest(app, ctx.params.id!, ctx.user);
    const body = await ctx.body();
    if (!Array.isArray(body.items) || body.items.length === 0) throw new ApiError(400, 'invalid_body', 'body must be {"items": [...]} with at least one item');
    const start = questItems(s, q.id).reduce((m, i) => Math.max(m, i.sort_order), 0);
    const created = (body.items as unknown[]).map((it, i) => newItem(app, q, it, ctx.user.id, start + i + 1));
    s.questItems.push(...created);
    q.last_updated = app.clock.iso();
    app.changed();
    return ok(created.map(presentItem));
  });

  r.add('PUT', '/quests/:id/items/:itemId', async (ctx) => {
    const q = manageQuest(app, ctx.params.id!, ctx.user);
    const item = s.questItems.find((i) => i.id === ctx.params.itemId && i.quest_id === q.id);
    if (!item) throw new ApiError(404, 'item_not_found', `Item ${ctx.params.itemId} not found in quest ${q.id}`);
    applyItem(app, item, objectField(await ctx.body(), 'item'), false);
    item.updated_at = app.clock.iso();
    app.changed();
    return ok(presentItem(item));
  });
};
