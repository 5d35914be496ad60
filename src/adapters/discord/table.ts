/**
 * A neutral Table as a monospaced code block within a character budget (the shared
 * `fitTable` of the commands layer inside a fence), plus the table as CSV for when it does
 * not fit. Pure.
 */
import type { Table } from '../../chat/reply.ts';
import { toCsv } from '../../commands/render/csv.ts';
import { fitTable } from '../../commands/render/fit.ts';

/** Widest a cell is drawn; wider cells end in `…`. Keeps one long text column from pushing every other column off a phone screen. */
export const MAX_CELL = 40;
const FENCE = '```';

export interface FittedTable {
  /** A fenced code block, or '' when not even the header fits. */
  block: string;
  /** What was left out ("showing N of M rows; 2 more columns not shown"), to print under the block; '' when nothing. */
  footer: string;
  shown: number;
  total: number;
  /** Rows, columns or cell text left out here or by the command: attach the CSV. */
  cut: boolean;
}

/** A cell holding a fence would end the code block early; a look-alike keeps the text readable. */
const defuse = (v: string | null) => (v === null ? null : v.replace(/```/g, 'ˋˋˋ'));

export function fitTableBlock(table: Table, maxChars: number): FittedTable {
  const safe: Table = {
    ...table,
    columns: table.columns.map((c) => ({ ...c, name: defuse(c.name) ?? '' })),
    rows: table.rows.map((r) => r.map(defuse)),
  };
  const inner = maxChars - 2 * (FENCE.length + 1);
  const total = Math.max(table.totalRows, table.rows.length);
  if (inner <= 0) return { block: '', footer: `showing 0 of ${total} rows`, shown: 0, total, cut: total > 0 };
  const fit = fitTable(safe, { maxChars: inner, maxCellWidth: MAX_CELL });
  const lines = fit.text.split('\n');
  const footer = fit.truncated && lines.length > 2 && /rows|not shown/.test(lines.at(-1)!) ? lines.pop()! : '';
  if (fit.shownRows === 0 && lines.length < 2) {
    return { block: '', footer: fit.text, shown: 0, total, cut: fit.truncated };
  }
  return { block: `${FENCE}\n${lines.join('\n')}\n${FENCE}`, footer, shown: fit.shownRows, total, cut: fit.truncated };
}

/** RFC 4180 CSV of every row the table holds. */
export const tableToCsv = toCsv;
