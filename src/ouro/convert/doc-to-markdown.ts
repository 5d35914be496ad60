/**
 * TipTap doc → Markdown, for relaying Ouro messages to chat. Pure. Follows the SDK's
 * `tiptap_to_markdown` (docs/ouro-api.md §5.3): blocks joined by blank lines, `#`×level
 * headings, fenced code, `> ` quotes, lists with `start`, tables with the first row as
 * header, `![alt](src)`, `---`, mentions as `@label`, marks `**b**` `*i*` `~~s~~` `` `c` ``
 * `[t](href)`, and `assetComponent` re-emitted as a fenced JSON block.
 * Additions: task items as `- [ ]`/`- [x]`, a hard break as a newline (chat semantics,
 * matching markdownToDoc), and `mentions: 'ouro'` to write `` `{@username}` `` instead, which
 * makes markdown → doc → markdown stable. Text is not escaped (as in the SDK).
 * Unknown nodes are not dropped: their text content is rendered.
 */
import type { Doc, DocMark, DocNode } from '../types.ts';
import { MATH_NODE } from './markdown-to-doc.ts';

export interface DocToMarkdownOptions {
  /** `at` (default, the SDK's `@label`) or `ouro` (`` `{@username}` ``, parseable back). */
  mentions?: 'at' | 'ouro';
}

