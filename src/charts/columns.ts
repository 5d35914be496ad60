/**
 * What each column of a query result can be plotted as. Ouro's query answer carries no
 * column types, so the values decide; the dataset's schema type (when the result column
 * keeps a schema column's name) wins over the values, as a numeric column may arrive as
 * strings. Pure.
 */

export type ColumnKind = 'temporal' | 'quantitative' | 'nominal';

export interface ChartColumn {
  name: string;
  kind: ColumnKind;
  /** Rows where the value is not NULL. */
  present: number;
  /** Unit from the dataset's schema, when it has one. */
  unit?: string;
}

export interface SchemaHint {
  type?: string;
  unit?: string;
}

const NUMERIC_TYPE = /^(smallint|integer|bigint|int\d?|real|double|numeric|decimal|float)/i;
const TIME_TYPE = /^(timestamp|date|time\b)/i;
const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** ISO 8601 date or date-time, as Postgres and JSON write them. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

function kindOfValue(v: unknown): ColumnKind | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? 'quantitative' : undefined;
  if (typeof v === 'string') {
    if (NUMBER_TEXT.test(v.trim())) return 'quantitative';
    if (ISO_DATE.test(v.trim()) && !Number.isNaN(Date.parse(v))) return 'temporal';
  }
  return 'nominal';
}

/** Columns in result order: the first row's keys, then any key a later row adds. */
export function inferColumns(rows: readonly Record<string, unknown>[], hints: Readonly<Record<string, SchemaHint>> = {}): ChartColumn[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (seen.has(k)) continue;
      seen.add(k);
      names.push(k);
    }
  }
  return names.map((name) => {
    const kinds = new Set<ColumnKind>();
    let present = 0;
    for (const r of rows) {
      const k = kindOfValue(r[name]);
      if (!k) continue;
      kinds.add(k);
      present++;
    }
    const hint = hints[name];
    let kind: ColumnKind;
    if (hint?.type && NUMERIC_TYPE.test(hint.type)) kind = 'quantitative';
    else if (hint?.type && TIME_TYPE.test(hint.type)) kind = 'temporal';
    else kind = kinds.size === 1 ? [...kinds][0]! : 'nominal';
    return { name, kind, present, ...(hint?.unit ? { unit: hint.unit } : {}) };
  });
}

/** The value as Vega-Lite should see it: numbers as numbers, dates as ISO text, NULL as null. */
export function plotValue(v: unknown, kind: ColumnKind): string | number | null {
  if (v === null || v === undefined || v === '') return null;
  if (kind === 'quantitative') {
    const n = typeof v === 'number' ? v : Number(String(v).trim());
    return Number.isFinite(n) ? n : null;
  }
  if (kind === 'temporal') {
    const t = Date.parse(String(v));
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}
