/**
 * The parts of Ouro's Markdown that markdown-it lacks, as markdown-it inline rules. Facts
 * from Ouro's own parser (github.com/ourofoundation/ouro-js, src/utils/air/markdown-parser.ts,
 * built on `marked` with GFM):
 * - math: `\(…\)` inline and `\[…\]` display, the LaTeX between them kept as written (trimmed);
 * - `~single~` tildes strike through, as GFM in marked does (markdown-it wants `~~`);
 * - autolinks only for URLs with a scheme, `www.` addresses and e-mail (no bare domains).
 * Each rule looks for its closer once per opener, and remembers a closer that is not there,
 * so a text full of openers stays linear.
 */
import type MarkdownIt from 'markdown-it';
import type { StateInline } from 'markdown-it';

const BACKSLASH = 0x5c;
const TILDE = 0x7e;

/** `key` → the position from which no closer exists in `src` (per parse, in `env`). */
function noCloserFrom(state: StateInline, key: string): number {
  const memo = (state.env as Record<string, { src: string; from: number } | undefined>)[key];
  return memo && memo.src === state.src ? memo.from : Infinity;
}
function rememberNoCloser(state: StateInline, key: string, from: number): void {
  (state.env as Record<string, unknown>)[key] = { src: state.src, from };
}

function mathRule(open: string, close: string, display: boolean) {
  const key = `noMathClose${open}`;
  return (state: StateInline, silent: boolean): boolean => {
    const start = state.pos;
    if (state.src.charCodeAt(start) !== BACKSLASH || state.src[start + 1] !== open[1]) return false;
    if (start >= noCloserFrom(state, key)) return false;
    const end = state.src.indexOf(close, start + 2);
    if (end < 0 || end + 2 > state.posMax) {
      if (end < 0) rememberNoCloser(state, key, start);
      return false;
    }
    if (!silent) {
      const token = state.push('math', 'span', 0);
      token.content = state.src.slice(start + 2, end).trim();
      token.meta = { display };
    }
    state.pos = end + 2;
    return true;
  };
}

function singleTilde(state: StateInline, silent: boolean): boolean {
  const start = state.pos;
  const src = state.src;
  if (src.charCodeAt(start) !== TILDE || src.charCodeAt(start + 1) === TILDE || src.charCodeAt(start - 1) === TILDE) return false;
  const end = src.indexOf('~', start + 1);
  if (end < 0 || end >= state.posMax || end === start + 1) return false;
  if (src.charCodeAt(end + 1) === TILDE || /\s/.test(src[start + 1]!) || /\s/.test(src[end - 1]!)) return false;
  if (!silent) {
    const max = state.posMax;
    state.push('s_open', 's', 1);
    state.pos = start + 1;
    state.posMax = end;
    state.md.inline.tokenize(state);
    state.push('s_close', 's', -1);
    state.posMax = max;
  }
  state.pos = end + 1;
  return true;
}

/** `www.` addresses, linked as `http://www.…` like marked's GFM autolinks. */
function wwwLinks(md: MarkdownIt): void {
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: true, fuzzyIP: false });
  md.linkify.add('www.', {
    validate(text: string, pos: number) {
      const m = /^(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[/?#][^\s<]*)?/i.exec(text.slice(pos, pos + 2048));
      return m ? m[0].replace(/[.,:;!?'")\]]+$/, '').length : 0;
    },
    normalize(match: { url: string }) {
      match.url = `http://${match.url}`;
    },
  });
}

export function ouroMarkdown(md: MarkdownIt): void {
  md.inline.ruler.before('escape', 'math_display', mathRule('\\[', '\\]', true));
  md.inline.ruler.before('escape', 'math_inline', mathRule('\\(', '\\)', false));
  md.inline.ruler.before('strikethrough', 'strike_single', singleTilde);
  wwwLinks(md);
}
