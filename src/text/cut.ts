/**
 * The one way text is cut to fit a limit: on grapheme boundaries (Intl.Segmenter), so an
 * emoji, a flag or a letter with its accents is never split and no lone surrogate is sent.
 * Lengths are UTF-16 units (String.length): Slack and Discord count at least that finely,
 * so a text that fits here fits there.
 */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** A grapheme longer than this (a pile of combining marks) may be cut at a code point. */
const LONG_GRAPHEME = 64;

/**
 * The largest index ≤ `max` that is a grapheme boundary of `text`. Whether `max` is a
 * boundary depends on the code point at it and on a short stretch before it (UAX #29), so
 * only that window is segmented: the cost does not grow with the text.
 */
export function boundaryAtOrBefore(text: string, max: number): number {
  if (max >= text.length) return text.length;
  if (max <= 0) return 0;
  let from = Math.max(0, max - LONG_GRAPHEME);
  if (from > 0 && isLow(text.charCodeAt(from))) from--;
  const at = from + (graphemes.segment(text.slice(from, max + 2)).containing(max - from)?.index ?? max - from);
  if (at > from || from === 0) return at;
  return isHigh(text.charCodeAt(max - 1)) ? max - 1 : max;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** `text` cut to at most `max` units, ending in `mark` when cut. */
export function truncate(text: string, max: number, mark = '…'): string {
  if (text.length <= max) return text;
  if (max <= mark.length) return mark.slice(0, Math.max(0, max));
  return text.slice(0, boundaryAtOrBefore(text, max - mark.length)) + mark;
}

/** The head of `text` of at most `max` units, cut on a grapheme boundary, with no mark. */
export function head(text: string, max: number): string {
  return text.slice(0, boundaryAtOrBefore(text, max));
}

/** True when `text` holds a UTF-16 surrogate without its pair (what a careless cut leaves). */
export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
