/**
 * Markdown (GFM as chat people write it) → TipTap doc of docs/ouro-api.md §5.2. Pure.
 *
 * Built on markdown-it's token stream, as prosemirror-markdown does. Chat semantics: a
 * single newline inside a paragraph is a line break (`hardBreak`), bare URLs become links.
 * Ouro extras: `` `{@username}` `` (and bare `{@username}`) → `mention`; a fenced block
 * with info `assetComponent` holding a JSON object → `assetComponent` embed.
 * ProseMirror forbids empty text nodes, so none are emitted; containers that need a child
 * (list items, table cells) get an empty paragraph.
 */
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import type { Doc, DocMark, DocNode } from '../types.ts';
import { lineToDoc } from './markdown-line-to-doc.ts';

const md = new MarkdownIt('default', { html: false, linkify: true, breaks: true });

/** Ouro usernames are `[A-Za-z0-9_]` (docs/ouro-api.md §5.3). */
const MENTION_CODE = /^\{@([A-Za-z0-9_]+)\}$/;
const MENTION_BARE = /\{@([A-Za-z0-9_]+)\}/g;
const TASK_PREFIX = /^\[([ xX])\](?:[ \t]+|$)/;

const BLOCK_OPEN: Record<string, (t: Token) => DocNode> = {
  paragraph_open: () => ({ type: 'paragraph' }),
  heading_open: (t) => ({ type: 'heading', attrs: { level: Number(t.tag.slice(1)) } }),
  blockquote_open: () => ({ type: 'blockquote' }),
  bullet_list_open: () => ({ type: 'bulletList' }),
  ordered_list_open: (t) => ({ type: 'orderedList', attrs: { start: Number(t.attrGet('start') ?? 1) } }),
  list_item_open: () => ({ type: 'listItem' }),
  table_open: () => ({ type: 'table' }),
  tr_open: () => ({ type: 'tableRow' }),
  th_open: () => ({ type: 'tableHeader', attrs: { colspan: 1, rowspan: 1, colwidth: null } }),
  td_open: () => ({ type: 'tableCell', attrs: { colspan: 1, rowspan: 1, colwidth: null } }),
};

/** Table sections have no TipTap node: their rows go straight into the table. */
const TRANSPARENT = new Set(['thead_open', 'thead_close', 'tbody_open', 'tbody_close']);

// pretest, not test: markdown-it's inline rule finds a scheme after a non-ASCII letter
// that test() does not see as a link; pretest is true for both.
const linkifies = (text: string) => md.linkify.pretest(text);

export function markdownToDoc(markdown: string): Doc {
  return lineToDoc(markdown, linkifies) ?? parsedToDoc(markdown);
}

/** The parser path: any Markdown. Exported so a test can hold the line path to it. */
export function parsedToDoc(markdown: string): Doc {
  const tokens = md.parse(markdown, {});
  const root: DocNode = { type: 'doc', content: [] };
  const stack: DocNode[] = [root];
  const top = () => stack[stack.length - 1]!;

  for (const token of tokens) {
    if (TRANSPARENT.has(token.type)) continue;
    const open = BLOCK_OPEN[token.type];
    if (open) {
      stack.push(open(token));
      continue;
    }
    if (token.nesting === -1) {
      const node = stack.pop()!;
      append(top(), ...finishBlock(node));
      continue;
    }
    switch (token.type) {
      case 'inline': {
        const inline = convertInline(token.children ?? []);
        const parent = top();
        // Table cells hold inline content directly in markdown-it, paragraphs in TipTap.
        if (parent.type === 'tableHeader' || parent.type === 'tableCell') {
          append(parent, paragraph(inline));
        } else {
          append(parent, ...inline);
        }
        break;
      }
      case 'fence':
        append(top(), fenceNode(token.info.trim(), token.content));
        break;
      case 'code_block':
        append(top(), codeBlock(null, token.content));
        break;
      case 'hr':
        append(top(), { type: 'horizontalRule' });
        break;
      default:
        // html is disabled, so nothing else reaches here; keep any text rather than drop it.
        if (token.content) append(top(), paragraph([{ type: 'text', text: token.content }]));
    }
  }
  return { type: 'doc', content: root.content ?? [] };
}

function append(parent: DocNode, ...nodes: DocNode[]): void {
  if (nodes.length === 0) return;
  (parent.content ??= []).push(...nodes);
}

function paragraph(content: DocNode[]): DocNode {
  return content.length ? { type: 'paragraph', content } : { type: 'paragraph' };
}

/** Post-processing when a block closes; may return several blocks (image lifting). */
function finishBlock(node: DocNode): DocNode[] {
  switch (node.type) {
    case 'paragraph':
      return liftImages(node.content ?? []);
    case 'listItem':
    case 'tableHeader':
    case 'tableCell':
      if (!node.content?.length) node.content = [{ type: 'paragraph' }];
      return [node];
    case 'bulletList':
      return [toTaskListIfAll(node)];
    default:
      return [node];
  }
}

