/**
 * Pure rendering for the console: neutral rich replies → plain text, and the line format of
 * the console transcript. The transcript format is a contract with the console adapter's
 * tests (they parse it), so it lives here with its parser:
 *
 *   #5 ada › hello                      message 5 at the top level
 *     #6 in #5 Alice (Ouro) › hi        message 6 in thread 5 (indented)
 *        | second line                  continuation of a multi-line message
 *   #6 edited › new text                an edit;  "#6 deleted" a delete
 *   #7 [ouro] › text / #7 [ouro, only you] › text     a command reply (public / invoker)
 */
import type { Block, Button, RichReply, Table } from '../../chat/reply.ts';
import { truncate } from '../../text/cut.ts';

export interface RenderLimits {
  /** Rows printed before "showing N of M rows": a terminal screen, not a spreadsheet. */
  maxRows: number;
  /** Characters per cell before it is cut with "…", so one wide cell does not wrap every row. */
  maxCell: number;
}

export const DEFAULT_LIMITS: RenderLimits = { maxRows: 20, maxCell: 40 };

const cut = (s: string, max: number) => truncate(s, max);

export function renderTable(table: Table, limits: RenderLimits = DEFAULT_LIMITS): string[] {
  const shown = table.rows.slice(0, limits.maxRows);
  const cells = shown.map((row) => table.columns.map((_, i) => cut(oneLine(row[i] ?? 'NULL'), limits.maxCell)));
  const widths = table.columns.map((c, i) => Math.max(cut(c.name, limits.maxCell).length, ...cells.map((r) => r[i]!.length)));
  const fmt = (values: string[]) =>
    values
      .map((v, i) => (table.columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .replace(/\s+$/, '');
  const lines = [fmt(table.columns.map((c) => cut(c.name, limits.maxCell))), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of cells) lines.push(fmt(row));
  const total = Math.max(table.totalRows, table.rows.length);
  if (shown.length < total) lines.push(`showing ${shown.length} of ${total} rows`);
  else lines.push(`${total} row${total === 1 ? '' : 's'}`);
  return lines;
}

const oneLine = (s: string) => s.replace(/\r?\n/g, ' ');

export function renderButtons(buttons: Button[], messageNumber?: number): string {
  return buttons.map((b) => `[${b.label}]${messageNumber === undefined ? '' : ` (!press ${messageNumber} ${b.actionId})`}`).join('  ');
}

function renderBlock(block: Block, limits: RenderLimits, messageNumber?: number): string[] {
  switch (block.type) {
    case 'heading':
      return [block.text, '='.repeat(Math.min(block.text.length, 60))];
    case 'text':
      return block.markdown.split('\n');
    case 'context':
      return block.markdown.split('\n').map((l) => `(${l})`);
    case 'fields': {
      const width = Math.max(0, ...block.fields.map((f) => f.label.length));
      return block.fields.map((f) => `${`${f.label}:`.padEnd(width + 1)} ${oneLine(f.value)}`);
    }
    case 'table': {
      const lines = renderTable(block.table, limits);
      if (!block.caption) return lines;
      // The command's caption replaces the plain row count; when this renderer cut rows
      // itself, its own "showing N of M rows" stays as the last line.
      const cutHere = lines[lines.length - 1]!.startsWith('showing');
      return cutHere ? [block.caption, ...lines] : [...lines.slice(0, -1), block.caption];
    }
    case 'buttons':
      return [renderButtons(block.buttons, messageNumber)];
    case 'asset':
      return [
        `${block.asset.name} (${block.asset.type}${block.asset.visibility ? `, ${block.asset.visibility}` : ''}) ${block.asset.url}`,
        ...(block.summary ? block.summary.split('\n') : []),
      ];
    case 'divider':
      return ['-'.repeat(24)];
  }
}

/** A rich reply as plain lines: blocks when there are any, the summary text otherwise; files named. */
export function renderRich(reply: RichReply, limits: RenderLimits = DEFAULT_LIMITS, messageNumber?: number): string[] {
  const lines = reply.blocks.length ? reply.blocks.flatMap((b) => renderBlock(b, limits, messageNumber)) : reply.text.split('\n');
  for (const f of reply.files ?? []) {
    const size = typeof f.content === 'string' ? Buffer.byteLength(f.content) : f.content.byteLength;
    lines.push(`(file ${f.name}, ${f.mime}, ${size} bytes)`);
  }
  return lines;
}

/** One transcript entry: a header line and indented continuation lines. */
export function formatEntry(header: string, body: string[], indent: string): string {
  const [first = '', ...rest] = body;
  return [`${indent}${header} › ${first}`, ...rest.map((l) => `${indent}   | ${l}`)].join('\n');
}

export function messageHeader(n: number, author: string, thread?: number): string {
  return `#${n}${thread === undefined ? '' : ` in #${thread}`} ${author}`;
}

export const indentFor = (thread?: number) => (thread === undefined ? '' : '  ');

export interface TranscriptEntry {
  kind: 'message' | 'edit' | 'delete' | 'reply';
  n: number;
  thread?: number;
  author?: string;
  visibility?: 'public' | 'invoker';
  text: string;
}

/** Parses a transcript back into entries (the console's "what the platform shows"). */
export function parseTranscript(output: string): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  for (const line of output.split('\n')) {
    const cont = /^\s+\| ?(.*)$/.exec(line);
    if (cont && entries.length) {
      entries[entries.length - 1]!.text += `\n${cont[1]}`;
      continue;
    }
    let m = /^\s*#(\d+) deleted$/.exec(line);
    if (m) {
      entries.push({ kind: 'delete', n: Number(m[1]), text: '' });
      continue;
    }
    m = /^\s*#(\d+) edited › (.*)$/.exec(line);
    if (m) {
      entries.push({ kind: 'edit', n: Number(m[1]), text: m[2]! });
      continue;
    }
    m = /^\s*#(\d+)(?: in #(\d+))? \[ouro(, only you)?\] › (.*)$/.exec(line);
    if (m) {
      entries.push({
        kind: 'reply',
        n: Number(m[1]),
        ...(m[2] ? { thread: Number(m[2]) } : {}),
        visibility: m[3] ? 'invoker' : 'public',
        text: m[4]!,
      });
      continue;
    }
    m = /^\s*#(\d+)(?: in #(\d+))? (.+?) › (.*)$/.exec(line);
    if (m) entries.push({ kind: 'message', n: Number(m[1]), ...(m[2] ? { thread: Number(m[2]) } : {}), author: m[3]!, text: m[4]! });
  }
  return entries;
}
