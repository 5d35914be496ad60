import { describe, expect, it } from 'vitest';
import { fromSlack, mentionedUserIds, mrkdwnToMarkdown, richTextToMarkdown } from '../../src/adapters/slack/from-slack.ts';

const names = {
  userName: (id: string) => ({ U1: 'Ada', U2: 'Bob' })[id],
  channelName: (id: string) => ({ C9: 'lab-notes' })[id],
};

describe('mrkdwnToMarkdown', () => {
  const cases: [string, string, string][] = [
    ['plain text', 'hello lab', 'hello lab'],
    ['bold', 'a *bold* word', 'a **bold** word'],
    ['italic stays', 'an _italic_ word', 'an _italic_ word'],
    ['strike', 'a ~gone~ word', 'a ~~gone~~ word'],
    ['inline code untouched', 'run `x *y* _z_` now', 'run `x *y* _z_` now'],
    ['code block', 'see\n```\nif (a &lt; b) *x*\n```', 'see\n```\nif (a < b) *x*\n```'],
    ['code block on one line', '```let x = 1```', '```\nlet x = 1\n```'],
    ['emoji in code is kept', '`:smile:` and :smile:', '`:smile:` and 😄'],
    ['emoji in code block is kept', '```\n:tada:\n```', '```\n:tada:\n```'],
    ['known emoji', 'nice :+1: :tada:', 'nice 👍 🎉'],
    ['unknown emoji stays', ':custom_lab_logo:', ':custom_lab_logo:'],
    ['times are not emoji', 'at 10:30:45', 'at 10:30:45'],
    ['user mention resolved', 'hi <@U1>', 'hi @Ada'],
    ['user mention with label', 'hi <@U7|carol>', 'hi @carol'],
    ['unknown user stays visible', 'hi <@U404>', 'hi @U404'],
    ['channel with name', 'see <#C1|general>', 'see #general'],
    ['channel by lookup', 'see <#C9>', 'see #lab-notes'],
    ['here/channel', '<!here> and <!channel>', '@here and @channel'],
    ['subteam', '<!subteam^S1|@chemists>', '@chemists'],
    ['date fallback', '<!date^1392734382^{date}|Feb 18, 2014>', 'Feb 18, 2014'],
    ['link with text', '<https://ouro.foundation/a?b=1&amp;c=2|the data>', '[the data](https://ouro.foundation/a?b=1&c=2)'],
    ['bare link', '<https://ouro.foundation>', '<https://ouro.foundation>'],
    ['mailto', '<mailto:ada@lab.org|ada@lab.org>', '[ada@lab.org](mailto:ada@lab.org)'],
    ['link text with brackets', '<https://x.org|a [b]>', '[a \\[b\\]](https://x.org)'],
    ['underscores in links survive', '<https://x.org/a_b_c|x_y>', '[x_y](https://x.org/a_b_c)'],
    ['entities', 'a &amp; b, 3 &lt; 4 &gt; 2', 'a & b, 3 < 4 > 2'],
    ['html-looking text is escaped', '&lt;b&gt;hi&lt;/b&gt;', '\\<b>hi\\</b>'],
    ['quote', '&gt; quoted\nnot', '> quoted\nnot'],
    ['nested quote', '&gt; &gt; deeper', '> > deeper'],
    ['quote rest of message', '&gt;&gt;&gt; all\nof this', '> all\n> of this'],
    ['bullets', '• one\n• two\n    ◦ nested', '- one\n- two\n    - nested'],
    ['numbered list kept', '1. one\n2. two', '1. one\n2. two'],
    ['heading-looking line escaped', '# not a heading', '\\# not a heading'],
    ['unterminated bold', 'a *bold start', 'a *bold start'],
    ['unterminated code', 'a `code start', 'a `code start'],
    ['unterminated code block', '```\nnever closed', '```\nnever closed'],
    ['raw < (Slack always escapes it) stays literal', '<https://x.org|oops', '\\<https://x.org|oops'],
    ['intraword stars', 'a*b*c', 'a*b*c'],
    ['bold around punctuation', '(*yes*)', '(**yes**)'],
    ['empty', '', ''],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(mrkdwnToMarkdown(input, names)).toBe(expected);
  });

  it('converts a 40,000-character message quickly and completely', () => {
    const line = '*bold* <@U1> &amp; <https://x.org|link> :tada: `code`\n';
    const input = line.repeat(Math.ceil(40_000 / line.length)).slice(0, 40_000);
    const t0 = performance.now();
    const out = mrkdwnToMarkdown(input, names);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(out.match(/\*\*bold\*\*/g)!.length).toBe(input.match(/\*bold\*/g)!.length);
    expect(out).not.toContain('&amp;');
  });

  it('converts pathological input without backtracking blow-up', () => {
    const input = `*${'a '.repeat(20_000)}`;
    const t0 = performance.now();
    expect(mrkdwnToMarkdown(input)).toBe(input);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

const section = (...elements: unknown[]) => ({ type: 'rich_text_section', elements });
const rich = (...elements: unknown[]) => [{ type: 'rich_text', block_id: 'x', elements }];

describe('richTextToMarkdown', () => {
  const cases: [string, unknown[], string][] = [
    ['plain', rich(section({ type: 'text', text: 'hello' })), 'hello'],
    [
      'styles',
      rich(
        section(
          { type: 'text', text: 'b', style: { bold: true } },
          { type: 'text', text: ' ' },
          { type: 'text', text: 'i', style: { italic: true } },
          { type: 'text', text: ' ' },
          { type: 'text', text: 's', style: { strike: true } },
          { type: 'text', text: ' ' },
          { type: 'text', text: 'c*', style: { code: true } },
        ),
      ),
      '**b** _i_ ~~s~~ `c*`',
    ],
    ['style keeps edge spaces outside', rich(section({ type: 'text', text: 'bold ', style: { bold: true } }, { type: 'text', text: 'x' })), '**bold** x'],
    ['literal markdown characters escaped', rich(section({ type: 'text', text: 'a*b*c _d_ [e]' })), 'a\\*b\\*c \\_d\\_ \\[e\\]'],
    ['link', rich(section({ type: 'link', url: 'https://ouro.foundation', text: 'Ouro' })), '[Ouro](https://ouro.foundation)'],
    ['bare link', rich(section({ type: 'link', url: 'https://ouro.foundation' })), '<https://ouro.foundation>'],
    [
      'mentions',
      rich(
        section(
          { type: 'user', user_id: 'U1' },
          { type: 'text', text: ' in ' },
          { type: 'channel', channel_id: 'C9' },
          { type: 'text', text: ' ' },
          { type: 'broadcast', range: 'here' },
        ),
      ),
      '@Ada in #lab-notes @here',
    ],
    ['emoji unicode', rich(section({ type: 'emoji', name: 'scientist', unicode: '1f9d1-200d-1f52c' })), '🧑‍🔬'],
    ['emoji by name', rich(section({ type: 'emoji', name: 'tada' })), '🎉'],
    [
      'bullet list',
      rich({ type: 'rich_text_list', style: 'bullet', elements: [section({ type: 'text', text: 'one' }), section({ type: 'text', text: 'two' })] }),
      '- one\n- two',
    ],
    [
      'ordered nested list',
      rich(
        { type: 'rich_text_list', style: 'ordered', elements: [section({ type: 'text', text: 'one' })] },
        { type: 'rich_text_list', style: 'bullet', indent: 1, elements: [section({ type: 'text', text: 'sub' })] },
      ),
      '1. one\n   - sub',
    ],
    [
      'a negative list indent counts as none (fuzzing found a RangeError)',
      rich({ type: 'rich_text_list', style: 'bullet', indent: -1, elements: [section({ type: 'text', text: 'x' })] }),
      '- x',
    ],
    [
      'preformatted keeps emoji text',
      rich({ type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'x = 1 :tada: *y*' }] }),
      '```\nx = 1 :tada: *y*\n```',
    ],
    ['quote', rich({ type: 'rich_text_quote', elements: [{ type: 'text', text: 'quoted\nlines' }] }), '> quoted\n> lines'],
    [
      'section then list then section',
      rich(
        section({ type: 'text', text: 'intro' }),
        { type: 'rich_text_list', style: 'bullet', elements: [section({ type: 'text', text: 'a' })] },
        section({ type: 'text', text: 'outro' }),
      ),
      'intro\n- a\noutro',
    ],
  ];
  it.each(cases)('%s', (_name, blocks, expected) => {
    expect(richTextToMarkdown(blocks, names)).toBe(expected);
  });

  it('is undefined without rich_text blocks', () => {
    expect(richTextToMarkdown(undefined)).toBeUndefined();
    expect(richTextToMarkdown([{ type: 'section', text: { type: 'mrkdwn', text: 'x' } }])).toBeUndefined();
  });
});

describe('fromSlack', () => {
  it('prefers rich_text blocks over the text field', () => {
    expect(fromSlack({ text: '*fallback*', blocks: rich(section({ type: 'text', text: 'typed', style: { bold: true } })) }, names)).toBe('**typed**');
  });
  it('reads mrkdwn when there are no rich_text blocks', () => {
    expect(fromSlack({ text: '*fallback*' })).toBe('**fallback**');
  });
  it('collects mentioned user ids from text and blocks', () => {
    expect(mentionedUserIds({ text: '<@U1> <@U2|bob>', blocks: rich(section({ type: 'user', user_id: 'U3' })) }).sort()).toEqual(['U1', 'U2', 'U3']);
  });
});
