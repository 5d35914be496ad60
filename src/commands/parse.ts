/**
 * The `/ouro <text>` tokenizer and flag parser. Pure; the only error it throws is
 * `ParseError`, whose message is meant for the person who typed the command.
 *
 * Quoting rules (phones insert typographic quotes, so they count):
 * - A quote opens a group only at the start of a word: `"…"`, `“…”`, `'…'`, `‘…’`. This keeps
 *   apostrophes (`don't`, `Ada’s`) literal.
 * - A group closes at a closing quote of the same family (any of `" “ ”` for double quotes,
 *   `' ‘ ’` for single) that is followed by whitespace or the end of the text; any other quote
 *   inside is literal. No backslash escapes: `\` is an ordinary character.
 * - A group that never closes is an error naming where it started.
 */

export class ParseError extends Error {
  override readonly name = 'ParseError';
}

export interface Token {
  /** The word, quotes removed. */
  value: string;
  /** True when the word was quoted: a quoted `--x` is a value, never a flag. */
  quoted: boolean;
  /** Offsets into the original text (start inclusive, end exclusive), quotes included. */
  start: number;
  end: number;
}

const DOUBLE = new Set(['"', '“', '”', '„']);
const SINGLE = new Set(["'", '‘', '’']);
const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/** Splits `text` into words; with `limit`, stops after that many (the rest is not examined). */
export function tokenize(text: string, limit = Infinity): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n && tokens.length < limit) {
    while (i < n && isSpace(text[i])) i++;
    if (i >= n) break;
    const start = i;
    const open = text[i]!;
    const family = DOUBLE.has(open) ? DOUBLE : SINGLE.has(open) ? SINGLE : undefined;
    if (family) {
      let j = i + 1;
      let close = -1;
      for (; j < n; j++) {
        if (family.has(text[j]!) && (j + 1 === n || isSpace(text[j + 1]))) {
          close = j;
          break;
        }
      }
      if (close < 0) {
        const preview = text.slice(start, start + 20);
        throw new ParseError(`Unterminated quote: ${preview}${text.length - start > 20 ? '…' : ''} — close it with a matching quote.`);
      }
      tokens.push({ value: text.slice(i + 1, close), quoted: true, start, end: close + 1 });
      i = close + 1;
      continue;
    }
    while (i < n && !isSpace(text[i])) i++;
    tokens.push({ value: text.slice(start, i), quoted: false, start, end: i });
  }
  return tokens;
}

export type FlagKind = 'string' | 'boolean';

export interface ParsedArgs {
  positionals: Token[];
  /** Flag name (without `--`) → every value given, in order; a boolean flag holds `['true']`. */
  flags: Map<string, string[]>;
}

/**
 * Splits tokens into positionals and flags. `--name value`, `--name=value` and repeats are
 * accepted for string flags; boolean flags take no value. An unknown flag is an error that
 * lists the known ones, so a typo is never silently read as text.
 */
export function parseArgs(tokens: Token[], flagSpec: Readonly<Record<string, FlagKind>>): ParsedArgs {
  const positionals: Token[] = [];
  const flags = new Map<string, string[]>();
  const known = Object.keys(flagSpec);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.quoted || !t.value.startsWith('--') || t.value === '--') {
      positionals.push(t);
      continue;
    }
    const eq = t.value.indexOf('=');
    const name = (eq < 0 ? t.value.slice(2) : t.value.slice(2, eq)).toLowerCase();
    const kind = flagSpec[name];
    if (!kind) {
      const list = known.length ? `Known options: ${known.map((k) => `--${k}`).join(', ')}.` : 'This command takes no options.';
      throw new ParseError(`Unknown option --${name}. ${list}`);
    }
    let value: string;
    if (kind === 'boolean') {
      if (eq >= 0) throw new ParseError(`--${name} takes no value.`);
      value = 'true';
    } else if (eq >= 0) {
      value = t.value.slice(eq + 1);
    } else {
      const next = tokens[i + 1];
      if (!next || (!next.quoted && next.value.startsWith('--'))) throw new ParseError(`--${name} needs a value.`);
      value = next.value;
      i++;
    }
    if (kind === 'string' && value === '') throw new ParseError(`--${name} needs a value.`);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positionals, flags };
}

/** The original text from a token onwards (for free text such as SQL, which keeps its quotes). */
export function restFrom(text: string, token: Token): string {
  return text.slice(token.start).trim();
}
