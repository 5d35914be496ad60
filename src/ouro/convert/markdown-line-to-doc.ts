/**
 * The common chat message without the Markdown parser: one line of plain words, optionally
 * with `**bold**` spans (every message the bridge writes starts `**Author** (Platform): `).
 * It yields exactly what markdown-to-doc.ts's parser path yields for such a line (a test
 * compares the two over generated lines), or undefined for anything else, which then takes
 * the parser. Why: inside a busy bridge, markdown-it took a median 62 µs per message
 * (measured; 6 µs in a warm loop), on the path between the chat event and the Ouro call.
 */
import type { Doc, DocNode } from '../types.ts';

/**
 * Characters that start Markdown or Ouro syntax anywhere in a line (escapes, code, emphasis,
 * strike, links, images, autolinks, entities, tables, `{@mention}`), plus line breaks and
 * NUL (which the parser rewrites). A line holding none is literal text apart from links.
 */
const SYNTAX = /[\n\r\0\\`*_~[\]!<>&{}|]/;
/** What a line may not start with: headings, quotes, list markers, rules, setext, indented code. */
const BLOCK_START = /^(?:[#>+=-]|\d{1,9}[.)]|\s)/;
/** A bold span's first and last characters: a letter or digit flanks `**` unambiguously. */
const WORDLIKE = /^[\p{L}\p{N}]$/u;

/**
 * The doc of `line`, or undefined when it needs the parser. `linkifies` says whether the
 * parser would turn part of it into a link (a bare URL, domain or e-mail address).
 */
export function lineToDoc(line: string, linkifies: (text: string) => boolean): Doc | undefined {
  if (line.length === 0 || BLOCK_START.test(line) || /\s$/.test(line)) return undefined;
  const content: DocNode[] = [];
  let at = 0;
  while (at < line.length) {
    const open = line.indexOf('**', at);
    if (open < 0) {
      if (!pushPlain(content, line.slice(at))) return undefined;
      break;
    }
    const close = line.indexOf('**', open + 2);
    if (close < 0) return undefined;
    const inner = line.slice(open + 2, close);
    // `**` opens after a line start or a space, closes before a space or the end, around
    // a word-like first and last character: no other reading of it exists.
    const before = line[open - 1];
    const after = line[close + 2];
    if (before !== undefined && before !== ' ') return undefined;
    if (after !== undefined && after !== ' ') return undefined;
    if (!WORDLIKE.test(inner[0] ?? '') || !WORDLIKE.test(inner.at(-1)!)) return undefined;
    if (!pushPlain(content, line.slice(at, open))) return undefined;
    if (SYNTAX.test(inner)) return undefined;
    content.push({ type: 'text', text: inner, marks: [{ type: 'bold' }] });
    at = close + 2;
  }
  if (linkifies(line)) return undefined;
  return { type: 'doc', content: [{ type: 'paragraph', content }] };
}

/** Appends a run of literal text; false when it holds syntax. */
function pushPlain(content: DocNode[], text: string): boolean {
  if (text === '') return true;
  if (SYNTAX.test(text)) return false;
  content.push({ type: 'text', text });
  return true;
}
