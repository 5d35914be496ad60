import { describe, expect, it } from 'vitest';
import { mrkdwnToMarkdown } from '../../src/adapters/slack/from-slack.ts';
import { escapeSlack, toSlack } from '../../src/adapters/slack/to-slack.ts';

describe('toSlack', () => {
  const cases: [string, string, string][] = [
    ['plain', 'hello lab', 'hello lab'],
    ['bold', 'a **bold** word', 'a *bold* word'],
    ['bold underscores', 'a __bold__ word', 'a *bold* word'],
    ['italic', 'an *italic* and _other_', 'an _italic_ and _other_'],
    ['strike', '~~gone~~', '~gone~'],
    ['inline code escaped', '`a < b && c`', '`a &lt; b &amp;&amp; c`'],
    ['emoji shortcode in code untouched', '`:smile:`', '`:smile:`'],
    ['fenced code', '```js\nif (a < b) {}\n```', '```\nif (a &lt; b) {}\n```'],
    ['indented code', '    x = 1', '```\nx = 1\n```'],
    ['escaping', '3 < 4 & 5 > 2', '3 &lt; 4 &amp; 5 &gt; 2'],
    ['no accidental mentions', 'ping <!channel> and <@U1>', 'ping &lt;!channel&gt; and &lt;@U1&gt;'],
    ['raw html is text', '<b>hi</b>', '&lt;b&gt;hi&lt;/b&gt;'],
    ['link', '[the data](https://ouro.foundation/datasets/x)', '<https://ouro.foundation/datasets/x|the data>'],
    ['link text with pipe', '[a|b](https://x.org)', '<https://x.org|a∣b>'],
    ['link url with pipe and space', '[x](<https://x.org/a b|c>)', '<https://x.org/a%20b%7Cc|x>'],
    ['autolink', '<https://ouro.foundation>', '<https://ouro.foundation>'],
    ['bold link', '**[x](https://x.org)**', '*<https://x.org|x>*'],
    ['asset link keeps label and target', '[sales](dataset:1234)', 'sales (dataset:1234)'],
    ['image', '![plot](https://x.org/p.png)', '<https://x.org/p.png|plot>'],
    ['heading', '# Results\n\nbody', '*Results*\n\nbody'],
    ['bullet list', '- one\n- two', '• one\n• two'],
    ['nested list', '- one\n  - sub\n- two', '• one\n  • sub\n• two'],
    ['ordered list', '3. three\n4. four', '3. three\n4. four'],
    ['quote', '> quoted\n> still', '> quoted\n> still'],
    ['nested quote', '> outer\n>\n> > inner', '> outer\n> \n> > inner'],
    ['paragraphs', 'one\n\ntwo', 'one\n\ntwo'],
    ['soft break kept', 'line one\nline two', 'line one\nline two'],
    ['hard break', 'a  \nb', 'a\nb'],
    ['rule', 'a\n\n---\n\nb', 'a\n\n──────────\n\nb'],
    ['table', '| a | b |\n|---|---|\n| 1 | 22 |', '```\na | b\n--+---\n1 | 22\n```'],
    ['stray backtick cannot open a Slack code span', 'a ` b [x](https://x.org) c', 'a ˋ b <https://x.org|x> c'],
    ['backtick inside inline code', '`` a`b ``', '`aˋb`'],
    ['fence inside a code block is kept apart', '````\n```\ninner\n```\n````', '```\n`\u200b`\u200b`\ninner\n`\u200b`\u200b`\n```'],
    ['unterminated bold', '**not closed', '**not closed'],
    ['unterminated fence', '```\ncode', '```\ncode\n```'],
    ['empty', '', ''],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(toSlack(input)).toBe(expected);
  });

  it('escapes the three characters Slack reserves', () => {
    expect(escapeSlack('<&>')).toBe('&lt;&amp;&gt;');
  });

  it('converts a 40,000-character message', () => {
    const md = '**bold** [l](https://x.org) a < b `c`\n'.repeat(1100).slice(0, 40_000);
    const out = toSlack(md);
    expect(out).toContain('*bold*');
    expect(out).not.toMatch(/<(?!https:\/\/x\.org\|l>)/);
  });

  const roundTrips = [
    '**bold** and _italic_',
    '~~gone~~ but 3 < 4 & 5 > 2',
    'a [link](https://ouro.foundation/posts/1) here',
    '- first\n- second',
    '> a quote',
    '`code <x>`',
    '```\nblock & more\n```',
  ];
  it.each(roundTrips)('round-trips %j through mrkdwn', (md) => {
    expect(mrkdwnToMarkdown(toSlack(md))).toBe(md);
  });
});
