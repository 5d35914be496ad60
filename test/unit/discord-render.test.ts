import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CUT_NOTE, layOver, renderReply, renderText, type DiscordMessageBody } from '../../src/adapters/discord/render.ts';
import { LIMITS } from '../../src/adapters/discord/limits.ts';
import { fitTableBlock, tableToCsv } from '../../src/adapters/discord/table.ts';
import type { Block, RichReply, Table } from '../../src/chat/reply.ts';

function expectWithinLimits(b: DiscordMessageBody): void {
  expect(b.content.length).toBeLessThanOrEqual(LIMITS.content);
  expect(b.embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
  let total = 0;
  for (const e of b.embeds) {
    expect((e.description ?? '').length).toBeLessThanOrEqual(LIMITS.description);
    expect((e.fields ?? []).length).toBeLessThanOrEqual(LIMITS.fields);
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
      expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
      total += f.name.length + f.value.length;
    }
    total += (e.description ?? '').length + (e.title ?? '').length;
  }
  expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
  expect(b.components.length).toBeLessThanOrEqual(LIMITS.rows);
  for (const row of b.components) {
    expect(row.components.length).toBeLessThanOrEqual(LIMITS.buttonsPerRow);
    for (const c of row.components) {
      expect(('label' in c ? (c.label ?? '') : '').length).toBeLessThanOrEqual(LIMITS.label);
      expect('custom_id' in c ? c.custom_id.length : 0).toBeLessThanOrEqual(100);
    }
  }
}

const reply = (...blocks: Block[]): RichReply => ({ text: 'summary', blocks });
const table = (rows: number, cols = 3): Table => ({
  columns: Array.from({ length: cols }, (_, k) => ({ name: `col${k}`, align: k === 0 ? 'left' : 'right' })),
  rows: Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, k) => (k === 0 ? `row ${r}` : String(r * k)))),
  totalRows: rows,
});

