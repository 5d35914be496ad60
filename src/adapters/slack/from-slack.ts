/**
 * Slack → Markdown (pure). A message's `rich_text` blocks are what the author typed, so they
 * win when present; otherwise the `text` field is read as mrkdwn. Mentions become `@Name`
 * through an injected lookup (the caller resolves ids first: see `mentionedUserIds`); an id
 * the lookup does not know stays visible as `@U…` rather than disappearing.
 */
import { replaceEmoji, unicodeFromHex } from './emoji.ts';

export interface NameLookup {
  userName?: (id: string) => string | undefined;
  channelName?: (id: string) => string | undefined;
}

export interface SlackMessageLike {
  text?: string;
  blocks?: readonly unknown[];
}

export function fromSlack(message: SlackMessageLike, names: NameLookup = {}): string {
  const rich = richTextToMarkdown(message.blocks, names);
  return rich ?? mrkdwnToMarkdown(message.text ?? '', names);
}

/** User ids mentioned in a message (text and rich_text), for resolving names beforehand. */
export function mentionedUserIds(message: SlackMessageLike): string[] {
  const ids = new Set<string>();
  for (const m of (message.text ?? '').matchAll(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g)) ids.add(m[1]!);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'user' && typeof n.user_id === 'string') ids.add(n.user_id);
    if (Array.isArray(n.elements)) walk(n.elements);
  };
  walk(message.blocks ?? []);
  return [...ids];
}

// ---------------------------------------------------------------- mrkdwn

/** Private-use delimiters for spans already converted (code, links); they never occur in Slack text. */
const HOLD_OPEN = '\uE000';
const HOLD_CLOSE = '\uE001';

