/**
 * Discord message markup → the core's Markdown. Pure. Names of users, roles and channels
 * come from an injected lookup (the adapter fills it from the gateway payload's `mentions`
 * and discord.js caches); an unknown id stays visible as its id rather than disappearing.
 *
 * Discord-only syntax and what it becomes:
 * - `<@id>` / `<@!id>` → `@Name`; `<@&id>` → `@Role`; `<#id>` → `#channel`; `</cmd:id>` → `/cmd`
 * - custom emoji `<:name:id>` / `<a:name:id>` → `:name:`
 * - `<t:unix[:style]>` → a UTC date/time (a relative `R` cannot be static, so it becomes absolute)
 * - spoilers `||x||` → `(spoiler: x)`: Markdown has no spoiler, and the words must survive
 * - `-# small text` → the text; `>>> ` (quote to the end) → `> ` on every line
 * A backslash-escaped token (`\<@1>`) is literal on Discord and stays literal. Code is never touched.
 */
import { mapProse } from './code-spans.ts';

export interface DiscordLookup {
  user?(id: string): string | undefined;
  role?(id: string): string | undefined;
  channel?(id: string): string | undefined;
}

const NOT_ESCAPED = '(?<!\\\\)';

export function fromDiscord(text: string, lookup: DiscordLookup = {}): string {
  return mapProse(text, (prose) => convertProse(prose, lookup));
}

function convertProse(s: string, lookup: DiscordLookup): string {
  return quoteToEnd(s)
    .replace(new RegExp(`${NOT_ESCAPED}<@!?(\\d+)>`, 'g'), (_m, id: string) => `@${lookup.user?.(id) ?? id}`)
    .replace(new RegExp(`${NOT_ESCAPED}<@&(\\d+)>`, 'g'), (_m, id: string) => `@${lookup.role?.(id) ?? id}`)
    .replace(new RegExp(`${NOT_ESCAPED}<#(\\d+)>`, 'g'), (_m, id: string) => `#${lookup.channel?.(id) ?? id}`)
    .replace(new RegExp(`${NOT_ESCAPED}</([\\w -]+):\\d+>`, 'g'), (_m, name: string) => `/${name}`)
    .replace(new RegExp(`${NOT_ESCAPED}<a?:(\\w+):\\d+>`, 'g'), (_m, name: string) => `:${name}:`)
    .replace(new RegExp(`${NOT_ESCAPED}<t:(-?\\d+)(?::([tTdDfFR]))?>`, 'g'), (m, sec: string, style?: string) => formatTimestamp(Number(sec), style) ?? m)
    .replace(new RegExp(`${NOT_ESCAPED}\\|\\|([\\s\\S]+?)${NOT_ESCAPED}\\|\\|`, 'g'), (_m, inner: string) => `(spoiler: ${inner})`)
    .replace(/^-# +/gm, '');
}

/** `>>> ` quotes everything after it; Markdown needs `> ` on each line. */
function quoteToEnd(s: string): string {
  const m = /^>>> ?/m.exec(s);
  if (!m) return s;
  const head = s.slice(0, m.index);
  const rest = s.slice(m.index + m[0].length);
  return (
    head +
    rest
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n')
  );
}

/** Discord timestamp styles rendered in UTC; undefined for a time outside JavaScript's range. */
export function formatTimestamp(seconds: number, style = 'f'): string | undefined {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return undefined;
  const iso = d.toISOString();
  const date = iso.slice(0, 10);
  const hm = iso.slice(11, 16);
  switch (style) {
    case 't':
      return `${hm} UTC`;
    case 'T':
      return `${iso.slice(11, 19)} UTC`;
    case 'd':
    case 'D':
      return date;
    default:
      return `${date} ${hm} UTC`;
  }
}
