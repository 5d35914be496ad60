/**
 * Markdown → Slack mrkdwn (pure). The core speaks Markdown; Slack reads `*bold*`, `_italic_`,
 * `~strike~`, `<url|text>`, and needs `&`, `<`, `>` escaped everywhere (inside code too),
 * otherwise `<!channel>` typed on Ouro would ping a whole channel. Headings become bold
 * lines, tables become a monospace block, links with a non-web scheme (`dataset:<id>`) keep
 * their label and show the target in brackets rather than being dropped.
 */
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import { spoofedHost } from '../../text/links.ts';

// html: false → raw HTML arrives as text and is escaped, never interpreted.
const parser = new MarkdownIt({ html: false, linkify: false, typographer: false });

export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Three backticks inside would close Slack's block early; zero-width spaces keep them apart. */
export const codeBlockBody = (code: string) => escapeSlack(code).replace(/```/g, '`\u200b`\u200b`');

export function toSlack(markdown: string): string {
  const tokens = parser.parse(markdown, {});
  return renderBlocks(tokens, 0, undefined)
    .text.replace(/\n{3,}/g, '\n\n')
    .trim();
}

interface Rendered {
  text: string;
  next: number;
}

function renderBlocks(tokens: Token[], start: number, stop: string | undefined): Rendered {
  const parts: string[] = [];
  let tight = false;
  let i = start;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (stop && t.type === stop) return { text: joinParts(parts, tight), next: i + 1 };
    switch (t.type) {
      case 'paragraph_open':
        tight ||= t.hidden;
        parts.push(renderInline(tokens[i + 1]?.children ?? []));
        i += 3;
        continue;
      case 'heading_open':
        parts.push(`*${renderInline(tokens[i + 1]?.children ?? [])}*`);
        i += 3;
        continue;
      case 'blockquote_open': {
        const r = renderBlocks(tokens, i + 1, 'blockquote_close');
        parts.push(
          r.text
            .split('\n')
            .map((l) => `> ${l}`)
            .join('\n'),
        );
        i = r.next;
        continue;
      }
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const r = renderList(tokens, i);
        parts.push(r.text);
        i = r.next;
        continue;
      }
      case 'fence':
      case 'code_block':
        parts.push(`\`\`\`\n${codeBlockBody(t.content.replace(/\n$/, ''))}\n\`\`\``);
        break;
      case 'hr':
        parts.push('──────────');
        break;
      case 'html_block':
        parts.push(escapeSlack(t.content.replace(/\n+$/, '')));
        break;
      case 'table_open': {
        const r = renderTable(tokens, i);
        parts.push(r.text);
        i = r.next;
        continue;
      }
      default:
        break;
    }
    i++;
  }
  return { text: joinParts(parts, tight), next: i };
}

/** Tight list items hold hidden paragraphs: their parts sit on consecutive lines. */
function joinParts(parts: string[], tight: boolean): string {
  return parts.join(tight ? '\n' : '\n\n');
}

function renderList(tokens: Token[], start: number): Rendered {
  const open = tokens[start]!;
  const ordered = open.type === 'ordered_list_open';
  const close = ordered ? 'ordered_list_close' : 'bullet_list_close';
  let n = ordered ? Number(open.attrGet('start') ?? 1) : 0;
  const items: string[] = [];
  let i = start + 1;
  while (i < tokens.length && tokens[i]!.type !== close) {
    if (tokens[i]!.type === 'list_item_open') {
      const r = renderBlocks(tokens, i + 1, 'list_item_close');
      const marker = ordered ? `${n++}.` : '•';
      const pad = ' '.repeat(marker.length + 1);
      items.push(`${marker} ${r.text.split('\n').join(`\n${pad}`)}`);
      i = r.next;
      continue;
    }
    i++;
  }
  return { text: items.join('\n'), next: i + 1 };
}

function renderTable(tokens: Token[], start: number): Rendered {
  const rows: string[][] = [];
  let i = start + 1;
  let row: string[] | undefined;
  for (; i < tokens.length && tokens[i]!.type !== 'table_close'; i++) {
    const t = tokens[i]!;
    if (t.type === 'tr_open') row = [];
    else if (t.type === 'tr_close' && row) rows.push(row);
    else if (t.type === 'inline' && row) row.push(plainInline(t.children ?? []));
  }
  const widths = rows[0]?.map((_c, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const lines = rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join(' | ')
      .trimEnd(),
  );
  if (lines.length > 1) lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('-+-'));
  return { text: `\`\`\`\n${codeBlockBody(lines.join('\n'))}\n\`\`\``, next: i + 1 };
}

function plainInline(children: Token[]): string {
  return children.map((c) => (c.type === 'softbreak' || c.type === 'hardbreak' ? ' ' : c.content)).join('');
}

const WEB_LINK = /^(https?:|mailto:)/i;

/**
 * Characters that would end or split Slack's `<url|text>` are percent-encoded; `&` becomes
 * `&amp;` as everywhere in mrkdwn (docs.slack.dev/messaging/formatting-message-text#escaping-text).
 */
const slackUrl = (href: string) => href.replace(/[<>| ]/g, (c) => encodeURIComponent(c)).replace(/&/g, '&amp;');

function renderInline(children: Token[]): string {
  let out = '';
  for (let i = 0; i < children.length; i++) {
    const t = children[i]!;
    switch (t.type) {
      case 'text':
        // A literal backtick could pair with another into a Slack code span Markdown never
        // had (showing raw link syntax); the look-alike ˋ cannot.
        out += escapeSlack(t.content).replace(/`/g, 'ˋ');
        break;
      case 'softbreak':
      case 'hardbreak':
        out += '\n';
        break;
      case 'strong_open':
      case 'strong_close':
        out += '*';
        break;
      case 'em_open':
      case 'em_close':
        out += '_';
        break;
      case 's_open':
      case 's_close':
        out += '~';
        break;
      case 'code_inline':
        // Slack's inline code cannot hold a backtick; the look-alike ˋ keeps the text.
        out += `\`${escapeSlack(t.content).replace(/`/g, 'ˋ')}\``;
        break;
      case 'html_inline':
        out += escapeSlack(t.content);
        break;
      case 'image': {
        const src = t.attrGet('src') ?? '';
        const alt = plainInline(t.children ?? []) || t.content;
        out += WEB_LINK.test(src) ? `<${slackUrl(src)}|${escapeSlack(alt || src)}>` : escapeSlack(alt || src);
        break;
      }
      case 'link_open': {
        const href = t.attrGet('href') ?? '';
        let depth = 1;
        let j = i + 1;
        for (; j < children.length; j++) {
          if (children[j]!.type === 'link_open') depth++;
          if (children[j]!.type === 'link_close' && --depth === 0) break;
        }
        const label = renderInline(children.slice(i + 1, j));
        const i0 = i;
        i = j;
        if (!WEB_LINK.test(href)) {
          out += href ? `${label} (${escapeSlack(href)})` : label;
        } else if (label === '' || label === escapeSlack(href) || `mailto:${label}` === href) {
          out += `<${slackUrl(href)}>`;
        } else {
          const real = spoofedHost(plainInline(children.slice(i0 + 1, j)), href);
          out += `<${slackUrl(href)}|${label.replace(/\|/g, '∣')}>${real ? ` (${escapeSlack(real)})` : ''}`;
        }
        break;
      }
      default:
        if (t.content) out += escapeSlack(t.content);
    }
  }
  return out;
}
