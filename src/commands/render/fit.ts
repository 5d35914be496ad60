import type { Table } from '../../chat/reply.ts';
import { truncate } from '../../text/cut.ts';

/**
 * Fits a neutral `Table` into at most `maxChars` characters of monospace text, for adapters:
 * Slack allows 3,000 characters in a section, Discord 2,000 in a message (subtract your own
 * code fence and caption before calling). Cells longer than `maxCellWidth` are cut with `…`,
 * newlines and tabs inside a cell become spaces, NULL is shown as `NULL`, right-aligned
 * columns are padded on the left. When rows (or columns) do not fit, the last line says
 * "showing N of M rows". Widths count UTF-16 code units: wide CJK/emoji may misalign a column,
 * never overflow the limit.
 */

export interface FitOptions {
  maxChars: number;
  /** Widest a cell may be before it is cut; default 30. */
  maxCellWidth?: number;
}

export interface FitResult {
  text: string;
  shownRows: number;
  totalRows: number;
  /** Rows or columns left out, or a cell cut. */
  truncated: boolean;
}

const SEP = ' | ';
const NULL_TEXT = 'NULL';
const MIN_WIDTH = 3; // narrowest useful cell: two characters and the ellipsis

const clean = (s: string | null) => (s === null ? NULL_TEXT : s.replace(/[\r\n\t]+/g, ' '));
const clip = (s: string, w: number) => truncate(s, w);

export function fitTable(table: Table, opts: FitOptions): FitResult {
  const maxChars = Math.max(0, Math.floor(opts.maxChars));
  const totalRows = Math.max(table.totalRows, table.rows.length);
  const cap0 = Math.max(MIN_WIDTH, opts.maxCellWidth ?? 30);
  // Each row line takes at least two characters (a cell and a newline), so no more can show.
  const candidates = table.rows.slice(0, Math.ceil(maxChars / 2) + 1).map((r) => r.map(clean));
  const names = table.columns.map((c) => clean(c.name));

  for (let ncols = table.columns.length; ncols >= 1; ncols--) {
    for (let cap = cap0; ; cap = Math.max(MIN_WIDTH, Math.floor(cap * 0.7))) {
      const fitted = attempt(table, names, candidates, ncols, cap, maxChars, totalRows);
      if (fitted) return fitted;
      if (cap === MIN_WIDTH) break;
    }
  }
  const text = clip(`${totalRows} rows; too little room to show them`, maxChars);
  return { text, shownRows: 0, totalRows, truncated: true };
}

function attempt(
  table: Table,
  names: string[],
  candidates: string[][],
  ncols: number,
  cap: number,
  maxChars: number,
  totalRows: number,
): FitResult | undefined {
  const hiddenCols = table.columns.length - ncols;
  // Widths from the header plus the rows that might show; recomputed once the count is known,
  // because rows that do not show must not widen a column.
  let shown = candidates.length;
  let result: FitResult | undefined;
  for (let pass = 0; pass < 3; pass++) {
    const widths = names.slice(0, ncols).map((n) => Math.min(cap, Math.max(MIN_WIDTH, n.length)));
    for (let r = 0; r < shown; r++) {
      const row = candidates[r]!;
      for (let c = 0; c < ncols; c++) widths[c] = Math.min(cap, Math.max(widths[c]!, row[c]!.length));
    }
    let cut = false;
    const line = (cells: string[], header: boolean) =>
      widths
        .map((w, c) => {
          const raw = cells[c] ?? '';
          if (raw.length > w) cut = true;
          const v = clip(raw, w);
          return !header && table.columns[c]!.align === 'right' ? v.padStart(w) : v.padEnd(w);
        })
        .join(SEP)
        .trimEnd();
    const head = [line(names, true), widths.map((w) => '-'.repeat(w)).join('-+-')];
    const footer = (n: number) => {
      const parts: string[] = [];
      if (n < totalRows) parts.push(`showing ${n} of ${totalRows} rows`);
      if (hiddenCols > 0) parts.push(`${hiddenCols} more column${hiddenCols === 1 ? '' : 's'} not shown`);
      if (totalRows === 0) parts.push('no rows');
      return parts.length ? `\n${parts.join('; ')}` : '';
    };
    let used = head.join('\n').length;
    if (used + footer(0).length > maxChars) return undefined;
    const body: string[] = [];
    for (let r = 0; r < shown; r++) {
      const l = line(candidates[r]!, false);
      const n = body.length + 1;
      if (used + 1 + l.length + footer(n).length > maxChars) break;
      body.push(l);
      used += 1 + l.length;
    }
    const n = body.length;
    // Header only while rows exist: narrower cells or fewer columns may let some rows show.
    if (pass === 0 && n === 0 && candidates.length > 0 && !(ncols === 1 && cap === MIN_WIDTH)) return undefined;
    const text = [...head, ...body].join('\n') + footer(n);
    result = { text, shownRows: n, totalRows, truncated: cut || n < totalRows || hiddenCols > 0 };
    if (n === shown) break;
    shown = n;
  }
  return result;
}
