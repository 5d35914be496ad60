/**
 * The real Ouro client over HTTP against the Ouro sandbox (src/sandbox): every facade
 * method at least once, plus token refresh, 401 recovery, 429, 200-with-error, SQL errors
 * and timeouts. Assertions look at what the sandbox stored and the requests it received.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  OuroBadRequestError,
  OuroConflictError,
  OuroNotFoundError,
  OuroTimeoutError,
  createOuroClient,
  type OuroClient,
  type OuroClientOptions,
} from '../../src/ouro/index.ts';
import { SEED_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { sleep } from '../helpers/eventually.ts';

const PG = process.env.TEST_DATABASE_URL;

let sandbox: Sandbox;
const clients: OuroClient[] = [];

function client(extra: Partial<OuroClientOptions> = {}, apiKey = sandbox.apiKey): OuroClient {
  const c = createOuroClient({ baseUrl: sandbox.url, apiKey, backoffBaseMs: 5, backoffCapMs: 20, ...extra });
  clients.push(c);
  return c;
}
/** Requests the sandbox received since `from` for `METHOD /path`. */
const received = (key: string, from = 0) => sandbox.requests.slice(from).filter((r) => `${r.method} ${r.path}` === key);

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', databaseUrl: PG });
});
afterEach(async () => {
  sandbox.faults.clear();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await sandbox.close();
});

describe('identity, users, teams, organizations', () => {
  it('auth.whoami returns the bot; auth.token is the raw JWT', async () => {
    const c = client();
    const me = await c.auth.whoami();
    expect(me.id).toBe(sandbox.bot.id);
    expect(me.username).toBe(sandbox.bot.username);
    expect((await c.auth.token()).split('.')).toHaveLength(3);
    expect(received('POST /users/get-token')).not.toHaveLength(0);
  });

  it('users.search and users.get by username and by id', async () => {
    const c = client();
    const hits = await c.users.search('ali');
    expect(hits.map((u) => u.username)).toContain('alice');
    const byName = await c.users.get('alice');
    expect(byName).toMatchObject({ id: SEED_IDS.alice, user_id: SEED_IDS.alice, username: 'alice' });
    expect((await c.users.get(SEED_IDS.alice)).username).toBe('alice');
    await expect(c.users.get('nobody_here')).rejects.toBeInstanceOf(OuroNotFoundError);
  });

  it('teams.list (joined, by org), teams.get, organizations.list/get', async () => {
    const c = client();
    const joined = await c.teams.list({ joined: true });
    expect(joined.map((t) => t.id)).toContain(SEED_IDS.teamMaterials);
    const inLab = await c.teams.list({ orgId: SEED_IDS.orgLab });
    expect(inLab.every((t) => t.org_id === SEED_IDS.orgLab)).toBe(true);
    expect((await c.teams.get(SEED_IDS.teamMaterials)).id).toBe(SEED_IDS.teamMaterials);
    const orgs = await c.organizations.list();
    expect(orgs.map((o) => o.id)).toEqual(expect.arrayContaining([SEED_IDS.orgLab, SEED_IDS.orgHelix]));
    expect((await c.organizations.get(SEED_IDS.orgLab)).id).toBe(SEED_IDS.orgLab);
  });
});

