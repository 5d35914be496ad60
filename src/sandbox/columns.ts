import { ApiError } from './router.ts';
import type { ColumnRec, Row } from './state.ts';

/**
 * Dataset columns: names normalised to lowercase snake_case as Ouro stores them, and
 * PostgreSQL types read from the `CREATE TABLE` the SDK sends with `from-schema` (pandas-style
 * DDL with SQLite-flavoured types) or inferred from rows when no DDL is given.
 */

export function snakeCase(name: string): string {
  const s = name
    .trim()
    .replace(/([a-z0-9])([A-Z][a-z])/g, '$1_$2') // camelCase words split; unit suffixes like eV stay whole
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (s === '') return 'column';
  return /^[0-9]/.test(s) ? `c_${s}` : s;
}

/** Declared type → the name information_schema reports. */
const TYPES: [RegExp, string][] = [
  [/^(text|varchar|character varying|char|character|string|clob)\b/, 'text'],
  [/^(bigint|int8|bigserial)\b/, 'bigint'],
  [/^(integer|int|int4|serial)\b/, 'integer'],
  [/^(smallint|int2)\b/, 'smallint'],
  [/^(real|float4)\b/, 'real'],
  [/^(double precision|float8|float|double)\b/, 'double precision'],
  [/^(numeric|decimal)\b/, 'numeric'],
  [/^(boolean|bool)\b/, 'boolean'],
  // The SDK rewrites TIMESTAMP to TIMESTAMP WITH TIME ZONE; a bare TIMESTAMP gets the same here.
  [/^(timestamptz|timestamp with time zone|timestamp|datetime)\b/, 'timestamp with time zone'],
  [/^date\b/, 'date'],
  [/^(jsonb|json)\b/, 'jsonb'],
  [/^uuid\b/, 'uuid'],
];

export function pgType(declared: string): string {
  const d = declared.trim().toLowerCase().replace(/\s+/g, ' ');
  for (const [re, t] of TYPES) if (re.test(d)) return t;
  throw new ApiError(
    400,
    'unsupported_column_type',
    `Unsupported column type "${declared}"`,
    `Use one of: text, bigint, integer, double precision, numeric, boolean, timestamptz, date, jsonb, uuid`,
  );
}

/** Column definitions from `CREATE TABLE x ( "a" TEXT, b REAL, PRIMARY KEY (a) )`. */
export function columnsFromDdl(ddl: string): ColumnRec[] {
  const open = ddl.indexOf('(');
  const close = ddl.lastIndexOf(')');
  if (!/^\s*create\s+table\b/i.test(ddl) || open < 0 || close < open) {
    throw new ApiError(400, 'invalid_schema', 'schema must be a CREATE TABLE statement with a column list');
  }
  const defs: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of ddl.slice(open + 1, close)) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      defs.push(cur);
      cur = '';
    } else cur += ch;
  }
  defs.push(cur);
  const cols: ColumnRec[] = [];
  for (const def of defs.map((d) => d.trim()).filter(Boolean)) {
    if (/^(primary|constraint|unique|check|foreign)\b/i.test(def)) continue;
    const m = /^(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))\s+(.+)$/s.exec(def);
    if (!m) throw new ApiError(400, 'invalid_schema', `Cannot read column definition "${def}"`);
    const name = m[1]?.replace(/""/g, '"') ?? m[2]!;
    const type = m[3]!.replace(/\b(not null|null|primary key|unique|default .*)$/i, '').trim();
    cols.push({ name: snakeCase(name), type: pgType(type), enum_values: null });
  }
  if (cols.length === 0) throw new ApiError(400, 'invalid_schema', 'schema declares no columns');
  const dup = cols.find((c, i) => cols.findIndex((x) => x.name === c.name) !== i);
  if (dup) throw new ApiError(400, 'invalid_schema', `Two columns normalise to "${dup.name}"`);
  return cols;
}

/** Types from the first non-null value of each key. */
export function columnsFromRows(rows: Row[]): ColumnRec[] {
  const seen = new Map<string, string>();
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      const name = snakeCase(k);
      if (seen.get(name) && seen.get(name) !== 'text?') continue;
      if (v === null || v === undefined || v === '') {
        if (!seen.has(name)) seen.set(name, 'text?');
        continue;
      }
      seen.set(
        name,
        typeof v === 'number'
          ? Number.isInteger(v)
            ? 'bigint'
            : 'double precision'
          : typeof v === 'boolean'
            ? 'boolean'
            : typeof v === 'object'
              ? 'jsonb'
              : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(String(v))
                ? 'timestamp with time zone'
                : 'text',
      );
    }
  }
  if (seen.size === 0) throw new ApiError(400, 'invalid_schema', 'Give a schema (CREATE TABLE …) or at least one row to infer columns from');
  return [...seen].map(([name, t]) => ({ name, type: t === 'text?' ? 'text' : t, enum_values: null }));
}

/**
 * Rows with keys normalised; unknown columns are dropped and counted (Ouro reports them
 * in `warning.ignored_columns`); blank strings become null like the SDK sends them.
 */
export function normaliseRows(rows: unknown, columns: ColumnRec[]): { rows: Row[]; ignored: Map<string, number> } {
  if (!Array.isArray(rows) || rows.some((r) => !r || typeof r !== 'object' || Array.isArray(r))) {
    throw new ApiError(400, 'invalid_body', 'rows must be an array of objects');
  }
  const names = new Set(columns.map((c) => c.name));
  const ignored = new Map<string, number>();
  const out = (rows as Row[]).map((row) => {
    const r: Row = {};
    for (const [k, v] of Object.entries(row)) {
      const name = snakeCase(k);
      if (!names.has(name)) {
        ignored.set(k, (ignored.get(k) ?? 0) + 1);
        continue;
      }
      r[name] = v === '' ? null : v;
    }
    return r;
  });
  return { rows: out, ignored };
}
