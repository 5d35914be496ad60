import type { App, RouteModule } from '../app.ts';
import { columnsFromDdl, columnsFromRows, normaliseRows, snakeCase } from '../columns.ts';
import { toRich } from '../markdown.ts';
import { canSee, isOrgMember, presentDataset } from '../present.ts';
import { ApiError, intParam, notFound, objectField, ok, oneOf, optString } from '../router.ts';
import { GLOBAL_ID, uuidv7 } from '../state.ts';
import type { DatasetRec, Row, UserRec, Visibility } from '../state.ts';

/** Datasets: metadata, schema, stats, rows, read-only SQL and writes (docs/ouro-api.md §4.3, §9.4). */

const VISIBILITIES: readonly Visibility[] = ['public', 'private', 'organization', 'monetized'];

function getDataset(app: App, id: string, user: UserRec): DatasetRec {
  const d = app.state.datasets.find((x) => x.id === id);
  if (!d || !canSee(app.state, user, d)) throw notFound('Dataset', id);
  return d;
}

function ownDataset(app: App, id: string, user: UserRec): DatasetRec {
  const d = getDataset(app, id, user);
  if (d.user_id !== user.id) throw new ApiError(403, 'update_forbidden', `Only the owner can change dataset ${id}`);
  return d;
}

function uniqueTableName(app: App, name: string): string {
  const base = snakeCase(name).slice(0, 50);
  let candidate = base;
  for (let n = 2; app.state.datasets.some((d) => d.table_name === candidate); n++) candidate = `${base}_${n}`;
  return candidate;
}

/** Validates and stores rows: into the SQL table first (PostgreSQL checks the types), then into state. */
async function ingest(app: App, d: DatasetRec, input: unknown, mode: 'append' | 'overwrite'): Promise<Record<string, unknown>> {
  const { rows, ignored } = normaliseRows(input, d.columns);
  const current = app.state.datasetRows[d.id] ?? [];
  if (mode === 'overwrite') await app.engine.truncate(d);
  await app.engine.insert(d, mode === 'overwrite' ? [] : current, rows);
  app.state.datasetRows[d.id] = mode === 'overwrite' ? rows : [...current, ...rows];
  d.last_updated = app.clock.iso();
  app.changed();
  const extra: Record<string, unknown> = { row_ingest: { inserted: rows.length, skipped: 0 } };
  if (ignored.size) {
    extra.warning = {
      message: `Ignored ${ignored.size} column(s) not in the dataset schema`,
      ignored_columns: [...ignored].map(([column, count]) => ({ column, count })),
    };
  }
  return extra;
}

