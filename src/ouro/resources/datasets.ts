/** Datasets: metadata, schema, SQL, rows, create and upload (docs/ouro-api.md §4.3, §9.4). */
import type { DatasetColumnType, OuroClient } from '../client-types.ts';
import { OuroError } from '../errors.ts';
import { asArray, asObject, column, check, page } from '../normalise.ts';
import { seg } from '../query.ts';
import type { Transport } from '../transport.ts';
import type { Dataset } from '../types.ts';
import { rich } from './rich.ts';
import { z } from 'zod';

/** The SDK keeps every upload body at or under this many bytes (docs/ouro-api.md §4.3). */
export const MAX_BODY_BYTES = 1_000_000;
/**
 * The most of one query or rows answer the bridge reads: what it keeps (1,000 rows, see
 * src/commands/query.ts) fits in it at 4 KB a row, and Discord's 10 MiB upload limit is
 * more than the CSV of it needs. Past this, reading stops: a 150 MB answer costs 4 MiB.
 */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
/** Rows kept in `preview` on create (the server shows the first ~12). */
const PREVIEW_ROWS = 12;
/** Ouro stores column names lowercase snake_case. */
const COLUMN_NAME = /^[a-z_][a-z0-9_]*$/;

const insertedSchema = z.looseObject({ inserted: z.number() });
const statsSchema = z.looseObject({ count: z.coerce.number() });
const rowsSchema = z.array(z.record(z.string(), z.unknown()));

export function datasetsResource(t: Transport): OuroClient['datasets'] {
  const dataset = (v: unknown, where: { method: string; path: string }) => asObject<Dataset>(v, where);

  const postRows = async (id: string, rows: Record<string, unknown>[], mode: string, signal?: AbortSignal): Promise<number> => {
    const path = `/datasets/${seg(id)}/data`;
    try {
      const data = await t.call<unknown>({ method: 'POST', path, body: { rows, mode }, signal });
      return Number(check(insertedSchema, data, { method: 'POST', path }, 'data').inserted);
    } catch (e) {
      // Payload too large: the SDK halves the batch and tries again (docs/ouro-api.md §4.3).
      if (e instanceof OuroError && e.status === 413 && rows.length > 1) {
        const half = Math.ceil(rows.length / 2);
        const first = await postRows(id, rows.slice(0, half), mode, signal);
        return first + (await postRows(id, rows.slice(half), mode === 'overwrite' ? 'append' : mode, signal));
      }
      throw e;
    }
  };

  return {
    async get(id, signal) {
      const path = `/datasets/${seg(id)}`;
      return dataset(await t.call({ method: 'GET', path, signal }), { method: 'GET', path });
    },
    async schema(id, signal) {
      const where = { method: 'GET', path: `/datasets/${seg(id)}/schema` };
      return asArray(await t.call({ method: 'GET', path: where.path, signal }), where).map((c) => column(c, where));
    },
    async stats(id, signal) {
      const where = { method: 'GET', path: `/datasets/${seg(id)}/stats` };
      const data = check(statsSchema, await t.call({ method: 'GET', path: where.path, signal }), where, 'data');
      return { ...data, count: data.count };
    },
    async query(id, sql, signal) {
      const where = { method: 'POST', path: `/datasets/${seg(id)}/query-custom` };
      // Read-only on the server, so a 429/503 may be repeated; a timeout is not (the query may be heavy).
      const data = await t.call({
        method: 'POST',
        path: where.path,
        body: { query: sql },
        idempotent: true,
        noRetryOnTimeout: true,
        maxBytes: MAX_ANSWER_BYTES,
        signal,
      });
      return check(rowsSchema, data, where, 'data');
    },
    async data(id, opts = {}, signal) {
      const where = { method: 'GET', path: `/datasets/${seg(id)}/data` };
      const query = { limit: opts.limit ?? 100, offset: opts.offset ?? 0 };
      const res = await t.send<unknown>({ method: 'GET', path: where.path, query, maxBytes: MAX_ANSWER_BYTES, signal });
      return page(check(rowsSchema, res.data, where, 'data'), res.body, query);
    },
    async create(input, signal) {
      const rows = input.rows ?? [];
      const columns = input.columns ?? inferColumns(rows);
      if (columns.length === 0) throw new TypeError('dataset create: give `columns` or at least one row to infer them from');
      for (const c of columns) {
        if (!COLUMN_NAME.test(c.name)) throw new TypeError(`dataset create: column "${c.name}" must be lowercase snake_case`);
      }
      const path = '/datasets/create/from-schema';
      const body = {
        dataset: {
          name: input.name,
          visibility: input.visibility ?? 'private',
          ...(input.description !== undefined ? { description: rich(input.description) } : {}),
          schema: createTableSql(columns),
          source: 'api',
          asset_type: 'dataset',
          preview: rows.slice(0, PREVIEW_ROWS),
          metadata: { schema: 'datasets', columns: columns.map((c) => c.name) },
          attribution: { originality: 'original' },
          ...(input.orgId ? { org_id: input.orgId } : {}),
          ...(input.teamId ? { team_id: input.teamId } : {}),
          ...(rows.length ? { rows } : {}),
        },
      };
      return dataset(await t.call({ method: 'POST', path, body, signal }), { method: 'POST', path });
    },
    async appendRows(id, rows, mode = 'append', signal) {
      let inserted = 0;
      let first = true;
      for (const batch of batchBySize(rows, MAX_BODY_BYTES)) {
        // Overwrite means "replace the table": only the first batch may do that.
        inserted += await postRows(id, batch, first ? mode : mode === 'overwrite' ? 'append' : mode, signal);
        first = false;
      }
      return { inserted };
    },
    async update(id, partial, signal) {
      const path = `/datasets/${seg(id)}`;
      const { description, ...rest } = partial;
      const body = { dataset: { ...rest, ...(typeof description === 'string' ? { description: rich(description) } : {}) } };
      return dataset(await t.call({ method: 'PUT', path, body, signal }), { method: 'PUT', path });
    },
  };
}

