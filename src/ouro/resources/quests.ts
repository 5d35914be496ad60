/** Quests, items, entries and reviews (docs/ouro-api.md §4.4, §9.5). Markdown inputs become `{json, text}`. */
import type { OuroClient } from '../client-types.ts';
import { asArray, entry, page, quest, questItem } from '../normalise.ts';
import { seg } from '../query.ts';
import type { Transport } from '../transport.ts';
import type { QuestEntry } from '../types.ts';
import { rich } from './rich.ts';

/** Entries per page when fetching all (MCP documents 1–200; no server cap is known). */
const ENTRIES_PAGE = 100;
/** Stop paging after this many pages: a server ignoring `offset` must not loop us forever. */
const MAX_ENTRY_PAGES = 500;

export function questsResource(t: Transport): OuroClient['quests'] {
  const base = (id: string) => `/quests/${seg(id)}`;

  const api: OuroClient['quests'] = {
    async create(input, signal) {
      const path = '/quests/create';
      const body = {
        quest: {
          name: input.name,
          description: rich(input.description ?? ''),
          visibility: input.visibility ?? 'private',
          type: input.type ?? 'closable',
          status: input.status ?? 'open',
          items: (input.items ?? []).map((i) => ({ description: rich(i.description) })),
          ...(input.orgId ? { org_id: input.orgId } : {}),
          ...(input.teamId ? { team_id: input.teamId } : {}),
          source: 'api',
          attribution: { originality: 'original' },
        },
      };
      return quest(await t.call({ method: 'POST', path, body, signal }), { method: 'POST', path });
    },
    async get(id, signal) {
      const path = base(id);
      return quest(await t.call({ method: 'GET', path, signal }), { method: 'GET', path });
    },
    async update(id, partial, signal) {
      const path = base(id);
      const { description, ...rest } = partial;
      const body = { quest: { ...rest, ...(description !== undefined ? { description: rich(description) } : {}) } };
      return quest(await t.call({ method: 'PUT', path, body, signal }), { method: 'PUT', path });
    },
    close(id, signal) {
      return api.update(id, { status: 'closed' }, signal);
    },
    async items(id, signal) {
      const where = { method: 'GET', path: `${base(id)}/items` };
      return asArray(await t.call({ method: 'GET', path: where.path, signal }), where).map((i) => questItem(i, where));
    },
    async addItems(id, items, signal) {
      const where = { method: 'POST', path: `${base(id)}/items` };
      const body = { items: items.map((i) => ({ ...i, description: rich(i.description) })) };
      return asArray(await t.call({ method: 'POST', path: where.path, body, signal }), where).map((i) => questItem(i, where));
    },
    async updateItem(id, itemId, partial, signal) {
      const path = `${base(id)}/items/${seg(itemId)}`;
      const { description, ...rest } = partial;
      const body = { item: { ...rest, ...(typeof description === 'string' ? { description: rich(description) } : {}) } };
      return questItem(await t.call({ method: 'PUT', path, body, signal }), { method: 'PUT', path });
    },
    async entriesPage(id, opts = {}, signal) {
      const where = { method: 'GET', path: `${base(id)}/entries` };
      const query = { status: opts.status, limit: opts.limit ?? 50, offset: opts.offset ?? 0 };
      const res = await t.send<unknown>({ method: 'GET', path: where.path, query, signal });
      return page(
        asArray(res.data, where).map((e) => entry(e, where)),
        res.body,
        query,
      );
    },
    async entries(id, opts = {}, signal) {
      const all: QuestEntry[] = [];
      const seen = new Set<string>();
      for (let n = 0, offset = 0; n < MAX_ENTRY_PAGES; n++) {
        const p = await api.entriesPage(id, { status: opts.status, limit: ENTRIES_PAGE, offset }, signal);
        const fresh = p.items.filter((e) => !seen.has(e.id));
        for (const e of fresh) seen.add(e.id);
        all.push(...fresh);
        if (!p.hasMore || p.items.length === 0 || fresh.length === 0) break;
        offset += p.items.length;
      }
      return all;
    },
    async submit(id, input, signal) {
      const path = `${base(id)}/entries/create`;
      const body = {
        entry: {
          item_id: input.itemId,
          ...(input.assets && Object.keys(input.assets).length ? { assets: input.assets } : {}),
          ...(input.description !== undefined ? { description: rich(input.description) } : {}),
        },
      };
      return entry(await t.call({ method: 'POST', path, body, signal }), { method: 'POST', path });
    },
    async review(id, entryId, input, signal) {
      const path = `${base(id)}/entries/${seg(entryId)}/review`;
      // Not wrapped in {"entry": …} (docs/ouro-api.md §4.4).
      const body = { status: input.status, ...(input.review !== undefined ? { review: rich(input.review) } : {}) };
      return entry(await t.call({ method: 'PUT', path, body, signal }), { method: 'PUT', path });
    },
  };
  return api;
}
