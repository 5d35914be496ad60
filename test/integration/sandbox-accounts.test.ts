import { describe, expect, it } from 'vitest';
import { SEED_IDS, SEED_KEYS } from '../../src/sandbox/seed.ts';
import { ouroFetch, sandboxToken, withSandbox } from '../helpers/sandbox.ts';

/** Per-person keys in the demo seed, per-person visibility and review rights, key revocation. */
const sandbox = withSandbox({ seed: 'demo' });

describe('sandbox accounts', () => {
  it('every seeded person has a key of their own that names them', async () => {
    for (const name of ['alice', 'bob', 'carol'] as const) {
      expect(sandbox().userApiKeys[name]).toBe(SEED_KEYS[name]);
      const me = await ouroFetch(sandbox(), await sandboxToken(sandbox(), SEED_KEYS[name]), 'GET', '/user');
      expect(me.body.data).toMatchObject({ id: SEED_IDS[name], username: name });
    }
  });

  it('a private team dataset is visible to its team members only', async () => {
    const path = `/datasets/${SEED_IDS.datasetBench}`;
    expect((await ouroFetch(sandbox(), await sandboxToken(sandbox(), SEED_KEYS.bob), 'GET', path)).status).toBe(200);
    expect((await ouroFetch(sandbox(), await sandboxToken(sandbox()), 'GET', path)).status).toBe(404);
    expect((await ouroFetch(sandbox(), await sandboxToken(sandbox(), SEED_KEYS.carol), 'GET', path)).status).toBe(404);
  });

  it('review is for the quest owner or an org admin: a plain member gets 403', async () => {
    const bob = await sandboxToken(sandbox(), SEED_KEYS.bob);
    const res = await ouroFetch(sandbox(), bob, 'PUT', `/quests/${SEED_IDS.quest}/entries/${SEED_IDS.entrySubmitted}/review`, { status: 'rejected' });
    expect(res.status).toBe(403);
    expect(sandbox().state.entries.find((e) => e.id === SEED_IDS.entrySubmitted)?.status).toBe('submitted');
  });

  it('a revoked key cannot be exchanged, and its live sessions get 401 at once', async () => {
    const key = sandbox().addUser('dave').apiKey;
    const token = await sandboxToken(sandbox(), key);
    expect((await ouroFetch(sandbox(), token, 'GET', '/user')).status).toBe(200);
    const revoke = await fetch(`${sandbox().url}/_sandbox/revoke-key`, {
      method: 'POST',
      body: JSON.stringify({ key }),
      headers: { 'content-type': 'application/json' },
    });
    expect(revoke.status).toBe(200);
    expect((await ouroFetch(sandbox(), token, 'GET', '/user')).status).toBe(401);
    expect((await ouroFetch(sandbox(), undefined, 'POST', '/users/get-token', { pat: key })).status).toBe(401);
  });
});
