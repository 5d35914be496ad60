/**
 * The sandbox answers in the shapes Ouro's own client accepts (test/helpers/ouro-schemas.ts,
 * written from ouro-js src/schema), for every endpoint our Ouro client reads, so our tests
 * cannot agree with a wrong sandbox.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { SEED_IDS } from '../../src/sandbox/seed.ts';
import * as S from '../helpers/ouro-schemas.ts';
import { ouroFetch, sandboxToken, withSandbox } from '../helpers/sandbox.ts';

const sandbox = withSandbox({ seed: 'demo' });

/** Ouro's envelope: `{data, error, …}`; paginated lists carry `data` as the array. */
const data = (body: any): unknown => (body && typeof body === 'object' && 'data' in body ? body.data : body);
const items = (body: any): unknown[] => {
  const d = data(body) as any;
  return Array.isArray(d) ? d : (d?.items ?? d?.results ?? d?.messages ?? []);
};

function problems(schema: z.ZodType<unknown>, value: unknown): string[] {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe("sandbox answers parse with Ouro's schemas", () => {
  const get = async (path: string) => {
    const token = await sandboxToken(sandbox());
    const r = await ouroFetch(sandbox(), token, 'GET', path);
    expect(r.status, `${path}: ${JSON.stringify(r.body).slice(0, 200)}`).toBe(200);
    return r.body;
  };

  it.each<[string, () => string, z.ZodType<unknown>]>([
    ['GET /users/{username}: isFollowing, isFollowed', () => '/users/alice', S.readProfile],
    ['GET /organizations/{id}: size is a string', () => `/organizations/${SEED_IDS.orgLab}`, S.organization],
    ['GET /teams/{id}?include_members=true: members carry added_at', () => `/teams/${SEED_IDS.teamMaterials}?include_members=true`, S.team],
    ['GET /teams/{id}: no members unless asked', () => `/teams/${SEED_IDS.teamMaterials}`, S.team],
    ['GET /datasets/{id}: license_id', () => `/datasets/${SEED_IDS.datasetScreening}`, S.asset],
    ['GET /posts/{id}: metadata is an object', () => `/posts/${SEED_IDS.post}`, S.post],
    ['GET /quests/{id}: items have rich-text descriptions', () => `/quests/${SEED_IDS.quest}`, S.quest],
    ['GET /conversations/{id}', () => `/conversations/${SEED_IDS.conversation}`, S.conversation],
  ])('%s', async (_name, path, schema) => {
    expect(problems(schema, data(await get(path())))).toEqual([]);
  });

  it.each<[string, () => string, z.ZodType<unknown>]>([
    ['GET /organizations/user', () => '/organizations/user', S.organization],
    ['GET /teams', () => `/teams?org_id=${SEED_IDS.orgLab}`, S.team],
    ['GET /search/assets', () => '/search/assets?query=&limit=20', S.asset],
    ['GET /quests/{id}/entries', () => `/quests/${SEED_IDS.quest}/entries`, S.entry],
    ['GET /conversations/{id}/messages', () => `/conversations/${SEED_IDS.conversation}/messages`, S.message],
    ['GET /users/search', () => '/users/search?query=a', S.profile],
  ])('%s (every item)', async (_name, path, schema) => {
    const list = items(await get(path()));
    expect(list.length).toBeGreaterThan(0);
    expect(list.flatMap((x, i) => problems(schema, x).map((p) => `[${i}] ${p}`))).toEqual([]);
  });

  it('a global asset created without a license: `license_id` gets a default, `team` is left out', async () => {
    const token = await sandboxToken(sandbox());
    const content = { json: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'hi' }] }] }, text: 'hi' };
    const created = await ouroFetch(sandbox(), token, 'POST', '/posts/create', { post: { name: 'global note' }, content });
    expect(created.status).toBe(200);
    const post = data((await ouroFetch(sandbox(), token, 'GET', `/posts/${(data(created.body) as { id: string }).id}`)).body) as Record<string, unknown>;
    expect(problems(S.post, post)).toEqual([]);
    expect('team' in post).toBe(false);
  });

  it('no asset anywhere says `team: null`', async () => {
    const list = items(await get('/search/assets?query=&limit=50')) as Record<string, unknown>[];
    for (const a of list) expect(a.team === null, `asset ${a.id} has team: null`).toBe(false);
  });
});
