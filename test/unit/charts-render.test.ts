import { describe, expect, it } from 'vitest';
import { chooseEncoding, type ChartRequest } from '../../src/charts/choose.ts';
import { inferColumns } from '../../src/charts/columns.ts';
import { renderPng, svgToPng, toSvg } from '../../src/charts/render.ts';
import { buildSpec } from '../../src/charts/spec.ts';
import { penguinRows, SCREENING_COLUMNS, screeningRows } from '../../src/sandbox/seed-data.ts';
import { pngFacts } from '../helpers/png.ts';

const screening = screeningRows();
const penguins = penguinRows();
const hints = Object.fromEntries(SCREENING_COLUMNS.map((c) => [c.name, { type: c.type }]));

const cases: [string, Record<string, unknown>[], ChartRequest, string][] = [
  ['line over time (1,200 rows, NULLs)', screening, { y: ['mae_ev'] }, 'line'],
  ['bar by text', penguins, { x: 'species', y: ['body_mass_g'] }, 'bar'],
  ['scatter of two numbers', screening, { x: 'temperature_k', y: ['energy_ev'], color: 'method' }, 'scatter'],
  ['area over time', screening.slice(0, 200), { type: 'area', y: ['iterations'] }, 'area'],
  ['histogram of one number', screening.map((r) => ({ mae_ev: r.mae_ev })), {}, 'histogram'],
];

describe('chart rendering', () => {
  it.each(cases)('%s: a valid 1000×600 PNG with ink', async (_, rows, req, type) => {
    const enc = chooseEncoding(inferColumns(rows, hints), req);
    expect(enc.type).toBe(type);
    const built = buildSpec(rows, enc, { title: 'a chart' });
    const out = await renderPng(built.spec);
    const facts = pngFacts(out.png);
    expect([facts.width, facts.height]).toEqual([1000, 600]);
    expect([out.width, out.height]).toEqual([1000, 600]);
    expect(facts.variance).toBeGreaterThan(200);
    expect(facts.inked).toBeGreaterThan(0.02);
  });

  it('a blank picture fails the ink check (the check can fail)', async () => {
    const blank = await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="500" height="300"></svg>');
    expect(pngFacts(blank.png).variance).toBe(0);
  });

  it('draws the same image with and without the machine fonts', async () => {
    const enc = chooseEncoding(inferColumns(penguins), { x: 'species', y: ['bill_length_mm'] });
    const svg = await toSvg(buildSpec(penguins, enc, { title: 'Bill length by species' }).spec);
    const off = await svgToPng(svg, { systemFonts: false });
    const on = await svgToPng(svg, { systemFonts: true });
    expect(Buffer.from(on.png).equals(Buffer.from(off.png))).toBe(true);
    expect(svg).toContain('font-family="IBM Plex Sans"');
  });
});

describe('vega-lite global', () => {
  it('leaves Set.prototype.toJSON as it found it (vega-lite sets it on load; discord.js breaks on it)', async () => {
    await import('../../src/charts/render.ts');
    expect(JSON.stringify(new Set([1]))).toBe('{}');
    expect(Object.getOwnPropertyDescriptor(Set.prototype, 'toJSON')).toBeUndefined();
  });
});
