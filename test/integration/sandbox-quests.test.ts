import { beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS } from '../../src/sandbox/index.ts';
import { ouroFetch, sandboxToken, withSandbox } from '../helpers/sandbox.ts';

describe('sandbox quests, items and entries', () => {
  const sandbox = withSandbox({ seed: 'demo' });
  let bot = '';
  let alice = '';
  let bob = '';
  const as = (token: string) => (method: string, path: string, body?: unknown) => ouroFetch(sandbox(), token, method, path, body);

  beforeAll(async () => {
    bot = await sandboxToken(sandbox());
    alice = await sandboxToken(sandbox(), sandbox().userApiKeys.alice);
    bob = await sandboxToken(sandbox(), sandbox().addUser('dana').apiKey);
  });

  async function createQuest(extra: Record<string, unknown> = {}) {
    const res = await as(bot)('POST', '/quests/create', {
      quest: {
        name: 'Relax candidates',
        description: { json: { type: 'doc', content: [] }, text: 'Relax them' },
        visibility: 'public',
        items: ['Relax Fe2Ni', { description: { json: { type: 'doc', content: [] }, text: 'Measure Tc' }, expected_asset_type: 'post' }],
        ...extra,
      },
    });
    expect(res.status).toBe(200);
    return res.body.data as { id: string; items: { id: string }[]; quest: { status: string; type: string } };
  }

  it('creates a quest with items and progress (SDK defaults closable/open)', async () => {
    const q = await createQuest();
    expect(q.quest).toMatchObject({ type: 'closable', status: 'open', closed_at: null });
    expect(q.items).toHaveLength(2);
    expect(q.items[0]).toMatchObject({ sort_order: 1, status: 'pending', description: { text: 'Relax Fe2Ni' } });
    const got = await as(bot)('GET', `/quests/${q.id}`);
    expect(got.body.data.progress).toMatchObject({ total: 2, resolved: 0, remaining: 2 });
    const added = await as(bot)('POST', `/quests/${q.id}/items`, { items: [{ description: 'Write it up' }] });
    expect(added.body.data[0].sort_order).toBe(3);
    expect((await as(bot)('GET', `/quests/${q.id}/items`)).body.data).toHaveLength(3);
  });

  it('refuses entries on a draft quest with 409 quest_draft_not_accepting_entries', async () => {
    const q = await createQuest({ status: 'draft' });
    const res = await as(bob)('POST', `/quests/${q.id}/entries/create`, { entry: { item_id: q.items[0]!.id } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ status: 409, code: 'quest_draft_not_accepting_entries' });
  });

  it('closable: one active entry per contributor per item; again only after a rejection', async () => {
    const q = await createQuest();
    const item = q.items[0]!.id;
    const first = await as(bob)('POST', `/quests/${q.id}/entries/create`, { entry: { item_id: item, description: 'done it' } });
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ status: 'submitted', description: { text: 'done it' }, review: null });
    const dup = await as(bob)('POST', `/quests/${q.id}/entries/create`, { entry: { item_id: item } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('active_entry_exists');
    // another contributor may still submit for the same item
    expect((await as(alice)('POST', `/quests/${q.id}/entries/create`, { entry: { item_id: item } })).status).toBe(200);
    const reject = await as(bot)('PUT', `/quests/${q.id}/entries/${first.body.data.id}/review`, { status: 'rejected', review: 'not yet' });
    expect(reject.body.data).toMatchObject({ status: 'rejected', review: { text: 'not yet' }, reviewer_id: sandbox().bot.id });
    expect((await as(bob)('POST', `/quests/${q.id}/entries/create`, { entry: { item_id: item } })).status).toBe(200);
  });

  it('refuses an asset already in an active entry of the quest', async () => {
    const q = await createQuest();
    const assets = { report: SEED_IDS.post };
    const ok1 = await as(bob)('POST', `/quests/${q.id}/entries/create`, { entry: { item_id: q.items[0]!.id, assets } });
    expect(ok1.body.data.assets).toEqual({ report: { asset_id: SEED_IDS.post, asset_type: 'post' } });
    const clash = await as(alice)('POST', `/quests/${q.id}/entries/create`, { entry: { item_id: q.items[1]!.id, assets } });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('asset_in_active_entry');
  });

  it('review accept sets reviewer, review, item done and completed_entry_id; only managers review', async () => {
    const q = await createQuest();
    const item = q.items[1]!.id;
    const entry = (await as(bob)('POST', `/quests/${q.id}/entries/create`, { entry: { item_id: item } })).body.data;
    const denied = await as(bob)('PUT', `/quests/${q.id}/entries/${entry.id}/review`, { status: 'accepted' });
    expect(denied.status).toBe(403);
    const bad = await as(bot)('PUT', `/quests/${q.id}/entries/${entry.id}/review`, { status: 'maybe' });
    expect(bad.status).toBe(400);
    const res = await as(bot)('PUT', `/quests/${q.id}/entries/${entry.id}/review`, {
      status: 'accepted',
      review: { json: { type: 'doc', content: [] }, text: 'great' },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'accepted', reviewer_id: sandbox().bot.id, review: { text: 'great' } });
    expect(res.body.data.reviewed_at).toEqual(expect.any(String));
    expect(res.body.data.updated_at).toBe(res.body.data.reviewed_at);
    const detail = (await as(bot)('GET', `/quests/${q.id}`)).body.data;
    expect(detail.items.find((i: { id: string }) => i.id === item)).toMatchObject({ status: 'done', completed_entry_id: entry.id });
    expect(detail.progress).toMatchObject({ resolved: 1, remaining: 1 });
    const late = await as(alice)('POST', `/quests/${q.id}/entries/create`, { entry: { item_id: item } });
    expect(late.status).toBe(409);
  });

  it('closing a quest stops entries', async () => {
    const q = await createQuest();
    const closed = await as(bot)('PUT', `/quests/${q.id}`, { quest: { status: 'closed' } });
    expect(closed.body.data.quest).toMatchObject({ status: 'closed', closed_at: expect.any(String) });
    const res = await as(bob)('POST', `/quests/${q.id}/entries/create`, { entry: { item_id: q.items[0]!.id } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('quest_not_open');
  });

  it('lists entries with status filter and offset pagination (hasMore, total)', async () => {
    const q = await createQuest({ type: 'continuous' });
    for (let i = 0; i < 5; i++) {
      expect((await as(bob)('POST', `/quests/${q.id}/entries/create`, { entry: { item_id: q.items[0]!.id } })).status).toBe(200);
    }
    const seen: string[] = [];
    for (let offset = 0; ; offset += 2) {
      const page = await as(bot)('GET', `/quests/${q.id}/entries?status=submitted&limit=2&offset=${offset}`);
      expect(page.body.pagination).toMatchObject({ offset, limit: 2, total: 5 });
      seen.push(...page.body.data.map((e: { id: string }) => e.id));
      if (!page.body.pagination.hasMore) break;
    }
    expect(new Set(seen).size).toBe(5);
    expect((await as(bot)('GET', `/quests/${q.id}/entries?status=accepted`)).body.data).toEqual([]);
    expect((await as(bot)('GET', `/quests/${q.id}/entries?status=pending`)).status).toBe(400);
  });

  it('seeds "Measure Curie temperatures" with entries in every status', async () => {
    const q = (await as(bot)('GET', `/quests/${SEED_IDS.quest}`)).body.data;
    expect(q.name).toBe('Measure Curie temperatures');
    expect(q.items).toHaveLength(3);
    const entries = (await as(bot)('GET', `/quests/${SEED_IDS.quest}/entries`)).body.data as { status: string }[];
    expect(entries.map((e) => e.status).sort()).toEqual(['accepted', 'rejected', 'submitted']);
  });
});