describe('renderReply', () => {
  it('renders text, heading, context, asset and divider into content, in order', () => {
    const b = renderReply(
      reply(
        { type: 'heading', text: 'Quest: Band gaps' },
        { type: 'text', markdown: 'Two entries await __review__.' },
        { type: 'asset', asset: { id: 'a1', type: 'dataset', name: 'gaps', url: 'https://ouro.foundation/d/a1', visibility: 'public' }, summary: '120 rows' },
        { type: 'divider' },
        { type: 'context', markdown: 'updated just now' },
      ),
    );
    expect(b.content).toBe(
      '## Quest: Band gaps\nTwo entries await **review**.\n**[gaps](https://ouro.foundation/d/a1)** (dataset, public)\n120 rows\n──────────\n-# updated just now',
    );
    expect(b.embeds).toEqual([]);
    expect(b.files).toEqual([]);
  });

  it('falls back to the summary text when there are no blocks', () => {
    expect(renderReply({ text: 'only @everyone', blocks: [] }).content).toBe('only @\u200beveryone');
  });

  it('continues long text in embed descriptions without losing a character', () => {
    const long = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    const b = renderReply(reply({ type: 'text', markdown: long }));
    expectWithinLimits(b);
    const shown = [b.content, ...b.embeds.map((e) => e.description)].join('\n');
    expect(shown).toBe(long);
  });

  it('cuts text beyond every limit and says how much is not shown', () => {
    const b = renderReply(reply({ type: 'text', markdown: 'y'.repeat(20_000) }));
    expectWithinLimits(b);
    const last = b.embeds.at(-1)!.description!;
    const m = /… \((\d+) more characters not shown\)$/.exec(last);
    expect(m).not.toBeNull();
    const shownChars = b.content.length + b.embeds.reduce((n, e) => n + (e.description?.match(/y/g)?.length ?? 0), 0) - 0;
    expect(shownChars + Number(m![1])).toBe(20_000);
  });

  it('puts fields in embeds of 25, cutting long names and values', () => {
    const fields = Array.from({ length: 30 }, (_, i) => ({ label: i === 0 ? 'L'.repeat(300) : `f${i}`, value: i === 1 ? 'v'.repeat(2000) : `v${i}` }));
    const b = renderReply(reply({ type: 'fields', fields }));
    expectWithinLimits(b);
    expect(b.embeds.map((e) => e.fields!.length)).toEqual([25, 5]);
    expect(b.embeds[0]!.fields![0]!.name).toHaveLength(256);
    expect(b.embeds[0]!.fields![1]!.value).toHaveLength(1024);
  });

  it('lays buttons out five to a row with styles and encoded custom ids', () => {
    const buttons = Array.from({ length: 7 }, (_, i) => ({
      actionId: 'entry.accept',
      label: `B${i}`,
      value: `q:${i}`,
      style: i === 0 ? ('primary' as const) : i === 1 ? ('danger' as const) : undefined,
    }));
    const b = renderReply(reply({ type: 'buttons', buttons }));
    expect(b.components.map((r) => r.components.length)).toEqual([5, 2]);
    expect(b.components[0]!.components.slice(0, 3).map((c) => c.style)).toEqual([1, 4, 2]);
    expect(b.components[0]!.components[0]).toMatchObject({ type: 2, custom_id: 'entry.accept|q:0', label: 'B0' });
  });

  it('says which buttons it had to leave out', () => {
    const many = Array.from({ length: 27 }, (_, i) => ({ actionId: 'a', label: `B${i}`, value: String(i) }));
    const b = renderReply(reply({ type: 'buttons', buttons: [{ actionId: 'a', label: 'Too long', value: 'z'.repeat(200) }, ...many] }));
    expectWithinLimits(b);
    expect(b.components.flatMap((r) => r.components)).toHaveLength(25);
    expect(b.content).toContain('"Too long" button is left out');
    expect(b.content).toContain('2 more buttons not shown');
  });

  it('shows a small table whole, as a code block, with no attachment', () => {
    const b = renderReply(reply({ type: 'table', table: table(3), caption: 'Result' }));
    expect(b.content).toBe('Result\n```\ncol0  | col1 | col2\n------+------+-----\nrow 0 |    0 |    0\nrow 1 |    1 |    2\nrow 2 |    2 |    4\n```');
    expect(b.files).toEqual([]);
  });

  it('cuts a big table to fit, says "showing N of M rows" and attaches the CSV', () => {
    const b = renderReply(reply({ type: 'text', markdown: 'Query ok.' }, { type: 'table', table: table(500), caption: 'Band gaps' }));
    expectWithinLimits(b);
    const m = /showing (\d+) of 500 rows/.exec(b.content);
    expect(m).not.toBeNull();
    const shown = Number(m![1]);
    expect(shown).toBeGreaterThan(10);
    expect(b.content).toContain(`row ${shown - 1} `);
    expect(b.content).not.toContain(`row ${shown} `);
    expect(b.files).toHaveLength(1);
    expect(b.files[0]!.name).toBe('table.csv');
    expect(b.files[0]!.data.toString('utf8').trim().split('\r\n')).toHaveLength(501);
  });

  it('says "showing N of M" when the command already capped the rows, attaching nothing it did not cut', () => {
    const b = renderReply(reply({ type: 'table', table: { ...table(5), totalRows: 9000 } }));
    expect(b.content).toContain('showing 5 of 9000 rows');
    expect(b.files).toEqual([]);
  });

  it("does not repeat the command's own caption about capped rows, nor attach a second CSV", () => {
    const b = renderReply({
      text: 't',
      blocks: [{ type: 'table', table: { ...table(500), totalRows: 5000 }, caption: 'showing 500 of 5,000 rows — full result attached as CSV' }],
      files: [{ name: 'q.csv', mime: 'text/csv', content: 'x' }],
    });
    expectWithinLimits(b);
    expect(b.content.match(/showing/g)).toHaveLength(2); // the caption's, and ours for the rows we cut to fit
    expect(b.files.map((f) => f.name)).toEqual(['q.csv']);
  });

  it('passes files through as attachments', () => {
    const b = renderReply({ text: 't', blocks: [], files: [{ name: 'a.csv', mime: 'text/csv', content: 'x,y' }] });
    expect(b.files).toEqual([{ name: 'a.csv', contentType: 'text/csv', data: Buffer.from('x,y') }]);
  });

  it('stays within every Discord limit for any reply (property)', () => {
    const text = fc.string({ maxLength: 3000 });
    const block: fc.Arbitrary<Block> = fc.oneof(
      text.map((markdown) => ({ type: 'text' as const, markdown })),
      fc.string({ maxLength: 300 }).map((t) => ({ type: 'heading' as const, text: t })),
      fc
        .array(fc.record({ label: fc.string({ maxLength: 300 }), value: fc.string({ maxLength: 1500 }) }), { maxLength: 40 })
        .map((fields) => ({ type: 'fields' as const, fields })),
      fc
        .array(fc.record({ actionId: fc.constantFrom('a', 'entry.accept'), label: fc.string({ maxLength: 100 }), value: fc.string({ maxLength: 120 }) }), {
          maxLength: 30,
        })
        .map((buttons) => ({ type: 'buttons' as const, buttons })),
      fc.integer({ min: 0, max: 300 }).map((n) => ({ type: 'table' as const, table: table(n) })),
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 6 }), (blocks) => expectWithinLimits(renderReply({ text: 's', blocks }))),
      { numRuns: 150 },
    );
  });
});