/** TipTap images are block nodes: split a paragraph around them. */
function liftImages(inline: DocNode[]): DocNode[] {
  if (!inline.some((n) => n.type === 'image')) return [paragraph(inline)];
  const out: DocNode[] = [];
  let run: DocNode[] = [];
  const flush = () => {
    while (run[0]?.type === 'hardBreak') run.shift();
    while (run.at(-1)?.type === 'hardBreak') run.pop();
    // The spaces that separated text from the image would start/end the new paragraph.
    const first = run[0];
    if (first?.type === 'text') run[0] = { ...first, text: first.text!.trimStart() };
    const last = run.at(-1);
    if (last?.type === 'text') run[run.length - 1] = { ...last, text: last.text!.trimEnd() };
    run = run.filter((n) => n.type !== 'text' || n.text !== '');
    if (run.length) out.push(paragraph(run));
    run = [];
  };
  for (const n of inline) {
    if (n.type === 'image') {
      flush();
      out.push(n);
    } else {
      run.push(n);
    }
  }
  flush();
  return out;
}

/** A bullet list whose every item starts with `[ ]`/`[x]` is a GFM task list. */
function toTaskListIfAll(list: DocNode): DocNode {
  const items = list.content ?? [];
  const firstText = (item: DocNode) => {
    const p = item.content?.[0];
    const t = p?.type === 'paragraph' ? p.content?.[0] : undefined;
    return t?.type === 'text' && !t.marks ? t : undefined;
  };
  if (items.length === 0 || !items.every((i) => TASK_PREFIX.test(firstText(i)?.text ?? ''))) return list;
  return {
    type: 'taskList',
    content: items.map((item) => {
      const p = item.content![0]!;
      const t = firstText(item)!;
      const m = TASK_PREFIX.exec(t.text!)!;
      const rest = t.text!.slice(m[0].length);
      const inline = p.content!.slice(1);
      if (rest) inline.unshift({ ...t, text: rest });
      // A line break right after the checkbox would start the item with an empty line.
      if (inline[0]?.type === 'hardBreak') inline.shift();
      return {
        type: 'taskItem',
        attrs: { checked: m[1] !== ' ' },
        content: [paragraph(inline), ...item.content!.slice(1)],
      };
    }),
  };
}

function codeBlock(language: string | null, code: string): DocNode {
  const text = code.replace(/\n$/, '');
  const node: DocNode = { type: 'codeBlock', attrs: { language } };
  if (text) node.content = [{ type: 'text', text }];
  return node;
}

function fenceNode(info: string, content: string): DocNode {
  const language = info.split(/\s+/)[0] || null;
  if (language === 'assetComponent') {
    try {
      const attrs: unknown = JSON.parse(content);
      if (attrs && typeof attrs === 'object' && typeof (attrs as { id?: unknown }).id === 'string') {
        return { type: 'assetComponent', attrs: attrs as Record<string, unknown> };
      }
    } catch {
      // Not JSON: it stays a code block, so the author still sees what they wrote.
    }
  }
  return codeBlock(language, content);
}

function convertInline(children: Token[]): DocNode[] {
  const out: DocNode[] = [];
  let marks: DocMark[] = [];
  const push = (node: DocNode) => {
    if (node.type === 'text') {
      if (!node.text) return;
      if (marks.length) node.marks = marks.map((m) => ({ ...m }));
      const prev = out.at(-1);
      if (prev?.type === 'text' && sameMarks(prev.marks, node.marks)) {
        prev.text += node.text;
        return;
      }
    }
    out.push(node);
  };
  const openMark = (mark: DocMark) => (marks = [...marks, mark]);
  const closeMark = (type: string) => {
    const i = marks.map((m) => m.type).lastIndexOf(type);
    if (i >= 0) marks = [...marks.slice(0, i), ...marks.slice(i + 1)];
  };

  for (const t of children) {
    switch (t.type) {
      case 'text':
      case 'text_special':
      case 'html_inline':
        if (marks.some((m) => m.type === 'link')) push({ type: 'text', text: t.content });
        else for (const n of splitBareMentions(t.content)) push(n);
        break;
      case 'softbreak':
      case 'hardbreak':
        push({ type: 'hardBreak' });
        break;
      case 'code_inline': {
        const m = MENTION_CODE.exec(t.content);
        if (m) push(mention(m[1]!));
        else {
          openMark({ type: 'code' });
          push({ type: 'text', text: t.content });
          closeMark('code');
        }
        break;
      }
      case 'strong_open':
        openMark({ type: 'bold' });
        break;
      case 'em_open':
        openMark({ type: 'italic' });
        break;
      case 's_open':
        openMark({ type: 'strike' });
        break;
      case 'link_open':
        openMark({ type: 'link', attrs: { href: t.attrGet('href') ?? '' } });
        break;
      case 'strong_close':
        closeMark('bold');
        break;
      case 'em_close':
        closeMark('italic');
        break;
      case 's_close':
        closeMark('strike');
        break;
      case 'link_close':
        closeMark('link');
        break;
      case 'image':
        out.push({
          type: 'image',
          attrs: { src: t.attrGet('src') ?? '', alt: t.content || null, title: t.attrGet('title') ?? null },
        });
        break;
      default:
        if (t.content) push({ type: 'text', text: t.content });
    }
  }
  return out;
}

function mention(username: string): DocNode {
  return { type: 'mention', attrs: { id: null, label: username, username } };
}

function splitBareMentions(text: string): DocNode[] {
  const out: DocNode[] = [];
  let last = 0;
  for (const m of text.matchAll(MENTION_BARE)) {
    if (m.index > last) out.push({ type: 'text', text: text.slice(last, m.index) });
    out.push(mention(m[1]!));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ type: 'text', text: text.slice(last) });
  return out;
}

function sameMarks(a: DocMark[] | undefined, b: DocMark[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}
