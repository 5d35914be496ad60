import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../log.ts';
import { ApiError } from './router.ts';
import type { DatasetRec, Row } from './state.ts';

/**
 * Dataset SQL with PostgreSQL semantics: a real PostgreSQL (`databaseUrl`) or embedded PGlite.
 * Each sandbox instance owns one schema, `sandbox_<random>`, created on first use and dropped
 * on close; tables are materialised from the sandbox state the first time a dataset is used,
 * so state JSON stays the one source of truth.
 *
 * Isolation: each dataset table gets its own NOLOGIN role with SELECT on that table only,
 * and queries run as that role, so SQL on one dataset cannot read another (Ouro lets a query
 * see its own table alone). Roles are cluster-wide, named after the schema and dropped on
 * close. Without the privilege to create roles the engine logs a warning and runs unisolated.
 *
 * PGlite runs single-threaded in WebAssembly and does not enforce `statement_timeout`;
 * timeout behaviour is only faithful on PostgreSQL.
 */

interface Result {
  rows: Row[];
  fields: { name: string; dataTypeID: number }[];
}

interface Backend {
  exec(sql: string): Promise<void>;
  query(sql: string, params: unknown[]): Promise<Result>;
  /** Runs one statement in a read-only transaction with a statement timeout, as `role` when given. */
  readOnly(sql: string, timeoutMs: number, role?: string): Promise<Result>;
  close(): Promise<void>;
}

export interface SqlEngineOptions {
  databaseUrl?: string;
  /** Ouro cancels dataset queries after 10 s. */
  queryTimeoutMs?: number;
  logger: Logger;
}

const INT8 = 20;
const NUMERIC = 1700;

export class SqlEngine {
  readonly schema = `sandbox_${randomBytes(5).toString('hex')}`;
  private backend?: Promise<Backend>;
  private readonly tables = new Map<string, Promise<void>>();
  /** dataset id → the role that may read its table */
  private readonly roles = new Map<string, string>();
  private isolation = true;
  private readonly timeoutMs: number;

  constructor(private readonly opts: SqlEngineOptions) {
    this.timeoutMs = opts.queryTimeoutMs ?? 10_000;
  }

  get started(): boolean {
    return this.backend !== undefined;
  }

  qualified(ds: DatasetRec): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(ds.table_name)}`;
  }

  /** Runs a read-only query; `{{table}}` names the dataset's table. */
  async query(ds: DatasetRec, rows: Row[], sql: string): Promise<Row[]> {
    if (!/^\s*(\(\s*)*(select|with)\b/i.test(stripComments(sql))) {
      throw new ApiError(400, '25006', 'Query failed: only read-only SELECT or WITH queries are allowed on datasets');
    }
    await this.ensureTable(ds, rows);
    const text = sql.replace(/\{\{\s*table\s*\}\}/g, this.qualified(ds));
    const backend = await this.getBackend();
    try {
      const r = await backend.readOnly(text, this.timeoutMs, this.roles.get(ds.id));
      return normalise(r);
    } catch (err) {
      throw toApiError(err, 'Query failed');
    }
  }

  /** Inserts rows into the dataset's table (creating it from `existing` first if needed). */
  async insert(ds: DatasetRec, existing: Row[], rows: Row[]): Promise<void> {
    const isNew = !this.tables.has(ds.id);
    await this.ensureTable(ds, isNew ? [] : existing);
    const all = isNew ? [...existing, ...rows] : rows;
    if (all.length === 0) return;
    const backend = await this.getBackend();
    try {
      await backend.query(`INSERT INTO ${this.qualified(ds)} SELECT * FROM json_populate_recordset(NULL::${this.qualified(ds)}, $1)`, [JSON.stringify(all)]);
    } catch (err) {
      throw toApiError(err, 'Row ingest failed');
    }
  }

  /** Empties the dataset's table (overwrite mode), if it exists. */
  async truncate(ds: DatasetRec): Promise<void> {
    if (!this.tables.has(ds.id)) return;
    await this.tables.get(ds.id);
    await (await this.getBackend()).exec(`TRUNCATE ${this.qualified(ds)}`);
  }

  /** Forgets a table so the next use rebuilds it (after a column change). */
  async drop(ds: DatasetRec): Promise<void> {
    if (!this.tables.has(ds.id)) return;
    this.tables.delete(ds.id);
    const backend = await this.getBackend();
    await backend.exec(`DROP TABLE IF EXISTS ${this.qualified(ds)}`);
    const role = this.roles.get(ds.id);
    if (role) {
      this.roles.delete(ds.id);
      await backend.exec(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
    }
  }

  async close(): Promise<void> {
    if (!this.backend) return;
    const backend = await this.backend.catch(() => undefined);
    if (!backend) return;
    try {
      await backend.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(this.schema)} CASCADE`);
      for (const role of this.roles.values()) await backend.exec(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
    } finally {
      await backend.close();
    }
  }

  private ensureTable(ds: DatasetRec, rows: Row[]): Promise<void> {
    let p = this.tables.get(ds.id);
    if (!p) {
      p = this.createTable(ds, rows);
      this.tables.set(ds.id, p);
      p.catch(() => this.tables.delete(ds.id));
    }
    return p;
  }

  private async createTable(ds: DatasetRec, rows: Row[]): Promise<void> {
    const backend = await this.getBackend();
    const cols = ds.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
    await backend.exec(`CREATE TABLE ${this.qualified(ds)} (${cols})`);
    if (rows.length) {
      await backend.query(`INSERT INTO ${this.qualified(ds)} SELECT * FROM json_populate_recordset(NULL::${this.qualified(ds)}, $1)`, [JSON.stringify(rows)]);
    }
    if (this.isolation) await this.createRole(backend, ds);
  }

  private async createRole(backend: Backend, ds: DatasetRec): Promise<void> {
    const role = `${this.schema}_r${this.roles.size + 1}_${ds.id.slice(-8)}`;
    try {
      await backend.exec(
        `CREATE ROLE ${quoteIdent(role)} NOLOGIN; GRANT USAGE ON SCHEMA ${quoteIdent(this.schema)} TO ${quoteIdent(role)}; ` +
          `GRANT SELECT ON ${this.qualified(ds)} TO ${quoteIdent(role)}`,
      );
      this.roles.set(ds.id, role);
    } catch (err) {
      this.isolation = false;
      this.opts.logger.warn({ err }, 'sandbox: cannot create roles; dataset queries are not isolated from each other');
    }
  }

  private getBackend(): Promise<Backend> {
    if (!this.backend) {
      this.backend = (this.opts.databaseUrl ? pgBackend(this.opts.databaseUrl) : pgliteBackend(this.opts.logger)).then(async (b) => {
        await b.exec(`CREATE SCHEMA ${quoteIdent(this.schema)}`);
        return b;
      });
      // A failed start (database down, bad URL) is retried on the next use instead of sticking.
      this.backend.catch(() => {
        this.backend = undefined;
      });
    }
    return this.backend;
  }
}

