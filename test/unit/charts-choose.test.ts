import { describe, expect, it } from 'vitest';
import { ChartError, chooseEncoding, describeEncoding, type ChartRequest } from '../../src/charts/choose.ts';
import { inferColumns } from '../../src/charts/columns.ts';
import { buildSpec, envelope } from '../../src/charts/spec.ts';

const rows = [
  { day: '2026-01-05T08:00:00Z', method: 'dft', t: 300.5, mae: '0.12', note: null },
  { day: '2026-01-06T08:00:00Z', method: 'ml', t: 310, mae: '0.2', note: 'x' },
  { day: '2026-01-07', method: 'dft', t: 320, mae: null, note: null },
];
const pick = (...keys: string[]) => rows.map((r) => Object.fromEntries(keys.map((k) => [k, (r as Record<string, unknown>)[k]])));

describe('column kinds', () => {
  it('reads numbers, numeric text, ISO dates and text; the schema type wins', () => {
    const cols = inferColumns(rows, { note: { type: 'integer', unit: 'K' } });
    expect(cols.map((c) => [c.name, c.kind, c.present])).toEqual([
      ['day', 'temporal', 3],
      ['method', 'nominal', 3],
      ['t', 'quantitative', 3],
      ['mae', 'quantitative', 2],
      ['note', 'quantitative', 1],
    ]);
    expect(cols[4]!.unit).toBe('K');
  });
});

describe('encoding choice', () => {
  const cases: [string, string[], ChartRequest, string][] = [
    ['time + number → line', ['day', 'mae'], {}, 'line chart: x = `day` (time), y = `mae`'],
    ['text + number → bar', ['method', 't'], {}, 'bar chart: x = `method` (text), y = `t`'],
    ['two numbers → scatter', ['t', 'mae'], {}, 'scatter chart: x = `t` (number), y = `mae`'],
    ['one number → histogram', ['t'], {}, 'histogram: x = `t` (number), y = count of rows'],
    ['time wins over text', ['method', 'day', 't'], {}, 'line chart: x = `day` (time), y = `t`'],
    ['--type area picks the time axis', ['method', 'day', 't'], { type: 'area' }, 'area chart: x = `day` (time), y = `t`'],
    ['--x names the axis', ['day', 't', 'mae'], { x: 't' }, 'scatter chart: x = `t` (number), y = `mae`'],
    ['--y several', ['day', 't', 'mae'], { y: ['t', 'mae'] }, 'line chart: x = `day` (time), y = `t`, `mae`'],
    ['--color', ['day', 'method', 't'], { color: 'method' }, 'line chart: x = `day` (time), y = `t`, colour = `method`'],
    ['case-insensitive names', ['day', 't'], { x: 'DAY', y: ['T'] }, 'line chart: x = `day` (time), y = `t`'],
    ['--type histogram with --y', ['method', 't'], { type: 'histogram', y: ['t'] }, 'histogram: x = `t` (number), y = count of rows'],
  ];
  it.each(cases)('%s', (_, keys, req, said) => {
    expect(describeEncoding(chooseEncoding(inferColumns(pick(...keys)), req))).toBe(said);
  });

  const refusals: [string, Record<string, unknown>[], ChartRequest, RegExp][] = [
    ['no number column', pick('method', 'day'), {}, /Nothing to plot.*`method` \(text\), `day` \(time\)/],
    ['unknown column', pick('t'), { x: 'nope' }, /--x nope: the result has no such column. Its columns: `t` \(number\)/],
    ['text on y', pick('method', 't'), { y: ['method'] }, /--y method: that column holds text/],
    ['all NULL', rows.map((r) => ({ empty: null, t: r.t })), { x: 'empty' }, /^--x empty: every value in that column is NULL/],
    ['scatter needs two numbers', pick('method', 't'), { type: 'scatter' }, /needs a column of numbers besides `t`/],
    ['colour and several y', pick('day', 't', 'mae', 'method'), { y: ['t', 'mae'], color: 'method' }, /either --color or several --y/],
    ['empty result', [], {}, /Nothing to plot/],
  ];
  it.each(refusals)('refuses: %s', (_, data, req, msg) => {
    expect(() => chooseEncoding(inferColumns(data), req)).toThrow(ChartError);
    expect(() => chooseEncoding(inferColumns(data), req)).toThrow(msg);
  });
});

