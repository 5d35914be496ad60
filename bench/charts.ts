/**
 * Chart rendering (src/charts): the whole path a `/ouro chart` answer takes after the query —
 * encoding choice, Vega-Lite spec, Vega SVG, resvg PNG — for 100, 1,000 and 10,000 points,
 * and the process's RSS across 100 charts. Targets (issue #19): p99 < 500 ms at 10,000
 * points; RSS growth < 50 MB over 100 charts.
 *
 *   node --expose-gc … bench/run.ts charts
 */
import { chooseEncoding, type ChartRequest } from '../src/charts/choose.ts';
import { inferColumns } from '../src/charts/columns.ts';
import { renderPng } from '../src/charts/render.ts';
import { buildSpec } from '../src/charts/spec.ts';
import { prng } from '../src/sandbox/seed-data.ts';
import type { BenchRow } from './run.ts';

function rows(n: number): Record<string, unknown>[] {
  const rnd = prng(n);
  const start = Date.UTC(2026, 0, 5);
  return Array.from({ length: n }, (_, i) => ({
    started_at: new Date(start + i * 60_000).toISOString(),
    method: ['dft', 'ml-potential', 'experiment'][i % 3],
    temperature_k: 250 + rnd() * 700,
    mae_ev: rnd() < 0.05 ? null : 0.05 + rnd() * 0.9,
  }));
}

/** Wall time, and CPU time of the whole process (resvg draws on the thread pool): on a shared host the CPU time is the steadier figure. */
async function chart(data: Record<string, unknown>[], req: ChartRequest): Promise<{ wall: number; cpu: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const built = buildSpec(data, chooseEncoding(inferColumns(data), req), { title: 'bench' });
  await renderPng(built.spec);
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

const KINDS: [string, ChartRequest][] = [
  ['line', { x: 'started_at', y: ['mae_ev'] }],
  ['scatter', { x: 'temperature_k', y: ['mae_ev'] }],
];

export async function benchCharts(): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  await chart(rows(100), {}); // load and warm the renderer once
  for (const [kind, req] of KINDS) {
    for (const n of [100, 1_000, 10_000]) {
      const data = rows(n);
      const runs = n === 10_000 ? 20 : 40;
      const walls: number[] = [];
      const cpus: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = await chart(data, req);
        walls.push(t.wall);
        cpus.push(t.cpu);
      }
      walls.sort((a, b) => a - b);
      cpus.sort((a, b) => a - b);
      const ms = (v: number[]) => `${pct(v, 50).toFixed(0)} / ${pct(v, 99).toFixed(0)} ms`;
      out.push({
        name: `chart ${kind} ${n.toLocaleString('en-US')} points p50 / p99`,
        value: ms(walls),
        note: `${runs} renders; CPU time p50 / p99 ${ms(cpus)}`,
      });
    }
  }
  const mixed = [rows(1_000), rows(1_000).map((r) => ({ method: r.method, mae_ev: r.mae_ev })), rows(1_000).map((r) => ({ mae_ev: r.mae_ev }))];
  gc();
  const before = process.memoryUsage().rss;
  for (let i = 0; i < 100; i++) await chart(mixed[i % 3]!, {});
  gc();
  const after = process.memoryUsage().rss;
  out.push({
    name: 'chart RSS after 100 charts (1,000 points)',
    value: mb(after),
    note: `before ${mb(before)}, growth ${mb(after - before)}${(globalThis as { gc?: unknown }).gc ? '' : ' (no --expose-gc)'}`,
  });
  return out;
}
