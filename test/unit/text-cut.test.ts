import { describe, expect, it } from 'vitest';
import { boundaryAtOrBefore, hasLoneSurrogate, head, truncate } from '../../src/text/cut.ts';

describe('truncate: cuts on grapheme boundaries', () => {
  const cases: [string, string, number, string][] = [
    ['short text is kept', 'hello', 5, 'hello'],
    ['ASCII gets an ellipsis', 'hello world', 6, 'hello…'],
    ['a surrogate pair is not split', 'ab😀cd', 4, 'ab…'],
    ['a skin-tone emoji stays whole', 'ab👍🏽cd', 5, 'ab…'],
    ['a flag stays whole', '🇫🇷🇩🇪', 7, '🇫🇷…'],
    ['a family (ZWJ sequence) stays whole', 'x👨‍👩‍👧y', 8, 'x…'],
    ['an accent stays on its letter', 'cafe\u0301s', 5, 'caf…'],
    ['no room for text: the mark alone', '😀😀', 1, '…'],
  ];
  it.each(cases)('%s', (_name, text, max, want) => {
    const got = truncate(text, max);
    expect(got).toBe(want);
    expect(got.length).toBeLessThanOrEqual(max);
    expect(hasLoneSurrogate(got)).toBe(false);
  });

  it('head cuts without a mark', () => {
    expect(head('ab😀', 3)).toBe('ab');
    expect(head('ab😀', 4)).toBe('ab😀');
  });

  it('a pile of combining marks longer than the window is cut at a code point', () => {
    const zalgo = `a${'\u0301'.repeat(500)}`;
    const at = boundaryAtOrBefore(zalgo, 300);
    expect(at).toBe(300);
  });

  it('never leaves a lone surrogate, at every cut of a text of emoji', () => {
    const text = '😀🇫🇷👍🏽a👨‍👩‍👧é'.repeat(3);
    for (let max = 0; max <= text.length; max++) {
      const at = boundaryAtOrBefore(text, max);
      expect(at).toBeLessThanOrEqual(max);
      expect(hasLoneSurrogate(text.slice(0, at)), `cut at ${max}`).toBe(false);
      expect(hasLoneSurrogate(text.slice(at)), `rest after ${max}`).toBe(false);
    }
  });
});
