/**
 * A neutral Table as a monospaced code block that fits a character budget, plus the same
 * table as CSV for when it does not fit. Pure.
 * (The commands layer is writing a shared `fitTable`; this is the Discord adapter's own until
 * that lands, shaped so it can be swapped for it.)
 */
import type { Table } from '../../commands/reply.ts';

/** Widest a cell is drawn; wider cells end in `…`. Keeps one long text column from pushing every other column off a phone screen. */
export const MAX_CELL = 40;
const NULL_CELL = '∅';

export interface FittedTable {
  /** A fenced code block, or '' when not even the header fits. */
  block: string;
  shown: number;
  /** Rows in the full result (table.totalRows, at least rows.length). */
  total: number;
  /** True when rows were left out here or by the command: say "showing N of M". */
  cut: boolean;
}

function cell(v: string | null): string {
  const s = (v ?? NULL_CELL).replace(/\s+/g, ' ').replace(/```/g, 'ˋˋˋ');
  return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s;
}

/** Lays out as many leading rows as fit in `maxChars` (fences included). */
export function fitTableBlock(table: Table, maxChars: number): FittedTable {
  const total = Math.max(table.totalRows, table.rows.length);
  const head = table.columns.map((c) => cell(c.name));
  const body = table.rows.map((r) => table.columns.map((_, k) => cell(r[k] ?? null)));
  for (let shown = body.length; shown >= 0; shown--) {
    const block = layout(table, head, body.slice(0, shown));
    if (block.length <= maxChars) return { block, shown, total, cut: shown < total };
    // Halve quickly when far over budget: a 1,000-row result should not be laid out 1,000 times.
    if (block.length > 2 * maxChars && shown > 1) shown = Math.ceil(shown / 2) + 1;
  }
  return { block: '', shown: 0, total, cut: total > 0 };
}

function layout(table: Table, head: string[], rows: string[][]): string {
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, k) => (table.columns[k]!.align === 'right' ? c.padStart(widths[k]!) : c.padEnd(widths[k]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return ['```', line(head), rule, ...rows.map(line), '```'].join('\n');
}

/** RFC 4180 CSV of every row the table holds; SQL NULL is an empty field. */
export function tableToCsv(table: Table): string {
  const field = (v: string | null) => (v === null ? '' : /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [table.columns.map((c) => field(c.name)), ...table.rows.map((r) => table.columns.map((_, k) => field(r[k] ?? null)))];
  return `${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}

export function showingLine(f: FittedTable): string {
  return `showing ${f.shown} of ${f.total} rows`;
}
