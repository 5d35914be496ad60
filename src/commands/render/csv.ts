import type { Table } from '../reply.ts';

/**
 * RFC 4180 CSV: a header line, CRLF line breaks, a field quoted when it holds a comma, a
 * double quote, CR or LF (quotes doubled inside). SQL NULL is an empty field; an empty
 * string is `""` so the two stay distinguishable.
 */

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string | null): string {
  if (value === null) return '';
  if (value === '') return '""';
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(table: Table): string {
  const lines = new Array<string>(table.rows.length + 1);
  lines[0] = table.columns.map((c) => csvField(c.name)).join(',');
  for (let r = 0; r < table.rows.length; r++) lines[r + 1] = table.rows[r]!.map(csvField).join(',');
  return `${lines.join('\r\n')}\r\n`;
}
