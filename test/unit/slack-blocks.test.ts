import { describe, expect, it } from 'vitest';
import { splitText, tableSection, toBlocks, type SlackBlock } from '../../src/adapters/slack/blocks.ts';
import { LIMITS } from '../../src/adapters/slack/limits.ts';
import type { Block, RichReply, Table } from '../../src/chat/reply.ts';

const reply = (...blocks: Block[]): RichReply => ({ text: 'summary', blocks });
const table = (rows: number, cols = 3, cell = (r: number, c: number) => `r${r}c${c}`): Table => ({
  columns: Array.from({ length: cols }, (_v, c) => ({ name: `col${c}`, align: c === 0 ? 'left' : 'right' })),
  rows: Array.from({ length: rows }, (_v, r) => Array.from({ length: cols }, (_w, c) => cell(r, c))),
  totalRows: rows,
});

/** Every limit Slack enforces on what we send. */
function assertWithinLimits(blocks: SlackBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
  for (const b of blocks) {
    const text = (b.text as { text?: string } | undefined)?.text;
    if (b.type === 'section' && text !== undefined) expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    if (b.type === 'header') expect(text!.length).toBeLessThanOrEqual(LIMITS.headerText);
    const fields = b.fields as { text: string }[] | undefined;
    if (fields) {
      expect(fields.length).toBeLessThanOrEqual(LIMITS.fieldsPerSection);
      for (const f of fields) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    }
    if (b.type === 'actions') {
      const els = b.elements as { text: { text: string }; value: string }[];
      expect(els.length).toBeLessThanOrEqual(LIMITS.elementsPerActions);
      for (const e of els) {
        expect(e.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
        expect(e.value.length).toBeLessThanOrEqual(LIMITS.buttonValue);
      }
    }
  }
}

describe('toBlocks', () => {
  const cases: [string, Block[], (blocks: SlackBlock[]) => void][] = [
    [
      'heading → header',
      [{ type: 'heading', text: 'Quest: Screening' }],
      (b) => expect(b).toEqual([{ type: 'header', text: { type: 'plain_text', text: 'Quest: Screening', emoji: true } }]),
    ],
    ['long heading is clipped', [{ type: 'heading', text: 'h'.repeat(400) }], (b) => expect((b[0]!.text as { text: string }).text).toMatch(/…$/)],
    [
      'text → mrkdwn section',
      [{ type: 'text', markdown: '**bold** & co' }],
      (b) => expect(b).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*bold* &amp; co' } }]),
    ],
    [
      'long text splits into several sections',
      [{ type: 'text', markdown: 'word '.repeat(2000) }],
      (b) => {
        expect(b.length).toBe(4);
        expect(
          b
            .map((x) => (x.text as { text: string }).text)
            .join(' ')
            .split(/\s+/)
            .filter(Boolean).length,
        ).toBe(2000);
      },
    ],
    [
      'fields split at 10 per section',
      [{ type: 'fields', fields: Array.from({ length: 23 }, (_v, i) => ({ label: `L${i}`, value: `v${i}` })) }],
      (b) => {
        expect(b.map((x) => (x.fields as unknown[]).length)).toEqual([10, 10, 3]);
        expect((b[0]!.fields as { text: string }[])[0]!.text).toBe('*L0*\nv0');
      },
    ],
    [
      'buttons split at 25 per actions block',
      [
        {
          type: 'buttons',
          buttons: Array.from({ length: 30 }, (_v, i) => ({
            actionId: `a${i}`,
            label: `B${i}`,
            value: `v${i}`,
            ...(i === 0 ? { style: 'primary' as const } : {}),
          })),
        },
      ],
      (b) => {
        expect(b.map((x) => (x.elements as unknown[]).length)).toEqual([25, 5]);
        expect((b[0]!.elements as Record<string, unknown>[])[0]).toEqual({
          type: 'button',
          action_id: 'a0',
          text: { type: 'plain_text', text: 'B0', emoji: true },
          value: 'v0',
          style: 'primary',
        });
      },
    ],
    [
      'long button label and value are cut',
      [{ type: 'buttons', buttons: [{ actionId: 'x', label: 'l'.repeat(200), value: 'v'.repeat(3000) }] }],
      () => undefined,
    ],
    [
      'asset → linked title + context',
      [
        {
          type: 'asset',
          asset: { id: '1', type: 'dataset', name: 'Sales <2024>', url: 'https://ouro.foundation/datasets/a/sales', visibility: 'public' },
          summary: 'Monthly **sales**',
        },
      ],
      (b) => {
        expect((b[0]!.text as { text: string }).text).toBe('*<https://ouro.foundation/datasets/a/sales|Sales &lt;2024&gt;>*\nMonthly *sales*');
        expect(b[1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'dataset · public' }] });
      },
    ],
    [
      'context and divider',
      [{ type: 'context', markdown: '_note_' }, { type: 'divider' }],
      (b) => expect(b).toEqual([{ type: 'context', elements: [{ type: 'mrkdwn', text: '_note_' }] }, { type: 'divider' }]),
    ],
    [
      'more than 50 blocks says how many are hidden',
      Array.from({ length: 70 }, () => ({ type: 'divider' as const })),
      (b) => {
        expect(b.length).toBe(50);
        expect(b[49]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '21 more blocks not shown (Slack shows at most 50).' }] });
      },
    ],
  ];
  it.each(cases)('%s', (_name, blocks, check) => {
    const r = toBlocks(reply(...blocks));
    assertWithinLimits(r.blocks);
    check(r.blocks);
  });

  it('renders a small table whole, in a code block, with no file', () => {
    const r = toBlocks(reply({ type: 'table', table: table(3), caption: 'Result' }));
    expect(r.files).toEqual([]);
    const text = (r.blocks[0]!.text as { text: string }).text;
    expect(text).toMatch(/^Result\n```\ncol0 \| col1 \| col2\n/);
    expect(text).toContain('r2c0 | r2c1 | r2c2');
    expect(text).not.toContain('showing');
  });

  it('cuts a big table to fit, says "showing N of M" and attaches the whole table as CSV', () => {
    const big = table(500, 4, (r, c) => `value-${r}-${c} & <x>`);
    const r = toBlocks(reply({ type: 'table', table: big, caption: 'Big query' }));
    assertWithinLimits(r.blocks);
    const text = (r.blocks[0]!.text as { text: string }).text;
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).toMatch(/showing \d+ of 500 rows/);
    expect(text).toContain('&amp; &lt;x&gt;');
    expect(r.files).toHaveLength(1);
    expect(r.files[0]!.name).toBe('Big-query.csv');
    expect(r.files[0]!.mime).toBe('text/csv');
    expect(String(r.files[0]!.content).split('\r\n').filter(Boolean)).toHaveLength(501);
    expect(JSON.stringify(r.blocks.at(-1))).toContain('Big-query.csv');
  });

  it('adds no second CSV when the reply already attaches the full result', () => {
    const full = { name: 'result.csv', mime: 'text/csv', content: 'id\r\n1\r\n' };
    const r = toBlocks({ ...reply({ type: 'table', table: table(500) }), files: [full] });
    expect(r.files).toEqual([full]);
    expect(JSON.stringify(r.blocks)).toMatch(/showing \d+ of 500 rows/);
  });

  it('leaves the CSV out where no file can follow (unfurls)', () => {
    const r = toBlocks(reply({ type: 'table', table: table(500) }), { csv: false });
    expect(r.files).toEqual([]);
    expect(JSON.stringify(r.blocks)).toMatch(/showing \d+ of 500 rows/);
  });

  it('keeps reply files and clips fallback text at 40,000 characters with a note', () => {
    const r = toBlocks({ text: 'x'.repeat(50_000), blocks: [], files: [{ name: 'a.txt', mime: 'text/plain', content: 'a' }] });
    expect(r.files.map((f) => f.name)).toEqual(['a.txt']);
    expect(r.text.length).toBeLessThanOrEqual(40_000);
    expect(r.text).toMatch(/more characters not shown\)$/);
  });

  it('escaping never pushes a table section over 3,000 characters', () => {
    const r = tableSection(table(300, 2, () => '&&&&&&&&&&'));
    expect((r.blocks[0]!.text as { text: string }).text.length).toBeLessThanOrEqual(3000);
    expect(r.cut).toBe(true);
  });
});

describe('splitText', () => {
  const cases: [string, string, number, string[]][] = [
    ['short', 'abc', 10, ['abc']],
    ['at a newline', 'aaaa\nbbbb', 6, ['aaaa', 'bbbb']],
    ['at a space', 'aaaa bbbb', 6, ['aaaa', ' bbbb']],
    ['hard cut', 'abcdefghij', 4, ['abcd', 'efgh', 'ij']],
    ['never inside an entity', 'abc &amp; d', 7, ['abc ', '&amp; d']],
  ];
  it.each(cases)('%s', (_name, text, max, expected) => {
    expect(splitText(text, max)).toEqual(expected);
  });
});
