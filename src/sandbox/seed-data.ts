import type { ColumnRec, Row } from './state.ts';

/**
 * Deterministic dataset rows for the demo seed: the same rows on every machine and run,
 * so tests can assert exact aggregates.
 */

/** mulberry32: a tiny seeded PRNG (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

export const SCREENING_COLUMNS: ColumnRec[] = [
  { name: 'run_id', type: 'text', enum_values: null },
  { name: 'started_at', type: 'timestamp with time zone', enum_values: null },
  { name: 'material', type: 'text', enum_values: null },
  { name: 'method', type: 'text', enum_values: ['dft', 'ml-potential', 'experiment'] },
  { name: 'temperature_k', type: 'double precision', enum_values: null },
  { name: 'mae_ev', type: 'double precision', enum_values: null },
  { name: 'energy_ev', type: 'numeric', enum_values: null },
  { name: 'converged', type: 'boolean', enum_values: null },
  { name: 'iterations', type: 'integer', enum_values: null },
  { name: 'notes', type: 'text', enum_values: null },
];

export const SCREENING_ROW_COUNT = 1200;
const MATERIALS = ['Fe2B', 'Fe2Ni', 'MnBi', 'Nd2Fe14B', 'SmCo5', 'FeCo', 'Fe3Sn', 'MnAl'];
const METHODS = ['dft', 'ml-potential', 'experiment'];
const NOTES = ['rerun after queue timeout', 'spin-polarised', 'check k-point grid', 'outlier?', 'high-spin start'];

/** 1,200 screening runs from 2026-01-05, about every 37 minutes; ~8 % of `mae_ev` and most `notes` are NULL. */
export function screeningRows(): Row[] {
  const rnd = prng(20260105);
  const start = Date.UTC(2026, 0, 5, 8, 0, 0);
  const rows: Row[] = [];
  for (let i = 0; i < SCREENING_ROW_COUNT; i++) {
    const material = MATERIALS[Math.floor(rnd() * MATERIALS.length)]!;
    const converged = rnd() > 0.1;
    rows.push({
      run_id: `run-${String(i + 1).padStart(4, '0')}`,
      started_at: new Date(start + i * 37 * 60_000 + Math.floor(rnd() * 600) * 1000).toISOString(),
      material,
      method: METHODS[Math.floor(rnd() * METHODS.length)]!,
      temperature_k: round(250 + rnd() * 700, 1),
      mae_ev: rnd() < 0.08 ? null : round(0.05 + rnd() * 0.9, 4),
      energy_ev: round(-8 + rnd() * 4, 6),
      converged,
      iterations: converged ? 10 + Math.floor(rnd() * 90) : 200,
      notes: rnd() < 0.15 ? NOTES[Math.floor(rnd() * NOTES.length)]! : null,
    });
  }
  return rows;
}

export const PENGUIN_COLUMNS: ColumnRec[] = [
  { name: 'species', type: 'text', enum_values: ['adelie', 'chinstrap', 'gentoo'] },
  { name: 'island', type: 'text', enum_values: null },
  { name: 'bill_length_mm', type: 'double precision', enum_values: null },
  { name: 'body_mass_g', type: 'integer', enum_values: null },
  { name: 'sex', type: 'text', enum_values: null },
];

const SPECIES: [string, string, number, number][] = [
  ['adelie', 'Torgersen', 38.8, 3700],
  ['chinstrap', 'Dream', 48.8, 3730],
  ['gentoo', 'Biscoe', 47.5, 5080],
];

/** 36 penguins, 12 per species, a few with unknown sex or measurements. */
export function penguinRows(): Row[] {
  const rnd = prng(1907);
  const rows: Row[] = [];
  for (const [species, island, bill, mass] of SPECIES) {
    for (let i = 0; i < 12; i++) {
      const missing = rnd() < 0.08;
      rows.push({
        species,
        island,
        bill_length_mm: missing ? null : round(bill + (rnd() - 0.5) * 6, 1),
        body_mass_g: missing ? null : Math.round(mass + (rnd() - 0.5) * 800),
        sex: rnd() < 0.06 ? null : i % 2 === 0 ? 'female' : 'male',
      });
    }
  }
  return rows;
}

export const ALLOY_COLUMNS: ColumnRec[] = [
  { name: 'alloy', type: 'text', enum_values: null },
  { name: 'supplier', type: 'text', enum_values: null },
  { name: 'coercivity_ka_m', type: 'double precision', enum_values: null },
  { name: 'unit_cost_usd', type: 'numeric', enum_values: null },
];

/** A small confidential table (the leak-test target). */
export function alloyRows(): Row[] {
  return [
    { alloy: 'HX-101', supplier: 'Northwind Metals', coercivity_ka_m: 955.2, unit_cost_usd: 41.5 },
    { alloy: 'HX-102', supplier: 'Northwind Metals', coercivity_ka_m: 1012.8, unit_cost_usd: 44.25 },
    { alloy: 'HX-207', supplier: 'Contoso Alloys', coercivity_ka_m: 870.0, unit_cost_usd: 29.9 },
    { alloy: 'HX-311', supplier: 'Contoso Alloys', coercivity_ka_m: null, unit_cost_usd: 35.0 },
  ];
}