async function pgBackend(url: string): Promise<Backend> {
  // Small pool: one sandbox serves one test file or one demo.
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {}); // idle-client errors surface on the next query instead
  return {
    async exec(sql) {
      await pool.query(sql);
    },
    async query(sql, params) {
      return (await pool.query(sql, params)) as unknown as Result;
    },
    async readOnly(sql, timeoutMs, role) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN READ ONLY');
        await client.query(`SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`);
        if (role) await client.query(`SET LOCAL ROLE ${quoteIdent(role)}`);
        // Extended protocol: PostgreSQL then refuses several statements in one string (42601).
        const r = await client.query({ text: sql, queryMode: 'extended' } as pg.QueryConfig);
        await client.query('COMMIT');
        return r as unknown as Result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

async function pgliteBackend(logger: Logger): Promise<Backend> {
  const started = Date.now();
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite();
  await db.waitReady;
  logger.info({ ms: Date.now() - started }, 'sandbox: embedded PGlite started');
  return {
    async exec(sql) {
      await db.exec(sql);
    },
    async query(sql, params) {
      return (await db.query(sql, params)) as unknown as Result;
    },
    async readOnly(sql, timeoutMs, role) {
      return db.transaction(async (tx) => {
        await tx.exec('SET TRANSACTION READ ONLY');
        await tx.exec(`SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`);
        if (role) await tx.exec(`SET LOCAL ROLE ${quoteIdent(role)}`);
        return (await tx.query(sql)) as unknown as Result;
      });
    },
    async close() {
      await db.close();
    },
  };
}

/** JSON-friendly values: timestamps as ISO strings, int8/numeric as numbers. */
function normalise(r: Result): Row[] {
  const numeric = new Set(r.fields.filter((f) => f.dataTypeID === INT8 || f.dataTypeID === NUMERIC).map((f) => f.name));
  return r.rows.map((row) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(row)) {
      if (v instanceof Date) out[k] = Number.isNaN(v.getTime()) ? null : v.toISOString();
      else if (typeof v === 'bigint') out[k] = Number(v);
      else if (numeric.has(k) && typeof v === 'string' && Number.isFinite(Number(v))) out[k] = Number(v);
      else out[k] = v;
    }
    return out;
  });
}

function toApiError(err: unknown, prefix: string): ApiError {
  const e = err as { code?: unknown; message?: unknown; hint?: unknown };
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    return new ApiError(400, e.code, `${prefix}: ${String(e.message)}`, typeof e.hint === 'string' && e.hint ? e.hint : undefined);
  }
  return new ApiError(500, 'sql_engine_error', `${prefix}: ${err instanceof Error ? err.message : String(err)}`);
}

function stripComments(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
