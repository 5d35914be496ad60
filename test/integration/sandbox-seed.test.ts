import { beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS, SEED_KEYS } from '../../src/sandbox/index.ts';
import { ouroFetch, sandboxToken, withSandbox } from '../helpers/sandbox.ts';

const filters = (f: Record<string, unknown>) => encodeURIComponent(JSON.stringify(f));

describe('sandbox demo seed, search, teams, orgs and posts', () => {
  const sandbox = withSandbox({ seed: 'demo' });
  let bot = '';
  let alice = '';
  const get = (path: string, token = bot) => ouroFetch(sandbox(), token, 'GET', path);

  beforeAll(async () => {
    bot = await sandboxToken(sandbox());
    alice = await sandboxToken(sandbox(), sandbox().userApiKeys.alice);
  });

  it('has the bot lab-bridge with the fixed demo key, and humans alice and bob', async () => {
    expect(sandbox().apiKey).toBe(SEED_KEYS.bot);
    expect(sandbox().bot).toEqual({ id: SEED_IDS.bot, username: 'lab-bridge' });
    expect(sandbox().users.alice).toEqual({ id: SEED_IDS.alice, username: 'alice' });
    expect(sandbox().users.bob?.id).toBe(SEED_IDS.bob);
    const found = await get('/users/search?query=ali');
    expect(found.body.data.map((u: { username: string }) => u.username)).toEqual(['alice']);
    expect((await get('/users/bob')).body.data).toMatchObject({ user_id: SEED_IDS.bob, username: 'bob', is_agent: false });
    expect((await get(`/users/${SEED_IDS.alice}`)).body.data.username).toBe('alice');
    expect((await get('/users/nobody')).status).toBe(404);
  });

  it('has org "Ouro Lab" with team "materials", and the bot in both orgs', async () => {
    const orgs = await get('/organizations/user');
    expect(orgs.body.data.map((o: { name: string }) => o.name).sort()).toEqual(['Helix Materials', 'Ouro Lab']);
    const teams = await get(`/teams?org_id=${SEED_IDS.orgLab}&joined=true`);
    expect(teams.body.data).toEqual([
      expect.objectContaining({ id: SEED_IDS.teamMaterials, name: 'materials', org_id: SEED_IDS.orgLab, source_policy: 'any' }),
    ]);
    const team = await get(`/teams/${SEED_IDS.teamMaterials}?include_members=true`);
    expect(team.body.data.members).toHaveLength(3);
    expect((await get(`/organizations/${SEED_IDS.orgLab}`)).body.data).toMatchObject({ name: 'Ouro Lab', membership: { role: 'admin' } });
    expect((await get(`/organizations/${SEED_IDS.orgHelix}`, alice)).status).toBe(404);
  });

  it('finds datasets by search with JSON filters and paginates', async () => {
    const res = await get(`/search/assets?filters=${filters({ asset_type: 'dataset' })}&limit=2`);
    expect(res.status).toBe(200);
    expect(res.body.pagination).toEqual({ offset: 0, limit: 2, hasMore: true, total: 3 });
    const named = await get(`/search/assets?query=screening&filters=${filters({ asset_type: 'dataset', org_id: SEED_IDS.orgLab })}`);
    expect(named.body.data).toEqual([expect.objectContaining({ id: SEED_IDS.datasetScreening, name: 'screening_runs', match_source: 'name' })]);
    const byId = await get(`/search/assets?query=${SEED_IDS.quest}`);
    expect(byId.body.data.map((a: { id: string }) => a.id)).toEqual([SEED_IDS.quest]);
  });

  it('never shows alice the other org’s private dataset; the bot sees it (it is a member)', async () => {
    const q = `/search/assets?filters=${filters({ asset_type: 'dataset' })}`;
    const forAlice = (await get(q, alice)).body.data.map((a: { id: string }) => a.id);
    expect(forAlice).not.toContain(SEED_IDS.datasetPrivate);
    expect(forAlice).toContain(SEED_IDS.datasetPenguins);
    const forBot = (await get(q)).body.data as { id: string; org_id: string; visibility: string }[];
    expect(forBot.find((a) => a.id === SEED_IDS.datasetPrivate)).toMatchObject({ org_id: SEED_IDS.orgHelix, visibility: 'private' });
  });

  it('answers bad search input clearly, and a blank UUID filter with a 500 like Ouro', async () => {
    expect((await get('/search/assets?filters=not-json')).status).toBe(400);
    expect((await get(`/search/assets?filters=${filters({ colour: 'red' })}`)).status).toBe(400);
    const blank = await get(`/search/assets?filters=${filters({ org_id: '' })}`);
    expect(blank.status).toBe(500);
    expect(blank.body.error.code).toBe('22P02');
    const nothing = await get(`/search/assets?filters=${filters({ team_id: null })}`);
    expect(nothing.body.data).toEqual([]);
  });

  it('has a public Markdown post that downloads as an HTML document', async () => {
    const post = await get(`/posts/${SEED_IDS.post}`);
    expect(post.body.data).toMatchObject({ asset_type: 'post', visibility: 'public', content: { text: expect.stringContaining('# Screening week 1') } });
    const dl = await ouroFetch(sandbox(), bot, 'POST', `/assets/${SEED_IDS.post}/download`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toMatch(/^text\/html/);
    expect(dl.headers.get('content-disposition')).toContain('filename*=');
    expect(dl.body).toContain('<h1>Screening week 1</h1>');
    expect(dl.body).toContain('<strong>1,200</strong>');
    expect(dl.body).toContain('<table>');
  });

  it('creates posts and refuses a post without content', async () => {
    const ok = await ouroFetch(sandbox(), bot, 'POST', '/posts/create', {
      post: { name: 'Relay test', visibility: 'private', source: 'api', asset_type: 'post' },
      content: { json: { type: 'doc', content: [] }, text: 'hi' },
    });
    expect(ok.status).toBe(200);
    expect((await get(`/posts/${ok.body.data.id}`, alice)).status).toBe(404);
    expect((await ouroFetch(sandbox(), bot, 'POST', '/posts/create', { post: { name: 'x' } })).status).toBe(400);
  });

  it('has a conversation the bot is a member of, with history', async () => {
    const list = await get('/conversations');
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain(SEED_IDS.conversation);
    const msgs = await get(`/conversations/${SEED_IDS.conversation}/messages`);
    expect(msgs.body.data.map((m: { id: string }) => m.id)).toEqual([...SEED_IDS.messages]);
  });
});
