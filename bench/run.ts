/**
 * `npm run bench`: runs every benchmark module present and prints one table. Each module
 * exports one function returning rows of `{ name, value, note }`. A module not in this build
 * is skipped with a line; one that fails prints its error and the others still run.
 *
 *   node … bench/run.ts [name…]     run only the named ones (ouro-client, store, mirror, commands, comments, charts, file-upload)
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchRow {
  name: string;
  value: string;
  /** The raw-relay baseline measured in the same run, where one applies. */
  raw?: string;
  note?: string;
}

const MODULES: { file: string; fn: string }[] = [
  { file: 'ouro-client.ts', fn: 'benchOuroClient' },
  { file: 'store.ts', fn: 'benchStore' },
  { file: 'mirror.ts', fn: 'benchMirror' },
  { file: 'commands.ts', fn: 'benchCommands' },
  { file: 'comments.ts', fn: 'benchComments' },
  { file: 'charts.ts', fn: 'benchCharts' },
  { file: 'file-upload.ts', fn: 'benchFileUpload' },
];

export function formatTable(rows: BenchRow[]): string {
  const header = { name: 'benchmark', value: 'value', raw: 'raw relay', note: 'note' };
  const all = [header, ...rows];
  const w = {
    name: Math.max(...all.map((r) => r.name.length)),
    value: Math.max(...all.map((r) => r.value.length)),
    raw: Math.max(...all.map((r) => (r.raw ?? '').length)),
  };
  const line = (r: BenchRow) => `${r.name.padEnd(w.name)}  ${r.value.padStart(w.value)}  ${(r.raw ?? '').padStart(w.raw)}  ${r.note ?? ''}`.trimEnd();
  return [line(header), `${'-'.repeat(w.name)}  ${'-'.repeat(w.value)}  ${'-'.repeat(w.raw)}  ----`, ...rows.map(line)].join('\n');
}

async function main(only: string[]): Promise<number> {
  const here = dirname(fileURLToPath(import.meta.url));
  const rows: BenchRow[] = [];
  let failed = 0;
  for (const m of MODULES) {
    const name = m.file.replace(/\.ts$/, '');
    if (only.length && !only.includes(name)) continue;
    const path = join(here, m.file);
    if (!existsSync(path)) {
      process.stdout.write(`skipped ${name}: bench/${m.file} is not in this build\n`);
      continue;
    }
    process.stdout.write(`running ${name}…\n`);
    try {
      const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
      const fn = mod[m.fn];
      if (typeof fn !== 'function') throw new Error(`bench/${m.file} does not export ${m.fn}()`);
      rows.push(...((await (fn as () => Promise<BenchRow[]>)()) ?? []));
    } catch (err) {
      failed++;
      process.stdout.write(`failed ${name}: ${(err as Error).stack ?? String(err)}\n`);
    }
  }
  process.stdout.write(`\n${formatTable(rows)}\n`);
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
