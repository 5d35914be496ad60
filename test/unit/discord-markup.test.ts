import { describe, expect, it } from 'vitest';
import { splitCode } from '../../src/adapters/discord/code-spans.ts';
import { formatTimestamp, fromDiscord } from '../../src/adapters/discord/from-discord.ts';
import { toDiscord } from '../../src/adapters/discord/to-discord.ts';

const lookup = {
  user: (id: string) => ({ '1': 'Ada Lovelace', '2': 'Grace' })[id],
  role: (id: string) => ({ '7': 'Reviewers' })[id],
  channel: (id: string) => ({ '9': 'materials-lab' })[id],
};

describe('fromDiscord', () => {
  it.each([
    ['plain text', 'hello', 'hello'],
    ['user mention', 'hi <@1>', 'hi @Ada Lovelace'],
    ['nickname mention', 'hi <@!2>!', 'hi @Grace!'],
    ['unknown user keeps the id', 'hi <@555>', 'hi @555'],
    ['role', 'ping <@&7>', 'ping @Reviewers'],
    ['channel', 'see <#9>', 'see #materials-lab'],
    ['unknown channel', 'see <#10>', 'see #10'],
    ['slash command mention', 'try </ouro query:123>', 'try /ouro query'],
    ['custom emoji', 'nice <:party:123456>', 'nice :party:'],
    ['animated emoji', '<a:spin:1>', ':spin:'],
    ['timestamp default', 'at <t:1700000000>', 'at 2023-11-14 22:13 UTC'],
    ['timestamp relative', '<t:1700000000:R>', '2023-11-14 22:13 UTC'],
    ['timestamp date', '<t:1700000000:D>', '2023-11-14'],
    ['timestamp time', '<t:1700000000:T>', '22:13:20 UTC'],
    ['spoiler', 'the answer is ||42||', 'the answer is (spoiler: 42)'],
    ['multi-line spoiler', '||a\nb||', '(spoiler: a\nb)'],
    ['escaped mention stays literal', 'type \\<@1> to mention', 'type \\<@1> to mention'],
    ['escaped spoiler stays literal', 'a \\|| b', 'a \\|| b'],
    ['mention inside code untouched', 'use `<@1>` or ```\n<#9>\n```', 'use `<@1>` or ```\n<#9>\n```'],
    ['subtext', '-# small print', 'small print'],
    ['quote to the end', 'intro\n>>> one\ntwo', 'intro\n> one\n> two'],
    ['markdown passes through', '**b** _i_ ~~s~~ [l](https://x.y)', '**b** _i_ ~~s~~ [l](https://x.y)'],
    ['empty', '', ''],
    ['unclosed code fence is prose', '``` <@1>', '``` @Ada Lovelace'],
  ])('%s', (_n, input, expected) => {
    expect(fromDiscord(input, lookup)).toBe(expected);
  });

  it('works with no lookup at all', () => {
    expect(fromDiscord('<@1> <@&7> <#9>')).toBe('@1 @7 #9');
  });

  it('leaves an out-of-range timestamp as written', () => {
    expect(formatTimestamp(1e16)).toBeUndefined();
    expect(fromDiscord('<t:9999999999999999>')).toBe('<t:9999999999999999>');
  });
});

describe('toDiscord', () => {
  it.each([
    ['plain', 'hello', 'hello'],
    ['@everyone is defused', 'hey @everyone', 'hey @\u200beveryone'],
    ['@here is defused', '@here now', '@\u200bhere now'],
    ['raw user mention escaped', 'by <@123>', 'by \\<@123>'],
    ['raw role and channel escaped', '<@&1> in <#2>', '\\<@&1> in \\<#2>'],
    ['spoiler bars escaped', 'a || b', 'a \\|\\| b'],
    ['strong underscores become asterisks', 'this is __bold__ text', 'this is **bold** text'],
    ['snake__case is left alone', 'snake__case__name', 'snake__case__name'],
    ['deep heading becomes bold', '#### Results', '**Results**'],
    ['shallow heading stays', '## Results', '## Results'],
    ['image becomes link', '![plot](https://x/p.png)', '[plot](https://x/p.png)'],
    ['image without alt becomes url', '![](https://x/p.png)', 'https://x/p.png'],
    ['br becomes newline', 'a<br>b<br/>c', 'a\nb\nc'],
    ['thematic break drawn', 'a\n\n---\n\nb', 'a\n\n──────────\n\nb'],
    ['subtext lookalike escaped', '-# not small', '\\-# not small'],
    ['code untouched', '`@everyone` and ```\n__x__ ||y||\n```', '`@everyone` and ```\n__x__ ||y||\n```'],
    ['markdown kept', '**b** _i_ `c` ~~s~~ [l](https://o.f/p/1)\n- one\n- two', '**b** _i_ `c` ~~s~~ [l](https://o.f/p/1)\n- one\n- two'],
    ['CRLF normalised', 'a\r\nb', 'a\nb'],
  ])('%s', (_n, input, expected) => {
    expect(toDiscord(input)).toBe(expected);
  });

  it('turns a pipe table into an aligned code block', () => {
    const md = 'Results:\n| name | n |\n|---|--:|\n| ada | 1 |\n| grace | 22 |\nafter';
    expect(toDiscord(md)).toBe('Results:\n```\nname   n\nada    1\ngrace  22\n```\nafter'.replace('name   n\n', 'name   n\n-----  --\n'));
  });

  it('round-trips the words of Markdown through Discord markup', () => {
    for (const md of ['**bold** and _italic_', '~~gone~~ but 3 < 4 & 5 > 2', '- a\n- b', 'a [link](https://x.y/z)', 'a || b']) {
      const back = fromDiscord(toDiscord(md));
      expect(back.match(/[A-Za-z0-9]+/g)).toEqual(md.match(/[A-Za-z0-9]+/g));
    }
  });
});

describe('splitCode', () => {
  it.each([
    ['no code', 'abc', [{ code: false, text: 'abc' }]],
    [
      'inline',
      'a `b` c',
      [
        { code: false, text: 'a ' },
        { code: true, text: '`b`' },
        { code: false, text: ' c' },
      ],
    ],
    ['double backticks hold one', '``a`b``', [{ code: true, text: '``a`b``' }]],
    ['unmatched is prose', 'a ` b', [{ code: false, text: 'a ` b' }]],
    ['escaped backtick is prose', 'a \\`b` c', [{ code: false, text: 'a \\`b` c' }]],
  ])('%s', (_n, input, expected) => {
    expect(splitCode(input)).toEqual(expected);
  });
});
