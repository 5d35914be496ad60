import { describe, expect, it } from 'vitest';
import { SEED_IDS, startSandbox } from '../../src/sandbox/index.ts';
import { ouroFetch, sandboxToken } from '../helpers/sandbox.ts';

// Embedded PGlite (no databaseUrl) takes ~4 s to start on an idle machine (measured 3.6 s;
// 17.6 s with the shared 2 cores under load 15), so this file holds one test with a long timeout.
describe('sandbox datasets on embedded PGlite', () => {
  it('starts PGlite lazily on first dataset use and answers with PostgreSQL semantics', async () => {
    const sandbox = await startSandbox({ seed: 'demo' });
    try {
      const token = await sandboxToken(sandbox);
      // Metadata reads do not need the engine.
      const stats = await ouroFetch(sandbox, token, 'GET', `/datasets/${SEED_IDS.datasetPenguins}/stats`);
      expect(stats.body.data.count).toBe(36);
      const res = await ouroFetch(sandbox, token, 'POST', `/datasets/${SEED_IDS.datasetPenguins}/query-custom`, {
        query: 'SELECT species, count(*) AS n, round(avg(body_mass_g)) AS mass FROM {{table}} GROUP BY species ORDER BY species',
      });
      expect(res.status).toBe(200);
      expect(res.body.data.map((r: { species: string; n: number }) => [r.species, r.n])).toEqual([
        ['adelie', 12],
        ['chinstrap', 12],
        ['gentoo', 12],
      ]);
      expect(res.body.data[2].mass).toBeGreaterThan(res.body.data[0].mass);
      const write = await ouroFetch(sandbox, token, 'POST', `/datasets/${SEED_IDS.datasetPenguins}/query-custom`, {
        query: 'WITH x AS (UPDATE {{table}} SET sex = NULL RETURNING 1) SELECT count(*) FROM x',
      });
      expect(write.status).toBe(400);
      expect(write.body.error.code).toBe('25006');
      const bad = await ouroFetch(sandbox, token, 'POST', `/datasets/${SEED_IDS.datasetPenguins}/query-custom`, { query: 'SELECT nope FROM {{table}}' });
      expect(bad.body.error).toMatchObject({ status: 400, code: '42703', message: 'Query failed: column "nope" does not exist' });
    } finally {
      await sandbox.close();
    }
  }, 90_000);
});