describe('conversations and messages', () => {
  it('creates, reads, lists and updates a conversation', async () => {
    const c = client();
    const conv = await c.conversations.create({ name: '#lab (Slack)', summary: 'mirror', orgId: SEED_IDS.orgLab, members: [sandbox.bot.id, SEED_IDS.alice] });
    expect(conv.members).toEqual([sandbox.bot.id, SEED_IDS.alice]);
    const stored = sandbox.state.conversations.find((x) => x.id === conv.id);
    expect(stored?.metadata.members).toEqual([sandbox.bot.id, SEED_IDS.alice]);
    expect((await c.conversations.get(conv.id)).name).toBe('#lab (Slack)');
    const listed = await c.conversations.list({ limit: 200 });
    expect(listed.items.map((x) => x.id)).toContain(conv.id);
    const updated = await c.conversations.update(conv.id, { name: '#lab-renamed', members: [sandbox.bot.id, SEED_IDS.alice, SEED_IDS.bob] });
    expect(updated.name).toBe('#lab-renamed');
    expect(sandbox.state.conversations.find((x) => x.id === conv.id)?.metadata.members).toContain(SEED_IDS.bob);
  });

  it('creates a message with a client UUIDv7 and a local doc, edits it, lists ascending with a before cursor', async () => {
    const c = client();
    const conv = await c.conversations.create({ orgId: SEED_IDS.orgLab, members: [sandbox.bot.id] });
    const m1 = await c.messages.create(conv.id, { text: '**bob** (Slack): hello `{@alice}`' });
    expect(m1.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    const stored = sandbox.state.messages.find((m) => m.id === m1.id);
    expect(stored?.json).toMatchObject({ type: 'doc', content: [{ type: 'paragraph' }] });
    expect(JSON.stringify(stored?.json)).toContain('"mention"');

    const edited = await c.messages.update(conv.id, m1.id, { text: 'hello (edited)' });
    expect(edited.text).toBe('hello (edited)');
    expect(sandbox.state.messages.find((m) => m.id === m1.id)?.text).toBe('hello (edited)');

    for (let i = 0; i < 4; i++) await sandbox.postAs('alice', conv.id, `reply ${i}`);
    const page1 = await c.messages.list(conv.id, { limit: 3 });
    expect(page1.messages.map((m) => m.text)).toEqual(['reply 1', 'reply 2', 'reply 3']);
    expect(page1.hasMore).toBe(true);
    const page2 = await c.messages.list(conv.id, { limit: 3, before: page1.nextBefore });
    expect(page2.messages.map((m) => m.text)).toEqual(['hello (edited)', 'reply 0']);
    expect(page2.hasMore).toBe(false);
    const times = [...page2.messages, ...page1.messages].map((m) => Date.parse(m.created_at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('a message create is retried after a 500 with the same id: one stored message', async () => {
    const c = client();
    const conv = await c.conversations.create({ orgId: SEED_IDS.orgLab, members: [sandbox.bot.id] });
    const from = sandbox.requests.length;
    sandbox.faults.add({ route: `POST /conversations/${conv.id}/messages/create`, mode: '500', times: 1 });
    const m = await c.messages.create(conv.id, { text: 'once' });
    expect(received(`POST /conversations/${conv.id}/messages/create`, from)).toHaveLength(2);
    expect(sandbox.state.messages.filter((x) => x.conversation_id === conv.id && x.text === 'once').map((x) => x.id)).toEqual([m.id]);
  });
});

describe('utilities, search, posts', () => {
  it('utilities.markdownToDoc uses the server converter', async () => {
    const out = await client().utilities.markdownToDoc('# Title\n\ntext');
    expect(out.json.content[0]).toMatchObject({ type: 'heading', attrs: { level: 1 } });
    expect(out.markdown).toBe('# Title\n\ntext');
    expect(received('POST /utilities/convert/from-markdown')).not.toHaveLength(0);
  });

  it('assets.search applies the JSON filters', async () => {
    const c = client();
    const datasets = await c.assets.search({ filters: { asset_type: 'dataset', team_id: '' }, limit: 50 });
    expect(datasets.items.length).toBeGreaterThan(0);
    expect(datasets.items.every((a) => a.asset_type === 'dataset')).toBe(true);
    const quests = await c.assets.search({ query: '', filters: { asset_type: 'quest' } });
    expect(quests.items.every((a) => a.asset_type === 'quest')).toBe(true);
  });

  it('posts: createFromMarkdown (two calls), get, downloadMarkdown', async () => {
    const c = client();
    const from = sandbox.requests.length;
    const post = await c.posts.createFromMarkdown({ name: 'Weekly notes', markdown: '# Week 19\n\nAll **good**.', orgId: SEED_IDS.orgLab });
    expect(received('POST /utilities/convert/from-markdown', from)).toHaveLength(1);
    expect(received('POST /posts/create', from)).toHaveLength(1);
    const got = await c.posts.get(post.id);
    expect(got.content?.text).toBe('# Week 19\n\nAll **good**.');
    const md = await c.posts.downloadMarkdown(post.id);
    expect(md).toContain('Week 19');
    expect(md).toContain('**good**');
  });
});

describe('quests', () => {
  it('create, get, update, items, addItems, updateItem, submit, entries, review, close', async () => {
    const bot = client();
    const alice = client({}, sandbox.userApiKeys.alice!);
    const q = await bot.quests.create({
      name: 'Measure Tc',
      description: 'Collect **Curie** temperatures',
      orgId: SEED_IDS.orgLab,
      visibility: 'organization',
      items: [{ description: 'Relax Fe2Ni' }],
    });
    expect(q.quest).toMatchObject({ type: 'closable', status: 'open' });
    expect(q.items.map((i) => i.description.text)).toEqual(['Relax Fe2Ni']);
    expect(sandbox.state.quests.find((x) => x.id === q.id)?.description?.json).toMatchObject({ type: 'doc' });

    const added = await bot.quests.addItems(q.id, [{ description: 'Measure Tc' }]);
    expect(added).toHaveLength(1);
    const items = await bot.quests.items(q.id);
    expect(items.map((i) => i.description.text)).toEqual(['Relax Fe2Ni', 'Measure Tc']);
    const renamed = await bot.quests.updateItem(q.id, added[0]!.id, { description: 'Measure Tc (K)' });
    expect(renamed.description.text).toBe('Measure Tc (K)');
    expect((await bot.quests.update(q.id, { name: 'Measure Curie Tc' })).name).toBe('Measure Curie Tc');

    const e1 = await alice.quests.submit(q.id, { itemId: items[0]!.id, description: 'relaxed, see notes' });
    const e2 = await alice.quests.submit(q.id, { itemId: added[0]!.id, description: '866 K' });
    expect(e1).toMatchObject({ status: 'submitted', item_id: items[0]!.id, user_id: SEED_IDS.alice, assets: null });
    expect(e1.description?.text).toBe('relaxed, see notes');
    await expect(alice.quests.submit(q.id, { itemId: items[0]!.id })).rejects.toBeInstanceOf(OuroConflictError);

    const page = await bot.quests.entriesPage(q.id, { limit: 1 });
    expect(page).toMatchObject({ hasMore: true, limit: 1, offset: 0 });
    const from = sandbox.requests.length;
    const all = await bot.quests.entries(q.id, { status: 'submitted' });
    expect(all.map((e) => e.id).sort()).toEqual([e1.id, e2.id].sort());

    const accepted = await bot.quests.review(q.id, e2.id, { status: 'accepted', review: 'looks **good**' });
    expect(accepted).toMatchObject({ status: 'accepted', reviewer_id: sandbox.bot.id });
    expect(accepted.review?.text).toBe('looks **good**');
    expect((await bot.quests.entries(q.id, { status: 'accepted' })).map((e) => e.id)).toEqual([e2.id]);
    expect(received(`GET /quests/${q.id}/entries`, from).length).toBeGreaterThanOrEqual(2);

    const detail = await bot.quests.get(q.id);
    expect(detail.progress).toMatchObject({ total: 2 });
    const closed = await bot.quests.close(q.id);
    expect(closed.quest.status).toBe('closed');
    expect(sandbox.state.quests.find((x) => x.id === q.id)?.quest.status).toBe('closed');
  });
});

describe('transport behaviour against the sandbox', () => {
  it('re-exchanges the PAT before each call when the token lives < 300 s', async () => {
    const short = await startSandbox({ seed: 'none', tokenTtlSeconds: 120 });
    try {
      const c = createOuroClient({ baseUrl: short.url, apiKey: short.apiKey });
      await c.auth.whoami();
      await c.auth.whoami();
      await c.auth.whoami();
      await c.close();
      const keys = short.requests.map((r) => `${r.method} ${r.path}`);
      expect(keys).toEqual(['POST /users/get-token', 'GET /user', 'POST /users/get-token', 'GET /user', 'POST /users/get-token', 'GET /user']);
    } finally {
      await short.close();
    }
  });

  it('an expired token (401) triggers exactly one re-exchange and one repeat', async () => {
    const short = await startSandbox({ seed: 'none', tokenTtlSeconds: 1 });
    try {
      // The client's clock runs 10 min behind, so it believes its 1 s token is still fresh.
      const c = createOuroClient({ baseUrl: short.url, apiKey: short.apiKey, now: () => Date.now() - 600_000 });
      await c.auth.whoami();
      const exp = (JSON.parse(Buffer.from((await c.auth.token()).split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
      await sleep(Math.max(0, exp * 1000 - Date.now()) + 50);
      expect((await c.auth.whoami()).id).toBe(short.bot.id);
      await c.close();
      expect(short.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'POST /users/get-token',
        'GET /user',
        'GET /user',
        'POST /users/get-token',
        'GET /user',
      ]);
    } finally {
      await short.close();
    }
  });

  it('429 with Retry-After: 1 is waited out, then the call succeeds', async () => {
    const c = client();
    await c.auth.whoami();
    const from = sandbox.requests.length;
    sandbox.faults.add({ route: 'GET /teams', mode: '429', retryAfterSeconds: 1, times: 1 });
    const t0 = Date.now();
    await c.teams.list();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    const hits = received('GET /teams', from);
    expect(hits).toHaveLength(2);
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('200-with-error carrying status 404 → OuroNotFoundError, not retried', async () => {
    const c = client();
    const from = sandbox.requests.length;
    sandbox.faults.add({ route: `GET /quests/${SEED_IDS.quest}`, mode: '200-error', errorStatus: 404, times: 1 });
    const err = await c.quests.get(SEED_IDS.quest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OuroNotFoundError);
    expect(err).toMatchObject({ code: 'sandbox_fault', url: `/quests/${SEED_IDS.quest}` });
    expect(received(`GET /quests/${SEED_IDS.quest}`, from)).toHaveLength(1);
  });

  it('a dropped connection on a GET is retried', async () => {
    const c = client();
    await c.auth.whoami();
    const from = sandbox.requests.length;
    sandbox.faults.add({ route: '/organizations/user', mode: 'drop', times: 1 });
    expect((await c.organizations.list()).length).toBeGreaterThan(0);
    expect(received('GET /organizations/user', from)).toHaveLength(2);
  });
});

describe.skipIf(!PG)('datasets (PostgreSQL via TEST_DATABASE_URL)', () => {
  it('get, schema, stats, data, query', async () => {
    const c = client();
    const ds = await c.datasets.get(SEED_IDS.datasetPenguins);
    expect(ds.asset_type).toBe('dataset');
    const cols = await c.datasets.schema(ds.id);
    expect(cols.map((x) => x.name)).toContain('species');
    const { count } = await c.datasets.stats(ds.id);
    expect(count).toBeGreaterThan(0);
    const page = await c.datasets.data(ds.id, { limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.hasMore).toBe(true);
    const rows = await c.datasets.query(ds.id, 'SELECT species, count(*)::int AS n FROM {{table}} GROUP BY species ORDER BY species');
    expect(rows.reduce((n, r) => n + Number(r.n), 0)).toBe(count);
  });

  it('a SQL error surfaces SQLSTATE code and hint', async () => {
    const err = await client()
      .datasets.query(SEED_IDS.datasetPenguins, 'SELECT specie FROM {{table}}')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OuroBadRequestError);
    expect(err).toMatchObject({ status: 400, code: '42703' });
    expect((err as Error).message).toMatch(/^Query failed: column "specie" does not exist/);
    expect((err as OuroBadRequestError).hint).toMatch(/species/);
  });

  it('write SQL is refused (400) and not retried', async () => {
    const from = sandbox.requests.length;
    const err = await client()
      .datasets.query(SEED_IDS.datasetPenguins, 'DELETE FROM {{table}}')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OuroBadRequestError);
    expect((err as Error).message).toMatch(/read-only/);
    expect(received(`POST /datasets/${SEED_IDS.datasetPenguins}/query-custom`, from)).toHaveLength(1);
  });

  it('a query that outlives the client timeout is reported once, never repeated', async () => {
    const c = client({ timeoutMs: 300 });
    await c.auth.whoami();
    const from = sandbox.requests.length;
    sandbox.faults.add({ route: `POST /datasets/${SEED_IDS.datasetPenguins}/query-custom`, mode: 'slow', delayMs: 1500, times: 1 });
    const err = await c.datasets.query(SEED_IDS.datasetPenguins, 'SELECT 1 FROM {{table}} LIMIT 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OuroTimeoutError);
    expect(received(`POST /datasets/${SEED_IDS.datasetPenguins}/query-custom`, from)).toHaveLength(1);
  });

  it('create (inline rows), appendRows, update', async () => {
    const c = client();
    const ds = await c.datasets.create({
      name: 'screening results',
      description: 'from **tests**',
      orgId: SEED_IDS.orgLab,
      rows: [{ sample: 'A', score: 0.5 }],
    });
    expect(sandbox.state.datasets.find((d) => d.id === ds.id)).toBeDefined();
    const { inserted } = await c.datasets.appendRows(ds.id, [
      { sample: 'B', score: 0.75 },
      { sample: 'C', score: 1.5 },
    ]);
    expect(inserted).toBe(2);
    expect((await c.datasets.stats(ds.id)).count).toBe(3);
    const rows = await c.datasets.query(ds.id, 'SELECT sample FROM {{table}} ORDER BY sample');
    expect(rows.map((r) => r.sample)).toEqual(['A', 'B', 'C']);
    const updated = await c.datasets.update(ds.id, { visibility: 'organization' });
    expect(updated.visibility).toBe('organization');
  });
});