export const datasetsRoutes: RouteModule = (r, app) => {
  const s = app.state;

  r.add('GET', '/datasets/:id', (ctx) => ok(presentDataset(s, getDataset(app, ctx.params.id!, ctx.user))));

  r.add('GET', '/datasets/:id/schema', (ctx) => {
    const d = getDataset(app, ctx.params.id!, ctx.user);
    return ok(
      d.columns.map((c) => ({
        column_name: c.name,
        data_type: c.type,
        semantic_type: c.enum_values ? 'enum' : null,
        enum_values: c.enum_values,
      })),
    );
  });

  r.add('GET', '/datasets/:id/stats', (ctx) => {
    const d = getDataset(app, ctx.params.id!, ctx.user);
    return ok({ count: (s.datasetRows[d.id] ?? []).length, columns: d.columns.length, table_name: d.table_name });
  });

  r.add('GET', '/datasets/:id/data', (ctx) => {
    const d = getDataset(app, ctx.params.id!, ctx.user);
    const limit = intParam(ctx.query, 'limit', 100, 1, 1000);
    const offset = intParam(ctx.query, 'offset', 0, 0);
    const rows = s.datasetRows[d.id] ?? [];
    const page = rows.slice(offset, offset + limit);
    return ok(page, { pagination: { offset, limit, hasMore: offset + page.length < rows.length, total: rows.length } });
  });

  r.add('POST', '/datasets/:id/query-custom', async (ctx) => {
    const d = getDataset(app, ctx.params.id!, ctx.user);
    const body = await ctx.body();
    if (typeof body.query !== 'string' || body.query.trim() === '') {
      throw new ApiError(400, 'invalid_body', 'body must be {"query": "SELECT … FROM {{table}}"}');
    }
    return ok(await app.engine.query(d, s.datasetRows[d.id] ?? [], body.query));
  });

  r.add('POST', '/datasets/create/from-schema', async (ctx) => {
    const b = objectField(await ctx.body(), 'dataset');
    const name = optString(b, 'name');
    if (!name) throw new ApiError(400, 'invalid_body', 'dataset.name is required');
    const orgId = optString(b, 'org_id') ?? GLOBAL_ID;
    const teamId = optString(b, 'team_id') ?? GLOBAL_ID;
    if (!isOrgMember(s, orgId, ctx.user.id)) throw new ApiError(403, 'forbidden', `You are not a member of organization ${orgId}`);
    if (teamId !== GLOBAL_ID && !s.teams.some((t) => t.id === teamId && t.org_id === orgId)) {
      throw new ApiError(400, 'invalid_team', `No team ${teamId} in organization ${orgId}`);
    }
    const ddl = optString(b, 'schema');
    const rowsInput = b.rows ?? [];
    const columns = ddl ? columnsFromDdl(ddl) : columnsFromRows(Array.isArray(rowsInput) ? (rowsInput as Row[]) : []);
    const enums = (b.enum_columns ?? {}) as Record<string, { values?: unknown }>;
    for (const c of columns) {
      const values = enums[c.name]?.values;
      if (Array.isArray(values)) c.enum_values = values.map(String);
    }
    const at = app.clock.iso();
    const d: DatasetRec = {
      id: uuidv7(),
      asset_type: 'dataset',
      user_id: ctx.user.id,
      org_id: orgId,
      team_id: teamId,
      name,
      description: toRich(b.description, app.convert),
      visibility: b.visibility === undefined ? 'private' : oneOf(b.visibility, 'dataset.visibility', VISIBILITIES),
      source: 'api',
      license_id: optString(b, 'license_id') ?? null,
      attribution: (b.attribution as Record<string, unknown>) ?? { originality: 'original' },
      table_name: uniqueTableName(app, name),
      columns,
      created_at: at,
      last_updated: at,
    };
    s.datasets.push(d);
    s.datasetRows[d.id] = [];
    let extra: Record<string, unknown> = {};
    try {
      extra = await ingest(app, d, rowsInput, 'append');
    } catch (err) {
      // A dataset whose rows were refused is not created half-way.
      s.datasets.splice(s.datasets.indexOf(d), 1);
      delete s.datasetRows[d.id];
      await app.engine.drop(d).catch(() => {});
      throw err;
    }
    return ok(presentDataset(s, d), extra);
  });

  r.add('POST', '/datasets/:id/data', async (ctx) => {
    const d = ownDataset(app, ctx.params.id!, ctx.user);
    const body = await ctx.body();
    const mode = body.mode === undefined ? 'append' : oneOf(body.mode, 'mode', ['append', 'overwrite', 'upsert'] as const);
    if (mode === 'upsert') {
      throw new ApiError(400, 'upsert_unsupported', 'upsert needs a primary key; sandbox datasets have none', 'Use mode "append" or "overwrite"');
    }
    const extra = await ingest(app, d, body.rows, mode);
    const inserted = (extra.row_ingest as { inserted: number }).inserted;
    return ok({ inserted, skipped: 0, mode }, extra);
  });

  r.add('PUT', '/datasets/:id', async (ctx) => {
    const d = ownDataset(app, ctx.params.id!, ctx.user);
    const b = objectField(await ctx.body(), 'dataset');
    for (const k of ['schema', 'columns', 'table_name', 'org_id', 'team_id']) {
      if (b[k] !== undefined) throw new ApiError(400, 'invalid_body', `${k} cannot be changed with PUT /datasets/{id}`);
    }
    if (b.name !== undefined) d.name = optString(b, 'name') ?? d.name;
    if (b.description !== undefined) d.description = toRich(b.description, app.convert);
    if (b.visibility !== undefined) d.visibility = oneOf(b.visibility, 'dataset.visibility', VISIBILITIES);
    if (b.license_id !== undefined) d.license_id = optString(b, 'license_id') ?? null;
    d.last_updated = app.clock.iso();
    app.changed();
    return ok(presentDataset(s, d));
  });
};