describe('Vega-Lite spec', () => {
  it('titles axes from column names (with unit), UTC time scale, NULL rows counted', () => {
    const cols = inferColumns(pick('day', 'mae'), { mae: { type: 'numeric', unit: 'eV' } });
    const built = buildSpec(pick('day', 'mae'), chooseEncoding(cols, {}), { title: 'MAE' });
    const s = built.spec as any;
    expect(s.mark.type).toBe('line');
    expect(s.encoding.x).toMatchObject({ field: 'f0', type: 'temporal', title: 'day (UTC)', scale: { type: 'utc' }, axis: { format: '%b %d %H:%M' } });
    expect(s.encoding.y).toMatchObject({ field: 'f1', type: 'quantitative', title: 'mae (eV)' });
    expect(s.data.values).toEqual([
      { f0: '2026-01-05T08:00:00.000Z', f1: 0.12 },
      { f0: '2026-01-06T08:00:00.000Z', f1: 0.2 },
    ]);
    expect(built.notes).toEqual(['1 row with NULL in day/mae left out.']);
    expect(s.title.text).toBe('MAE');
    expect(s.config.range.category[0]).toBe('#0072B2');
  });

  it('folds several y columns into a coloured series', () => {
    const built = buildSpec(pick('day', 't', 'mae'), chooseEncoding(inferColumns(pick('day', 't', 'mae')), { y: ['t', 'mae'] }));
    const s = built.spec as any;
    expect(s.encoding.color).toMatchObject({ field: 'c', title: 'column' });
    expect(built.points).toBe(5);
  });

  it('averages repeated bar categories and says so', () => {
    const built = buildSpec(pick('method', 't'), chooseEncoding(inferColumns(pick('method', 't')), {}));
    expect((built.spec as any).encoding.y).toMatchObject({ aggregate: 'mean', title: 'mean of t' });
    expect(built.notes).toContain('Several rows per method: each bar is their mean.');
  });

  it('samples evenly above the point limit and says how', () => {
    const many = Array.from({ length: 25_000 }, (_, i) => ({ a: i, b: i % 7 }));
    const built = buildSpec(many, chooseEncoding(inferColumns(many.slice(0, 10)), {}));
    expect(built.points).toBe(8334);
    expect(built.notes).toEqual(['Sampled: every 3th of 25,000 points drawn (8,334).']);
  });
});

describe('a line over many points', () => {
  it('keeps the lowest and highest value of each x slice, in x order, and says so', () => {
    const many = Array.from({ length: 12_000 }, (_, i) => ({ t: i, v: i % 10 === 3 ? 100 : i % 10 === 7 ? -100 : 0 }));
    const built = buildSpec(many, chooseEncoding(inferColumns(many.slice(0, 5)), { type: 'line' }));
    const values = (built.spec as any).data.values as { f0: number; f1: number }[];
    expect(values.length).toBeLessThanOrEqual(2000);
    expect(Math.max(...values.map((v) => v.f1))).toBe(100);
    expect(Math.min(...values.map((v) => v.f1))).toBe(-100);
    expect(values.map((v) => v.f0)).toEqual([...values.map((v) => v.f0)].sort((a, b) => a - b));
    expect(built.notes).toEqual([
      `Line drawn through ${values.length.toLocaleString('en-US')} of 12,000 points: the lowest and highest value in each of 1,000 equal slices of t.`,
    ]);
  });

  it('envelope keeps each series apart', () => {
    const data = [0, 1, 2, 3].flatMap((x) => [
      { f0: x, f1: x, c: 'a' },
      { f0: x, f1: -x, c: 'b' },
    ]);
    expect(
      envelope(data, 2)
        .filter((d) => d.c === 'b')
        .map((d) => d.f1),
    ).toEqual([-0, -1, -2, -3]);
  });
});