/** `CREATE TABLE` with the placeholder identifier the SDK uses; the server names the real table. */
export function createTableSql(columns: { name: string; type: DatasetColumnType }[]): string {
  return `CREATE TABLE IF NOT EXISTS datasets."dataset" (\n${columns.map((c) => `  "${c.name}" ${c.type}`).join(',\n')}\n)`;
}

export function inferColumns(rows: Record<string, unknown>[]): { name: string; type: DatasetColumnType }[] {
  const types = new Map<string, DatasetColumnType | undefined>();
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      const prev = types.get(k);
      const t = typeOf(v);
      if (t === undefined) {
        if (!types.has(k)) types.set(k, undefined);
      } else if (prev === undefined) types.set(k, t);
      else if (prev !== t) types.set(k, prev === 'INTEGER' && t === 'DOUBLE PRECISION' ? t : t === 'INTEGER' && prev === 'DOUBLE PRECISION' ? prev : 'TEXT');
    }
  }
  return [...types].map(([name, type]) => ({ name, type: type ?? 'TEXT' }));
}

function typeOf(v: unknown): DatasetColumnType | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'boolean') return 'BOOLEAN';
  if (typeof v === 'number') return Number.isInteger(v) ? (Math.abs(v) > 2_147_483_647 ? 'BIGINT' : 'INTEGER') : 'DOUBLE PRECISION';
  if (v instanceof Date) return 'TIMESTAMP WITH TIME ZONE';
  if (typeof v === 'object') return 'JSONB';
  return 'TEXT';
}

/** Consecutive batches whose `{"rows": [...]}` JSON stays within `maxBytes` (a lone oversize row goes alone). */
export function batchBySize(rows: Record<string, unknown>[], maxBytes: number): Record<string, unknown>[][] {
  const out: Record<string, unknown>[][] = [];
  // Envelope `{"rows":[],"mode":"overwrite"}` plus slack for the separators.
  const overhead = 64;
  let batch: Record<string, unknown>[] = [];
  let size = overhead;
  for (const row of rows) {
    const bytes = Buffer.byteLength(JSON.stringify(row)) + 1;
    if (batch.length && size + bytes > maxBytes) {
      out.push(batch);
      batch = [];
      size = overhead;
    }
    batch.push(row);
    size += bytes;
  }
  if (batch.length) out.push(batch);
  return out;
}