export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function mrkdwnToMarkdown(text: string, names: NameLookup = {}): string {
  const held: string[] = [];
  const hold = (markdown: string) => `${HOLD_OPEN}${held.push(markdown) - 1}${HOLD_CLOSE}`;
  let s = text.replace(/[\uE000\uE001]/g, '');

  // Code first: nothing inside is formatting. Slack escapes & < > inside code as well.
  // A fence must stand on its own lines in Markdown; Slack allows ```code``` mid-line.
  s = s.replace(/```([\s\S]*?)```[ \t]*/g, (whole, code: string, at: number, all: string) => {
    const body = unescapeSlack(code).replace(/^\n/, '').replace(/\n$/, '');
    const before = at === 0 || all[at - 1] === '\n' ? '' : '\n';
    const after = at + whole.length >= all.length || all[at + whole.length] === '\n' ? '' : '\n';
    return `${before}${hold(`\`\`\`\n${body}\n\`\`\``)}${after}`;
  });
  s = s.replace(/`([^`\n]+)`/g, (_w, code: string) => hold(`\`${unescapeSlack(code)}\``));
  // Angle-bracket tokens: mentions, channels, links, specials.
  s = s.replace(/<([^<>\n]+)>/g, (_w, inner: string) => hold(angleToken(inner, names)));

  // Line structure: "&gt;&gt;&gt;" quotes the rest; "&gt;" (any depth) quotes a line; bullets become "-".
  const lines = s.split('\n');
  let quoteRest = false;
  const out = lines.map((line) => {
    let l = line;
    let prefix = quoteRest ? '> ' : '';
    const rest = /^&gt;&gt;&gt;\s?/.exec(l);
    if (!quoteRest && rest) {
      quoteRest = true;
      prefix = '> ';
      l = l.slice(rest[0].length);
    } else {
      const q = /^((?:&gt;|>)\s?)+/.exec(l);
      if (q) {
        const depth = (q[0].match(/&gt;|>/g) ?? []).length;
        prefix += '> '.repeat(depth);
        l = l.slice(q[0].length);
      }
    }
    l = l.replace(/^(\s*)[•◦▪▫‣⁃]\s+/, '$1- ');
    l = l.replace(/^(\s*)(#{1,6})(?=\s)/, '$1\\$2');
    return prefix + inlineStyles(l);
  });
  s = out.join('\n');

  s = unescapeSlack(s).replace(/<(?=[A-Za-z/!?])/g, '\\<');
  s = replaceEmoji(s);
  s = s.replace(new RegExp(`${HOLD_OPEN}(\\d+)${HOLD_CLOSE}`, 'g'), (_w, i: string) => held[Number(i)]!);
  return s.replace(/^\n+|\n+$/g, '').replace(/\n{3,}/g, '\n\n');
}

/** Slack emphasis: the marker hugs non-space text and sits at a word boundary. */
function inlineStyles(line: string): string {
  return line.replace(/(^|[^\w*])\*(?!\s)([^*\n]*?[^\s*])\*(?![\w*])/g, '$1**$2**').replace(/(^|[^\w~])~(?!\s)([^~\n]*?[^\s~])~(?![\w~])/g, '$1~~$2~~');
}

function angleToken(inner: string, names: NameLookup): string {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : unescapeSlack(inner.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `@${names.userName?.(id) ?? label ?? id}`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return `#${label ?? names.channelName?.(id) ?? id}`;
  }
  if (target.startsWith('!')) {
    const special = target.slice(1);
    if (['here', 'channel', 'everyone'].includes(special)) return `@${special}`;
    if (special.startsWith('subteam^')) return label ?? `@${special.slice('subteam^'.length)}`;
    return label ?? `<${special}>`;
  }
  const url = unescapeSlack(target);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return unescapeSlack(inner);
  if (label === undefined || label === url) return `<${url}>`;
  return `[${escapeLinkText(label)}](${escapeUrl(url)})`;
}

const escapeLinkText = (t: string) => t.replace(/([[\]\\])/g, '\\$1');
const escapeUrl = (u: string) => u.replace(/[ ()]/g, (c) => encodeURIComponent(c));

// ---------------------------------------------------------------- rich_text

type Node = Record<string, unknown>;

/** Markdown from the message's rich_text blocks, or undefined when it has none. */
export function richTextToMarkdown(blocks: readonly unknown[] | undefined, names: NameLookup = {}): string | undefined {
  const rich = (blocks ?? []).filter((b): b is Node => !!b && typeof b === 'object' && (b as Node).type === 'rich_text');
  if (rich.length === 0) return undefined;
  const parts = rich.map((b) => blockElements(asNodes(b.elements), names));
  return parts
    .join('\n')
    .replace(/^\n+|\n+$/g, '')
    .replace(/\n{3,}/g, '\n\n');
}

function asNodes(value: unknown): Node[] {
  return Array.isArray(value) ? value.filter((v): v is Node => !!v && typeof v === 'object') : [];
}

function blockElements(elements: Node[], names: NameLookup): string {
  let out = '';
  const startLine = () => {
    if (out !== '' && !out.endsWith('\n')) out += '\n';
  };
  for (const el of elements) {
    switch (el.type) {
      case 'rich_text_section':
        out += inlines(asNodes(el.elements), names);
        break;
      case 'rich_text_list': {
        startLine();
        const indent = '   '.repeat(typeof el.indent === 'number' ? Math.max(0, Math.min(el.indent, 8)) : 0);
        const start = typeof el.offset === 'number' ? el.offset + 1 : 1;
        asNodes(el.elements).forEach((item, i) => {
          const marker = el.style === 'ordered' ? `${start + i}.` : '-';
          out += `${indent}${marker} ${inlines(asNodes(item.elements), names).replace(/\n/g, `\n${indent}   `)}\n`;
        });
        break;
      }
      case 'rich_text_preformatted': {
        startLine();
        const code = asNodes(el.elements)
          .map((n) => plain(n, names))
          .join('');
        out += `\`\`\`\n${code.replace(/\n$/, '')}\n\`\`\`\n`;
        break;
      }
      case 'rich_text_quote': {
        startLine();
        const text = inlines(asNodes(el.elements), names).replace(/\n$/, '');
        out += `${text
          .split('\n')
          .map((l) => `> ${l}`)
          .join('\n')}\n`;
        break;
      }
      default:
        // Unknown container: keep whatever text it has rather than dropping it.
        out += inlines(asNodes(el.elements), names);
    }
  }
  return out;
}

interface Style {
  bold?: boolean;
  italic?: boolean;
  strike?: boolean;
  code?: boolean;
}

function inlines(nodes: Node[], names: NameLookup): string {
  return nodes.map((n) => inline(n, names)).join('');
}

/** Text of an element with no styling (inside preformatted blocks). */
function plain(n: Node, names: NameLookup): string {
  if (n.type === 'text') return String(n.text ?? '');
  if (n.type === 'link') return String(n.text ?? n.url ?? '');
  return inline(n, names);
}

function inline(n: Node, names: NameLookup): string {
  const style = (n.style ?? {}) as Style;
  switch (n.type) {
    case 'text':
      return styled(escapeMarkdown(String(n.text ?? '')), String(n.text ?? ''), style);
    case 'link': {
      const url = String(n.url ?? '');
      const text = typeof n.text === 'string' && n.text !== '' ? n.text : undefined;
      const md = text === undefined || text === url ? `<${url}>` : `[${escapeLinkText(text)}](${escapeUrl(url)})`;
      return styled(md, undefined, { ...style, code: false });
    }
    case 'user': {
      const id = String(n.user_id ?? '');
      return `@${names.userName?.(id) ?? id}`;
    }
    case 'usergroup':
      return `@${String(n.usergroup_id ?? '')}`;
    case 'channel': {
      const id = String(n.channel_id ?? '');
      return `#${names.channelName?.(id) ?? id}`;
    }
    case 'broadcast':
      return `@${String(n.range ?? 'here')}`;
    case 'emoji': {
      const fromHex = typeof n.unicode === 'string' ? unicodeFromHex(n.unicode) : undefined;
      return fromHex ?? replaceEmoji(`:${String(n.name ?? '')}:`);
    }
    case 'date':
      return String(n.fallback ?? new Date(Number(n.timestamp) * 1000).toISOString());
    case 'color':
      return String(n.value ?? '');
    default:
      return typeof n.text === 'string' ? escapeMarkdown(n.text) : '';
  }
}

/** Wraps styled text, keeping edge spaces outside the markers (`** x**` would not render). */
function styled(markdown: string, raw: string | undefined, style: Style): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(style.code && raw !== undefined ? raw : markdown)!;
  let core = m[2]!;
  if (core === '') return m[0];
  if (style.code) core = core.includes('`') ? `\`\` ${core} \`\`` : `\`${core}\``;
  if (style.strike) core = `~~${core}~~`;
  if (style.italic) core = `_${core}_`;
  if (style.bold) core = `**${core}**`;
  return m[1] + core + m[3];
}

/** rich_text is literal: characters Markdown would read as formatting get a backslash. */
function escapeMarkdown(text: string): string {
  return text
    .replace(/([\\`*_~[\]])/g, '\\$1')
    .replace(/<(?=[A-Za-z/!?])/g, '\\<')
    .replace(/^(\s*)(#{1,6}|>|[-+])(?=\s)/gm, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s)/gm, '$1\\$2');
}
