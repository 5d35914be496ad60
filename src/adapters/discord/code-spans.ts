/**
 * Splits text into code and non-code segments, so converters rewrite only prose: nothing
 * inside `inline code` or ```fenced blocks``` is ever touched. Same rule as CommonMark and
 * Discord: a run of N backticks opens a span that the next run of exactly N backticks closes;
 * a run with no partner is literal text.
 */
export interface Segment {
  code: boolean;
  text: string;
}

export function splitCode(text: string): Segment[] {
  const out: Segment[] = [];
  let prose = '';
  let i = 0;
  // Lengths of backtick runs known to have no partner further on: not searched for again,
  // so a text of many unmatched runs stays linear.
  const unmatched = new Set<number>();
  while (i < text.length) {
    if (text[i] !== '`' || (i > 0 && text[i - 1] === '\\' && !isEscapedBackslash(text, i - 1))) {
      prose += text[i];
      i++;
      continue;
    }
    let n = 0;
    while (text[i + n] === '`') n++;
    const close = unmatched.has(n) ? -1 : findRun(text, i + n, n);
    if (close < 0) {
      unmatched.add(n);
      prose += text.slice(i, i + n);
      i += n;
      continue;
    }
    if (prose) out.push({ code: false, text: prose });
    prose = '';
    out.push({ code: true, text: text.slice(i, close + n) });
    i = close + n;
  }
  if (prose) out.push({ code: false, text: prose });
  return out;
}

/** Applies `fn` to the prose segments only and joins everything back. */
export function mapProse(text: string, fn: (prose: string) => string): string {
  return splitCode(text)
    .map((s) => (s.code ? s.text : fn(s.text)))
    .join('');
}

function findRun(text: string, from: number, n: number): number {
  let i = from;
  while (i < text.length) {
    if (text[i] !== '`') {
      i++;
      continue;
    }
    let m = 0;
    while (text[i + m] === '`') m++;
    if (m === n) return i;
    i += m;
  }
  return -1;
}

/** True when the backslash at `i` is itself escaped (an even run of backslashes before it). */
function isEscapedBackslash(text: string, i: number): boolean {
  let k = 0;
  while (i - 1 - k >= 0 && text[i - 1 - k] === '\\') k++;
  return k % 2 === 1;
}