describe('renderText', () => {
  it('keeps short text in one message', () => {
    expect(renderText('hi **there**')).toEqual(['hi **there**']);
  });

  it('splits long text at line breaks into messages of at most 2,000 characters', () => {
    const text = Array.from({ length: 120 }, (_, i) => `line ${i} ${'w'.repeat(30)}`).join('\n');
    const parts = renderText(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000);
    expect(parts.join('\n')).toBe(text);
  });

  it('closes and reopens a code block cut in two', () => {
    const code = `\`\`\`\n${Array.from({ length: 250 }, (_, i) => `select ${i};`).join('\n')}\n\`\`\``;
    const parts = renderText(code);
    expect(parts.length).toBe(2);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(2000);
      expect(p.match(/```/g)).toHaveLength(2);
    }
  });
});

describe('layOver (an edit of a post sent as several messages)', () => {
  const long = 'x'.repeat(LIMITS.content);
  it.each<[string, string[], number, string[]]>([
    ['same number of parts', ['a', 'b'], 2, ['a', 'b']],
    ['fewer parts: the rest are no longer needed', ['a'], 3, ['a']],
    ['more parts: the last message is cut, with the note', ['a', 'b', 'c'], 2, ['a', `${'b'}${CUT_NOTE}`]],
    ['one message, a long text', [long, 'tail'], 1, [`${long.slice(0, LIMITS.content - CUT_NOTE.length)}${CUT_NOTE}`]],
  ])('%s', (_name, parts, count, want) => {
    const got = layOver(parts, count);
    expect(got).toEqual(want);
    for (const t of got) expect(t.length).toBeLessThanOrEqual(LIMITS.content);
  });
});

describe('table', () => {
  it('draws NULL, cuts wide cells (so the CSV comes along) and keeps code fences out of cells', () => {
    const t: Table = {
      columns: [
        { name: 'a', align: 'left' },
        { name: 'b', align: 'left' },
      ],
      rows: [
        [null, 'z'.repeat(60)],
        ['```', 'x\ny'],
      ],
      totalRows: 2,
    };
    const f = fitTableBlock(t, 1000);
    expect(f).toMatchObject({ shown: 2, total: 2, cut: true, footer: '' });
    expect(f.block).toContain('NULL');
    expect(f.block).toContain(`${'z'.repeat(39)}…`);
    expect(f.block.match(/```/g)).toHaveLength(2);
    expect(f.block).toContain('x y');
  });

  it('returns no block, only a footer, when not even the header fits', () => {
    expect(fitTableBlock(table(3), 5)).toEqual({ block: '', footer: 'showing 0 of 3 rows', shown: 0, total: 3, cut: true });
    expect(fitTableBlock(table(3), 30)).toMatchObject({ block: '', shown: 0, cut: true });
  });

  it('keeps a fitting table whole with nothing to attach', () => {
    expect(fitTableBlock(table(2), 500)).toMatchObject({ shown: 2, total: 2, cut: false, footer: '' });
  });

  it('writes RFC 4180 CSV', () => {
    const t: Table = {
      columns: [
        { name: 'n', align: 'left' },
        { name: 'q', align: 'left' },
      ],
      rows: [
        ['a,b', 'say "hi"'],
        [null, 'x\ny'],
      ],
      totalRows: 2,
    };
    expect(tableToCsv(t)).toBe('n,q\r\n"a,b","say ""hi"""\r\n,"x\ny"\r\n');
  });
});
