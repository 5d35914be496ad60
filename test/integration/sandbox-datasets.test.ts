import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS } from '../../src/sandbox/index.ts';
import { SCREENING_ROW_COUNT } from '../../src/sandbox/seed-data.ts';
import { ouroFetch, sandboxToken, withSandbox } from '../helpers/sandbox.ts';

const PG = process.env.TEST_DATABASE_URL;

describe.skipIf(!PG)('sandbox datasets on PostgreSQL (TEST_DATABASE_URL)', () => {
  // 1 s instead of Ouro's 10 s so the timeout case stays short.
  const sandbox = withSandbox({ seed: 'demo', queryTimeoutMs: 1_000 });
  let token = '';
  const sql = (query: string, id: string = SEED_IDS.datasetScreening) => ouroFetch(sandbox(), token, 'POST', `/datasets/${id}/query-custom`, { query });

  beforeAll(async () => {
    token = await sandboxToken(sandbox());
  });

  it('runs an aggregate over {{table}} with real PostgreSQL results', async () => {
    const res = await sql('SELECT count(*) AS n, count(mae_ev) AS with_mae, count(notes) AS with_notes FROM {{table}}');
    expect(res.status).toBe(200);
    expect(res.body.error).toBeNull();
    const [row] = res.body.data;
    expect(row.n).toBe(SCREENING_ROW_COUNT);
    expect(row.with_mae).toBeLessThan(SCREENING_ROW_COUNT); // NULLs are real NULLs
    expect(row.with_notes).toBeGreaterThan(0);
  });

  it('supports date_trunc on timestamptz and returns ISO timestamps', async () => {
    const res = await sql("SELECT date_trunc('week', started_at) AS week, count(*) AS n FROM {{table}} GROUP BY 1 ORDER BY 1 LIMIT 2");
    expect(res.status).toBe(200);
    expect(res.body.data[0]).toEqual({ week: '2026-01-05T00:00:00.000Z', n: expect.any(Number) });
    expect(Date.parse(res.body.data[1].week) - Date.parse(res.body.data[0].week)).toBe(7 * 86_400_000);
  });

  it('answers a bad column with 400, SQLSTATE 42703 and PostgreSQL’s hint', async () => {
    const res = await sql('SELECT mae_e FROM {{table}}');
    expect(res.status).toBe(400);
    expect(res.body.data).toBeNull();
    expect(res.body.error).toMatchObject({ status: 400, code: '42703', message: 'Query failed: column "mae_e" does not exist' });
    expect(res.body.error.hint).toMatch(/Perhaps you meant to reference the column .*mae_ev/);
  });

  it('refuses writes: non-SELECT statements and data-modifying CTEs get 25006', async () => {
    for (const q of ['DELETE FROM {{table}}', 'DROP TABLE {{table}}', 'WITH gone AS (DELETE FROM {{table}} RETURNING 1) SELECT count(*) FROM gone']) {
      const res = await sql(q);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code, q).toBe('25006');
      expect(res.body.error.message, q).toMatch(/^Query failed: /);
    }
    const after = await sql('SELECT count(*) AS n FROM {{table}}');
    expect(after.body.data[0].n).toBe(SCREENING_ROW_COUNT);
  });

  it('refuses several statements in one query', async () => {
    const res = await sql('SELECT 1; SELECT 2');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('42601');
  });

  it('cancels a query at the statement timeout with PostgreSQL’s 57014 message', async () => {
    const started = Date.now();
    const res = await sql('SELECT pg_sleep(5), count(*) FROM {{table}}');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: '57014', message: 'Query failed: canceling statement due to statement timeout' });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('describes the schema, stats and paged rows', async () => {
    const schema = await ouroFetch(sandbox(), token, 'GET', `/datasets/${SEED_IDS.datasetScreening}/schema`);
    expect(schema.body.data).toContainEqual({ column_name: 'started_at', data_type: 'timestamp with time zone', semantic_type: null, enum_values: null });
    expect(schema.body.data).toContainEqual(expect.objectContaining({ column_name: 'method', semantic_type: 'enum' }));
    const stats = await ouroFetch(sandbox(), token, 'GET', `/datasets/${SEED_IDS.datasetScreening}/stats`);
    expect(stats.body.data.count).toBe(SCREENING_ROW_COUNT);
    const page = await ouroFetch(sandbox(), token, 'GET', `/datasets/${SEED_IDS.datasetScreening}/data?limit=100&offset=1150`);
    expect(page.body.data).toHaveLength(50);
    expect(page.body.pagination).toEqual({ offset: 1150, limit: 100, hasMore: false, total: SCREENING_ROW_COUNT });
  });

  it('creates a dataset from a pandas-style schema, ingests rows, appends and queries them', async () => {
    const create = await ouroFetch(sandbox(), token, 'POST', '/datasets/create/from-schema', {
      dataset: {
        name: 'Bench Results',
        visibility: 'private',
        schema: 'CREATE TABLE IF NOT EXISTS datasets."dataset" (\n"Sample" TEXT,\n  "score" REAL,\n "measuredAt" TIMESTAMP\n)',
        rows: [
          { Sample: 'A', score: 0.82, measuredAt: '2026-02-01T10:00:00Z', extra: 1 },
          { Sample: 'B', score: 0.91, measuredAt: '2026-02-02T10:00:00Z' },
        ],
      },
    });
    expect(create.status).toBe(200);
    expect(create.body.row_ingest).toEqual({ inserted: 2, skipped: 0 });
    expect(create.body.warning.ignored_columns).toEqual([{ column: 'extra', count: 1 }]);
    expect(create.body.data.metadata.columns).toEqual(['sample', 'score', 'measured_at']);
    const id = create.body.data.id;
    const append = await ouroFetch(sandbox(), token, 'POST', `/datasets/${id}/data`, {
      rows: [{ sample: 'C', score: 0.5, measured_at: null }],
      mode: 'append',
    });
    expect(append.body.data).toEqual({ inserted: 1, skipped: 0, mode: 'append' });
    const res = await sql('SELECT sample, score FROM {{table}} ORDER BY score DESC', id);
    expect(res.body.data).toEqual([
      { sample: 'B', score: expect.closeTo(0.91, 5) },
      { sample: 'A', score: expect.closeTo(0.82, 5) },
      { sample: 'C', score: 0.5 },
    ]);
    const badType = await ouroFetch(sandbox(), token, 'POST', `/datasets/${id}/data`, { rows: [{ sample: 'D', score: 'high' }] });
    expect(badType.status).toBe(400);
    expect(badType.body.error.code).toBe('22P02');
    expect(sandbox().state.datasetRows[id]).toHaveLength(3);
  });

  it('keeps its tables in its own schema, and a query on one dataset cannot read another’s table', async () => {
    expect((await sql('SELECT count(*) AS n FROM {{table}}', SEED_IDS.datasetPrivate)).status).toBe(200);
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    let schemas: string[];
    try {
      // Other test files' sandboxes may have their own schema with the same table names.
      const r = await client.query<{ table_schema: string }>(
        "SELECT table_schema FROM information_schema.tables WHERE table_name = 'proprietary_alloys' AND table_schema LIKE 'sandbox_%'",
      );
      schemas = r.rows.map((x) => x.table_schema);
    } finally {
      await client.end();
    }
    expect(schemas.length).toBeGreaterThanOrEqual(1);
    for (const schema of schemas) {
      const res = await sql(`SELECT * FROM "${schema}".proprietary_alloys`, SEED_IDS.datasetPenguins);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('42501');
      expect(res.body.error.message).toMatch(/^Query failed: permission denied/);
    }
  });

  it('shows the other org’s private dataset to the bot (a member) but not to alice', async () => {
    expect((await sql('SELECT count(*) AS n FROM {{table}}', SEED_IDS.datasetPrivate)).body.data).toEqual([{ n: 4 }]);
    const aliceToken = await sandboxToken(sandbox(), sandbox().userApiKeys.alice);
    const res = await ouroFetch(sandbox(), aliceToken, 'GET', `/datasets/${SEED_IDS.datasetPrivate}`);
    expect(res.status).toBe(404);
    const q = await ouroFetch(sandbox(), aliceToken, 'POST', `/datasets/${SEED_IDS.datasetPrivate}/query-custom`, { query: 'SELECT * FROM {{table}}' });
    expect(q.status).toBe(404);
  });
});
