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

/** The index of the quote closing the group opened at `open`, or -1. */
function closingQuote(text: string, open: number, family: Set<string>): number {
  for (let j = open + 1; j < text.length; j++) {
    if (family.has(text[j]!) && (j + 1 === text.length || isSpace(text[j + 1]))) return j;
  }
  return -1;
}

function unterminated(text: string, start: number): ParseError {
  const preview = text.slice(start, start + 20);
  return new ParseError(`Unterminated quote: ${preview}${text.length - start > 20 ? '…' : ''} — close it with a matching quote.`);
}

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
      const close = closingQuote(text, i, family);
      if (close < 0) throw unterminated(text, start);
      tokens.push({ value: text.slice(i + 1, close), quoted: true, start, end: close + 1 });
      i = close + 1;
      continue;
    }
    while (i < n && !isSpace(text[i])) {
      // `--flag="two words"`: a quote right after the `=` of an option groups its value.
      const q = text[i]!;
      const fam = DOUBLE.has(q) ? DOUBLE : SINGLE.has(q) ? SINGLE : undefined;
      if (fam && text[i - 1] === '=' && text.startsWith('--', start)) {
        const close = closingQuote(text, i, fam);
        if (close < 0) throw unterminated(text, i);
        tokens.push({ value: text.slice(start, i) + text.slice(i + 1, close), quoted: false, start, end: close + 1 });
        i = close + 1;
        break;
      }
      i++;
    }
    if (tokens.at(-1)?.start === start) continue;
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
  return unwrapQuotes(text.slice(token.start).trim());
}

/** Pairs that may wrap a whole free-text argument (phones type the typographic ones). */
const WRAPPERS: [string, string][] = [
  ['"', '"'],
  ['\u201c', '\u201d'],
  ["'", "'"],
  ['\u2018', '\u2019'],
];

/**
 * Free text wrapped whole in one pair of quotes (`"SELECT … LIMIT 2"`) loses that pair, as
 * people quote SQL out of habit. Only when the quote character does not occur inside, so
 * SQL's own quoting (`'text'`, `"Column"`) is never touched.
 */
export function unwrapQuotes(text: string): string {
  for (const [open, close] of WRAPPERS) {
    if (text.length < 2 || !text.startsWith(open) || !text.endsWith(close)) continue;
    const inner = text.slice(open.length, text.length - close.length);
    if (!inner.includes(open) && !inner.includes(close)) return inner.trim();
  }
  return text;
}
