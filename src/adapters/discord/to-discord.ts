/**
 * The core's Markdown → Discord message markup. Pure. Discord renders a Markdown dialect,
 * so most text passes through; what differs, and what becomes of it:
 * - `@everyone` / `@here` get a zero-width space, and raw mention syntax (`<@1>`, `<@&1>`,
 *   `<#1>`) is backslash-escaped: text from Ouro must never ping (the adapter also sends
 *   `allowed_mentions: {parse: []}`; this keeps the text from even looking like a mention).
 * - `||` would start a spoiler on Discord → escaped.
 * - `__strong__` is underline on Discord → `**strong**`.
 * - headings deeper than `###` (Discord has three levels) → bold lines.
 * - images `![alt](url)` → links; `<br>` → line break; thematic breaks → a drawn rule.
 * - pipe tables (Discord has none) → a code block, so columns stay aligned.
 * - a line starting `-# ` (Discord subtext) is escaped.
 * Code spans and blocks are never touched.
 */
import { spoofedHost } from '../../text/links.ts';
import { mapProse, splitCode } from './code-spans.ts';

const ZWSP = '\u200b';
/** `[label](https://…)`: labels and URLs bounded, so finding them stays linear. */
const LINK = /(?<!!)\[([^\][\n]{1,300})\]\(<?(https?:\/\/[^\s()<>]{1,2000})>?(?:\s+"[^"\n]{0,300}")?\)/g;

export function toDiscord(markdown: string): string {
  return tablesToCode(markdown.replace(/\r\n?/g, '\n'))
    .map((part) => (part.code ? part.text : mapProse(part.text, convertProse)))
    .join('');
}

function convertProse(s: string): string {
  return (
    s
      .replace(/@(everyone|here)\b/g, `@${ZWSP}$1`)
      .replace(/(?<!\\)<(@[!&]?\d+|#\d+|t:-?\d+(?::\w)?|a?:\w+:\d+)>/g, '\\<$1>')
      .replace(/\|\|/g, '\\|\\|')
      // Bounded spans keep every pattern linear in the text (an unbounded lazy span rescans to the end from each opener).
      .replace(/(^|[^\w\\_])__(?=\S)([^\n]{0,500}?\S)__(?![\w_])/g, '$1**$2**')
      .replace(/^#{4,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm, '**$1**')
      .replace(/!\[([^\][\n]{0,300})\]\(([^()\s]{1,2000})(?:\s+"[^"\n]{0,300}")?\)/g, (_m, alt: string, url: string) => (alt ? `[${alt}](${url})` : url))
      .replace(LINK, (m, label: string, url: string) => {
        const real = spoofedHost(label, url);
        return real ? `${m} (${real})` : m;
      })
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/gm, '──────────')
      .replace(/^-# /gm, '\\-# ')
  );
}

const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TABLE_SEP = /^\s*\|(?:\s*:?-+:?\s*\|)+\s*$/;

/**
 * Finds pipe tables (a header row, a `|---|` separator, then rows) outside code and turns
 * each into a fenced block with padded columns. Returns segments: tables and existing code
 * come back as `code: true` so the prose converter leaves them alone.
 */
function tablesToCode(markdown: string): { code: boolean; text: string }[] {
  const out: { code: boolean; text: string }[] = [];
  for (const seg of splitCode(markdown)) {
    if (seg.code) {
      out.push(seg);
      continue;
    }
    const lines = seg.text.split('\n');
    let prose: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (TABLE_ROW.test(lines[i]!) && i + 1 < lines.length && TABLE_SEP.test(lines[i + 1]!)) {
        let j = i + 2;
        while (j < lines.length && TABLE_ROW.test(lines[j]!)) j++;
        out.push({ code: false, text: prose.join('\n') + (prose.length ? '\n' : '') });
        prose = [];
        out.push({ code: true, text: renderPipeTable([lines[i]!, ...lines.slice(i + 2, j)]) });
        i = j - 1;
        if (j < lines.length) prose.push('');
        continue;
      }
      prose.push(lines[i]!);
    }
    out.push({ code: false, text: prose.join('\n') });
  }
  return out.filter((p) => p.text !== '');
}

function renderPipeTable(rows: string[]): string {
  const cells = rows.map((r) =>
    r
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|')),
  );
  const widths: number[] = [];
  for (const row of cells) row.forEach((c, k) => (widths[k] = Math.max(widths[k] ?? 0, c.length)));
  const line = (row: string[]) =>
    widths
      .map((w, k) => (row[k] ?? '').padEnd(w))
      .join('  ')
      .trimEnd();
  const [head, ...body] = cells;
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return ['```', line(head!), rule, ...body.map(line), '```'].join('\n');
}
