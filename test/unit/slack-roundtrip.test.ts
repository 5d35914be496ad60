/**
 * Property: Markdown → mrkdwn → Markdown loses no word a reader sees, whatever markup
 * surrounds it (unbalanced markers, stray < > &, quotes, lists, fences). Both sides are
 * compared as rendered text, since Markdown itself hides some source (a fence's info string).
 */
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { expect, it } from 'vitest';
import { mrkdwnToMarkdown } from '../../src/adapters/slack/from-slack.ts';
import { toSlack } from '../../src/adapters/slack/to-slack.ts';

const md = new MarkdownIt({ html: false });
const seen = (markdown: string) =>
  md
    .render(markdown)
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;|&gt;|&amp;|&quot;/g, ' ');
// :tada: legitimately becomes 🎉 (outside code), so it is not a word on either side.
// Bare numbers are left out: "1." shown as a list number is not text in the rendered HTML.
const words = (t: string) =>
  (
    seen(t)
      .replace(/:tada:|🎉/g, ' ')
      .match(/[A-Za-z0-9]+/g) ?? []
  )
    .filter((w) => !/^\d+$/.test(w))
    .sort();

const token = fc.constantFrom(
  'alpha',
  'beta',
  'gamma7',
  '**',
  '*',
  '_',
  '~~',
  '~',
  '`',
  '```',
  '<',
  '>',
  '&',
  '|',
  '#',
  ':tada:',
  '[x](https://a.org/b_c)',
  '<https://a.org>',
  '\n',
  '\n\n',
  '- ',
  '1. ',
  '> ',
  '# ',
  ' ',
  '    ',
);

it('keeps the words of any Markdown through mrkdwn and back', () => {
  fc.assert(
    fc.property(fc.array(token, { maxLength: 30 }), (parts) => {
      const source = parts.join('');
      // Every word survives (a list marker of an empty item may turn into visible text: fine).
      const left = words(mrkdwnToMarkdown(toSlack(source)));
      const missing = words(source).filter((w) => {
        const at = left.indexOf(w);
        if (at === -1) return true;
        left.splice(at, 1);
        return false;
      });
      expect({ source, missing }).toEqual({ source, missing: [] });
    }),
    { numRuns: 400 },
  );
});
