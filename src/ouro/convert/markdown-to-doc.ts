/**
 * Markdown (GFM as chat people write it) → TipTap doc of docs/ouro-api.md §5.2. Pure.
 * The one Markdown parser for Markdown → Ouro doc.
 *
 * It produces what Ouro's own parser (ouro-js src/utils/air/markdown-parser.ts: marked with
 * GFM, math and mention extensions) produces, on markdown-it's token stream:
 * `\(…\)`/`\[…\]` math (markdown-extensions.ts), `~x~` strike, links only for URLs with a
 * scheme, `www.` and e-mail, `` `{@username}` `` and `{@username}` → `mention` (inside link
 * text too), a fenced `assetComponent` JSON object → embed, task items, link titles, code
 * blocks keeping their closing newline.
 *
 * Deliberate differences, because chat authors are better served (README "Limits"):
 * - a single newline is a line break (`hardBreak`); Ouro's parser joins the lines;
 * - HTML-looking text stays text (`html: false`); Ouro's parser passes HTML through;
 * - a `javascript:` (or other unsafe) link stays visible as the text that was written;
 * - an `assetComponent` block that is not a JSON object with an id stays a code block.
 * ProseMirror forbids empty text nodes and empty docs: none are emitted, and an empty input
 * gives one empty paragraph; containers that need a child get an empty paragraph.
 */
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import type { Doc, DocMark, DocNode } from '../types.ts';
import { ouroMarkdown } from './markdown-extensions.ts';

const md = new MarkdownIt('default', { html: false, linkify: true, breaks: true });
md.use(ouroMarkdown);

/**
 * Ouro's math node. Ouro's parser emits `<span data-latex=… data-display-mode=…>` and the
 * node's type name is not published (docs/ouro-api.md §5.2): this name is our assumption,
 * kept in this one place.
 */
export const MATH_NODE = 'inlineMath';

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

/**
 * The longest text parsed as Markdown: three Discord (Nitro) messages' worth. markdown-it is
 * linear, but at Slack's 40,000 characters its worst inputs take a few hundred milliseconds,
 * which would hold up every other message. A longer text arrives as plain text, its lines kept.
 */
export const PARSE_MAX = 12_000;

export function markdownToDoc(markdown: string): Doc {
  if (markdown.length > PARSE_MAX) return plainDoc(markdown);
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
  return { type: 'doc', content: root.content?.length ? root.content : [{ type: 'paragraph' }] };
}

/** Text as written: a paragraph per blank-line-separated block, a line break per newline. */
function plainDoc(text: string): Doc {
  const content = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .filter((block) => block.trim())
    .map((block) =>
      paragraph(block.split('\n').flatMap((line, i) => [...(i ? [{ type: 'hardBreak' }] : []), ...(line ? [{ type: 'text', text: line }] : [])])),
    );
  return { type: 'doc', content: content.length ? content : [{ type: 'paragraph' }] };
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
  const isTask = (i: DocNode) => TASK_PREFIX.test(firstText(i)?.text ?? '');
  if (items.length === 0 || !items.some(isTask)) return list;
  // Mixed with plain items, Ouro's parser draws a checkbox its editor drops: the item keeps its text only.
  if (!items.every(isTask))
    return { ...list, content: items.map((item) => (isTask(item) ? { ...item, content: [paragraph(afterCheckbox(item)), ...item.content!.slice(1)] } : item)) };
  return {
    type: 'taskList',
    content: items.map((item) => ({
      type: 'taskItem',
      attrs: { checked: TASK_PREFIX.exec(firstText(item)!.text!)![1] !== ' ' },
      content: [paragraph(afterCheckbox(item)), ...item.content!.slice(1)],
    })),
  };
}

/** The first paragraph's inline content of a task item, without its `[ ]`/`[x]`. */
function afterCheckbox(item: DocNode): DocNode[] {
  const p = item.content![0]!;
  const t = p.content![0]!;
  const rest = t.text!.slice(TASK_PREFIX.exec(t.text!)![0].length);
  const inline = p.content!.slice(1);
  if (rest) inline.unshift({ ...t, text: rest });
  // A line break right after the checkbox would start the item with an empty line.
  if (inline[0]?.type === 'hardBreak') inline.shift();
  return inline;
}

/** The code keeps its closing newline, as Ouro's parser leaves it (`<pre><code>…\n</code></pre>`). */
function codeBlock(language: string | null, code: string): DocNode {
  const text = code;
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
    if (node.type === 'text' || node.type === 'mention' || node.type === MATH_NODE) {
      if (node.type === 'text' && !node.text) return;
      if (marks.length) node.marks = marks.map((m) => ({ ...m }));
      const prev = out.at(-1);
      if (node.type === 'text' && prev?.type === 'text' && sameMarks(prev.marks, node.marks)) {
        prev.text = (prev.text ?? '') + (node.text ?? '');
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
        for (const n of splitBareMentions(t.content)) push(n);
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
      case 'link_open': {
        const title = t.attrGet('title');
        openMark({ type: 'link', attrs: { href: t.attrGet('href') ?? '', ...(title ? { title } : {}) } });
        break;
      }
      case 'math':
        push({ type: MATH_NODE, attrs: { latex: t.content, displayMode: t.meta?.display === true } });
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