export function docToMarkdown(doc: Doc | DocNode | null | undefined, opts: DocToMarkdownOptions = {}): string {
  const root = saneNode(doc);
  if (!root) return '';
  const ctx: Ctx = { mentions: opts.mentions ?? 'at' };
  const blocks = root.type === 'doc' ? (root.content ?? []) : [root];
  return renderBlocks(blocks, ctx, '\n\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

interface Ctx {
  mentions: 'at' | 'ouro';
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * The doc with every field of the shape the renderer reads: the JSON comes from Ouro's
 * users and clients, and one malformed node (`content: {}`, a `null` child, a numeric
 * `text`) must not stop a conversation from syncing. What does not fit is left out.
 */
function saneNode(x: unknown): DocNode | undefined {
  if (!isObject(x) || typeof x.type !== 'string') return undefined;
  const node: DocNode = { type: x.type };
  if (isObject(x.attrs)) node.attrs = x.attrs;
  if (typeof x.text === 'string') node.text = x.text;
  if (Array.isArray(x.content)) node.content = x.content.map(saneNode).filter((n): n is DocNode => n !== undefined);
  if (Array.isArray(x.marks)) {
    node.marks = x.marks
      .filter((m): m is DocMark => isObject(m) && typeof m.type === 'string')
      .map((m) => (isObject(m.attrs) ? { type: m.type, attrs: m.attrs } : { type: m.type }));
  }
  return node;
}

function renderBlocks(nodes: DocNode[], ctx: Ctx, sep: string): string {
  return nodes
    .map((n) => renderBlock(n, ctx))
    .filter((s) => s !== '')
    .join(sep);
}

function renderBlock(node: DocNode, ctx: Ctx): string {
  const children = node.content ?? [];
  switch (node.type) {
    case 'paragraph':
      return renderInline(children, ctx);
    case 'heading': {
      const level = Math.min(Math.max(Number(node.attrs?.level) || 1, 1), 6);
      return `${'#'.repeat(level)} ${renderInline(children, ctx)}`;
    }
    case 'codeBlock': {
      const code = children.map((c) => c.text ?? '').join('');
      const lang = typeof node.attrs?.language === 'string' ? node.attrs.language : '';
      return fence(lang, code);
    }
    case 'assetComponent':
      return fence('assetComponent', JSON.stringify(node.attrs ?? {}));
    case 'blockquote':
      return renderBlocks(children, ctx, '\n\n')
        .split('\n')
        .map((l) => (l ? `> ${l}` : '>'))
        .join('\n');
    case 'bulletList':
      return children.map((item) => listItem('- ', item, ctx)).join('\n');
    case 'taskList':
      return children.map((item) => listItem(item.attrs?.checked ? '- [x] ' : '- [ ] ', item, ctx)).join('\n');
    case 'orderedList': {
      const start = Number(node.attrs?.start ?? 1) || 1;
      return children.map((item, i) => listItem(`${start + i}. `, item, ctx)).join('\n');
    }
    case 'table':
      return table(children, ctx);
    case 'horizontalRule':
      return '---';
    case 'image':
      return image(node);
    default:
      // Inline content at block level, or an unknown block: render what it holds.
      if (isInline(node)) return renderInline([node], ctx);
      return children.length && children.every(isInline) ? renderInline(children, ctx) : renderBlocks(children, ctx, '\n\n');
  }
}

function isInline(node: DocNode): boolean {
  return ['text', 'hardBreak', 'mention', 'image', MATH_NODE].includes(node.type);
}

function fence(lang: string, code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  // Ouro keeps a code block's closing newline in its text (see markdown-to-doc.ts): one is written by the fence itself.
  return `${ticks}${lang}\n${code.replace(/\n$/, '')}\n${ticks}`;
}

/** Continuation lines are indented by the marker's width so they stay inside the item. */
function listItem(marker: string, item: DocNode, ctx: Ctx): string {
  const blocks = item.content ?? [];
  const parts: string[] = [];
  blocks.forEach((b, i) => {
    const text = renderBlock(b, ctx);
    if (i === 0) parts.push(text);
    else parts.push((isList(b) ? '\n' : '\n\n') + text);
  });
  const body = parts.join('');
  const indent = ' '.repeat(marker.startsWith('- [') ? 2 : marker.length);
  return (
    marker +
    body
      .split('\n')
      .map((l, i) => (i === 0 || l === '' ? l : indent + l))
      .join('\n')
  );
}

function isList(node: DocNode): boolean {
  return node.type === 'bulletList' || node.type === 'orderedList' || node.type === 'taskList';
}

function table(rows: DocNode[], ctx: Ctx): string {
  const cells = rows.map((r) =>
    (r.content ?? []).map((c) =>
      renderBlocks(c.content ?? [], ctx, ' ')
        .replace(/\n/g, ' ')
        .replace(/\|/g, '\\|'),
    ),
  );
  const width = Math.max(0, ...cells.map((r) => r.length));
  if (width === 0) return '';
  const line = (r: string[]) => `| ${Array.from({ length: width }, (_, i) => r[i] ?? '').join(' | ')} |`;
  const [head, ...body] = cells;
  return [line(head!), `| ${Array(width).fill('---').join(' | ')} |`, ...body.map(line)].join('\n');
}

function image(node: DocNode): string {
  const alt = typeof node.attrs?.alt === 'string' ? node.attrs.alt : '';
  const src = typeof node.attrs?.src === 'string' ? node.attrs.src : '';
  const title = typeof node.attrs?.title === 'string' && node.attrs.title ? ` "${node.attrs.title}"` : '';
  return `![${alt}](${src}${title})`;
}

const MARK_ORDER = ['link', 'bold', 'italic', 'strike', 'code'];

/**
 * Marks are opened and closed across neighbouring text nodes (so `**a *b***` does not
 * become `**a*****b***`), and whitespace at a mark's edge is moved outside it: `** x**` is
 * not emphasis in Markdown.
 */
function renderInline(nodes: DocNode[], ctx: Ctx): string {
  let out = '';
  let active: DocMark[] = [];
  let pendingWs = '';

  const closeTo = (keep: number) => {
    for (let i = active.length - 1; i >= keep; i--) out += closer(active[i]!);
    active = active.slice(0, keep);
  };

  for (const node of nodes) {
    const marks = node.type === 'text' ? sortMarks(withoutAutolink(node)) : [];
    let keep = 0;
    while (keep < active.length && keep < marks.length && sameMark(active[keep]!, marks[keep]!)) keep++;
    closeTo(keep);
    out += pendingWs;
    pendingWs = '';

    if (node.type !== 'text') {
      closeTo(0);
      out += inlineAtom(node, ctx);
      continue;
    }
    const text = node.text ?? '';
    const isCode = marks.some((m) => m.type === 'code');
    const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
    const [lead, core, trail] = isCode ? ['', text, ''] : [m[1]!, m[2]!, m[3]!];
    if (!core) {
      out += text;
      continue;
    }
    out += lead;
    for (const mark of marks.slice(keep)) {
      out += opener(mark);
      active.push(mark);
    }
    out += isCode ? codeSpan(core) : core;
    if (isCode) {
      // A code span is closed by its own backticks; drop it from the open marks.
      active = active.filter((a) => a.type !== 'code');
    }
    pendingWs = trail;
  }
  closeTo(0);
  return out + pendingWs;
}

/** A link whose text is its URL is written bare: chat clients and markdownToDoc link it again. */
function withoutAutolink(node: DocNode): DocMark[] {
  return (node.marks ?? []).filter((m) => !(m.type === 'link' && m.attrs?.href === node.text));
}

function sortMarks(marks: DocMark[]): DocMark[] {
  const rank = (m: DocMark) => {
    const i = MARK_ORDER.indexOf(m.type);
    return i < 0 ? MARK_ORDER.length : i;
  };
  return [...marks].sort((a, b) => rank(a) - rank(b));
}

function sameMark(a: DocMark, b: DocMark): boolean {
  return a.type === b.type && JSON.stringify(a.attrs ?? {}) === JSON.stringify(b.attrs ?? {});
}

/** Markdown delimiters around a mark's text; unknown marks (e.g. `code` handled apart) add none. */
const DELIMITERS: Record<string, (mark: DocMark) => [string, string]> = {
  bold: () => ['**', '**'],
  italic: () => ['*', '*'],
  strike: () => ['~~', '~~'],
  link: (mark) => ['[', `](${String(mark.attrs?.href ?? '')})`],
};

const opener = (mark: DocMark): string => DELIMITERS[mark.type]?.(mark)[0] ?? '';
const closer = (mark: DocMark): string => DELIMITERS[mark.type]?.(mark)[1] ?? '';

function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

function inlineAtom(node: DocNode, ctx: Ctx): string {
  switch (node.type) {
    case 'hardBreak':
      return '\n';
    case 'mention': {
      const username = String(node.attrs?.username ?? node.attrs?.label ?? node.attrs?.id ?? '');
      const label = String(node.attrs?.label ?? node.attrs?.username ?? node.attrs?.id ?? '');
      return ctx.mentions === 'ouro' && username ? `\`{@${username}}\`` : `@${label}`;
    }
    case 'image':
      return image(node);
    case MATH_NODE: {
      const latex = String(node.attrs?.latex ?? '');
      return node.attrs?.displayMode ? `\\[${latex}\\]` : `\\(${latex}\\)`;
    }
    default:
      return node.text ?? renderInline(node.content ?? [], ctx);
  }
}
