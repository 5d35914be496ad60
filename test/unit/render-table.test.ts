import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../src/commands/render/csv.ts';
import { fitTable } from '../../src/commands/render/fit.ts';
import { cellText, isNumericType, toTable } from '../../src/commands/render/table.ts';
import type { Table } from '../../src/chat/reply.ts';

describe('cellText', () => {
  it.each([
    [null, null],
    [undefined, null],
    ['', ''],
    ['x', 'x'],
    [42, '42'],
    [1.5, '1.5'],
    [10n, '10'],
    [true, 'true'],
    [new Date('2026-01-05T08:00:00Z'), '2026-01-05T08:00:00.000Z'],
    [{ a: 1 }, '{"a":1}'],
    [[1, 'b'], '[1,"b"]'],
    [{ big: 2n }, '{"big":"2"}'],
  ])('case %# → %s', (value, expected) => {
    expect(cellText(value)).toBe(expected);
  });
});

describe('isNumericType', () => {
  it.each([
    ['integer', true],
    ['bigint', true],
    ['numeric(10,2)', true],
    ['double precision', true],
    ['REAL', true],
    ['text', false],
    ['timestamp with time zone', false],
    ['interval', false],
    [undefined, false],
  ])('%s → %s', (type, expected) => {
    expect(isNumericType(type)).toBe(expected);
  });
});

describe('toTable', () => {
  it('aligns by value when types are unknown: numbers and numeric strings right, the rest left', () => {
    const t = toTable([
      { name: 'Fe2B', n: 3, big: '1000', mixed: 1, empty: null },
      { name: 'MnBi', n: null, big: '12.5', mixed: 'x', empty: null },
    ]);
    expect(t.columns).toEqual([
      { name: 'name', align: 'left' },
      { name: 'n', align: 'right' },
      { name: 'big', align: 'right' },
      { name: 'mixed', align: 'left' },
      { name: 'empty', align: 'left' },
    ]);
    expect(t.rows).toEqual([
      ['Fe2B', '3', '1000', '1', null],
      ['MnBi', null, '12.5', 'x', null],
    ]);
    expect(t.totalRows).toBe(2);
  });

  it('uses schema types and order when given, and keeps the caller’s total', () => {
    const t = toTable([{ b: 'x', a: '7' }], {
      columns: [
        { name: 'a', type: 'integer' },
        { name: 'b', type: 'text' },
      ],
      totalRows: 1000,
    });
    expect(t.columns).toEqual([
      { name: 'a', type: 'integer', align: 'right' },
      { name: 'b', type: 'text', align: 'left' },
    ]);
    expect(t.rows).toEqual([['7', 'x']]);
    expect(t.totalRows).toBe(1000);
  });

  it('takes columns from every row, first seen first', () => {
    expect(toTable([{ a: 1 }, { b: 2 }]).columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(toTable([]).columns).toEqual([]);
  });
});

describe('csv (RFC 4180)', () => {
  it.each([
    [null, ''],
    ['', '""'],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    ['  spaced ', '  spaced '],
  ])('%j → %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('writes a header and CRLF-terminated records', () => {
    const t = toTable([
      { a: 1, 'b,c': 'x"y' },
      { a: null, 'b,c': '' },
    ]);
    expect(toCsv(t)).toBe('a,"b,c"\r\n1,"x""y"\r\n,""\r\n');
  });
});

const table = (rows: (string | null)[][], cols: [string, 'left' | 'right'][], totalRows = rows.length): Table => ({
  columns: cols.map(([name, align]) => ({ name, align })),
  rows,
  totalRows,
});

describe('fitTable', () => {
  it('renders everything when it fits: right-aligned numbers, NULL, no footer', () => {
    const r = fitTable(
      table(
        [
          ['Fe2B', '1015'],
          ['MnBi', null],
        ],
        [
          ['material', 'left'],
          ['tc', 'right'],
        ],
      ),
      { maxChars: 500 },
    );
    expect(r.text).toBe(['material | tc', '---------+-----', 'Fe2B     | 1015', 'MnBi     | NULL'].join('\n'));
    expect(r).toMatchObject({ shownRows: 2, totalRows: 2, truncated: false });
  });

  it('cuts long cells with an ellipsis and flattens newlines', () => {
    const r = fitTable(table([['abcdefghij'], ['two\nlines']], [['c', 'left']]), { maxChars: 500, maxCellWidth: 5 });
    expect(r.text).toBe(['c', '-----', 'abcd…', 'two …'].join('\n'));
    expect(r.truncated).toBe(true);
  });

  it('drops rows that do not fit and says so', () => {
    const rows = Array.from({ length: 100 }, (_, i) => [String(i)]);
    const r = fitTable(table(rows, [['n', 'right']], 250), { maxChars: 60 });
    expect(r.text.length).toBeLessThanOrEqual(60);
    expect(r.text.endsWith(`showing ${r.shownRows} of 250 rows`)).toBe(true);
    expect(r.shownRows).toBeGreaterThan(0);
    expect(r).toMatchObject({ totalRows: 250, truncated: true });
  });

  it('says "showing N of M" when the table itself was capped before fitting', () => {
    const r = fitTable(table([['1']], [['n', 'right']], 5000), { maxChars: 200 });
    expect(r.text).toBe('n\n---\n  1\nshowing 1 of 5000 rows');
  });

  it('narrows cells, then leaves out columns, when even the header is too wide', () => {
    const cols: [string, 'left'][] = Array.from({ length: 20 }, (_, i) => [`column_number_${i}`, 'left']);
    const r = fitTable(table([cols.map(() => 'value')], cols), { maxChars: 120 });
    expect(r.text.length).toBeLessThanOrEqual(120);
    expect(r.text).toMatch(/more columns? not shown/);
    expect(r.truncated).toBe(true);
  });

  it('answers in words when nothing fits, within the limit', () => {
    const r = fitTable(table([['x']], [['c', 'left']]), { maxChars: 5 });
    expect(r.text.length).toBeLessThanOrEqual(5);
    expect(r.shownRows).toBe(0);
  });

  it('shows an empty result as such', () => {
    expect(fitTable(table([], [['c', 'left']]), { maxChars: 100 }).text).toBe('c\n---\nno rows');
  });

  it.each([2000, 3000, 500, 80])('never exceeds %i characters on a wide, long table', (maxChars) => {
    const cols: [string, 'left' | 'right'][] = Array.from({ length: 8 }, (_, i) => [`c${i}`, i % 2 ? 'right' : 'left']);
    const rows = Array.from({ length: 300 }, (_, r) => cols.map((_, c) => (c === 3 ? null : `${r * c}`.repeat(c + 1))));
    const r = fitTable(table(rows, cols), { maxChars });
    expect(r.text.length).toBeLessThanOrEqual(maxChars);
    expect(r.shownRows).toBeLessThan(300);
  });
});
