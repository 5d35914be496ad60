/**
 * Which columns go where. Without --x/--y the result's column kinds decide: a time column
 * and a number → line over time; a text column and a number → bar; two numbers → scatter;
 * one number → histogram. Given columns are checked, so a typo gets the list of columns
 * rather than an empty chart. Pure.
 */
import type { ChartColumn } from './columns.ts';

export const CHART_TYPES = ['bar', 'line', 'scatter', 'area', 'histogram'] as const;
export type ChartType = (typeof CHART_TYPES)[number];

export interface ChartRequest {
  type?: ChartType;
  x?: string;
  y?: string[];
  color?: string;
  title?: string;
}

export interface Encoding {
  type: ChartType;
  x: ChartColumn;
  /** Empty for a histogram (its y is the row count). */
  y: ChartColumn[];
  color?: ChartColumn;
}

/** A request that cannot be drawn; the message is for the person who asked. */
export class ChartError extends Error {
  override readonly name = 'ChartError';
}

const describeColumns = (cols: readonly ChartColumn[]) =>
  cols.map((c) => `\`${c.name}\` (${c.kind === 'quantitative' ? 'number' : c.kind === 'temporal' ? 'time' : 'text'})`).join(', ') || 'none';

function find(cols: readonly ChartColumn[], name: string, flag: string): ChartColumn {
  const exact = cols.find((c) => c.name === name) ?? cols.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!exact) throw new ChartError(`${flag} ${name}: the result has no such column. Its columns: ${describeColumns(cols)}.`);
  if (exact.present === 0) throw new ChartError(`${flag} ${name}: every value in that column is NULL, so there is nothing to draw.`);
  return exact;
}

const usable = (cols: readonly ChartColumn[], kind: ChartColumn['kind']) => cols.filter((c) => c.kind === kind && c.present > 0);

function numberColumn(c: ChartColumn, flag: string): ChartColumn {
  if (c.kind !== 'quantitative')
    throw new ChartError(`${flag} ${c.name}: that column holds ${c.kind === 'temporal' ? 'times' : 'text'}, and this axis needs numbers.`);
  return c;
}

/** The type a request implies when it names none. */
function autoType(cols: readonly ChartColumn[], x: ChartColumn | undefined, ys: readonly ChartColumn[]): ChartType {
  const nums = usable(cols, 'quantitative');
  if (!x && ys.length) {
    const free = cols.filter((c) => !ys.includes(c));
    if (usable(free, 'temporal').length) return 'line';
    if (usable(free, 'nominal').length) return 'bar';
    if (usable(free, 'quantitative').length) return 'scatter';
    if (ys.length === 1) return 'histogram';
    throw new ChartError(`Several --y columns need an x column besides them; this result has ${describeColumns(cols)}.`);
  }
  if (x) {
    if (x.kind === 'temporal') return 'line';
    if (x.kind === 'nominal') return 'bar';
    return nums.some((c) => c !== x) ? 'scatter' : 'histogram';
  }
  if (usable(cols, 'temporal').length && nums.length) return 'line';
  if (usable(cols, 'nominal').length && nums.length) return 'bar';
  if (nums.length >= 2) return 'scatter';
  if (nums.length === 1) return 'histogram';
  throw new ChartError(
    `Nothing to plot: a chart needs at least one column of numbers, and this result has ${describeColumns(cols)}. Select a number column, or count rows with \`count(*)\`.`,
  );
}

/** The x column a type prefers when none is named. */
function autoX(cols: readonly ChartColumn[], type: ChartType, taken: readonly ChartColumn[]): ChartColumn | undefined {
  const free = (kind: ChartColumn['kind']) => usable(cols, kind).find((c) => !taken.includes(c));
  switch (type) {
    case 'line':
    case 'area':
      return free('temporal') ?? free('quantitative') ?? free('nominal');
    case 'bar':
      return free('nominal') ?? free('temporal') ?? free('quantitative');
    case 'scatter':
    case 'histogram':
      return free('quantitative');
  }
}

export function chooseEncoding(cols: readonly ChartColumn[], req: ChartRequest): Encoding {
  let x = req.x ? find(cols, req.x, '--x') : undefined;
  const ys = (req.y ?? []).map((n) => numberColumn(find(cols, n, '--y'), '--y'));
  const color = req.color ? find(cols, req.color, '--color') : undefined;
  if (color && ys.length > 1) throw new ChartError('Give either --color or several --y columns: both would colour the lines.');
  const type = req.type ?? autoType(cols, x, ys);

  if (type === 'histogram') {
    const col = x ?? ys[0] ?? autoX(cols, type, []);
    if (!col) throw new ChartError(`A histogram needs a column of numbers; this result has ${describeColumns(cols)}.`);
    if (ys.length > 1 || (x && ys.length)) throw new ChartError('A histogram counts rows of one column: give --x or one --y, not both.');
    return { type, x: numberColumn(col, x ? '--x' : '--y'), y: [], ...(color ? { color } : {}) };
  }
  x ??= autoX(cols, type, [...ys, ...(color ? [color] : [])]);
  if (!x) throw new ChartError(`A ${type} chart needs an x column; this result has ${describeColumns(cols)}.`);
  if (type === 'scatter') numberColumn(x, '--x');
  let y = ys;
  if (!y.length) {
    const next = usable(cols, 'quantitative').find((c) => c !== x && c !== color);
    if (!next) throw new ChartError(`A ${type} chart needs a column of numbers besides \`${x.name}\`; this result has ${describeColumns(cols)}.`);
    y = [next];
  }
  return { type, x, y, ...(color ? { color } : {}) };
}

/** "line: x = started_at (time), y = mae_ev" — said in the reply, so nobody guesses. */
export function describeEncoding(e: Encoding): string {
  const kind = (c: ChartColumn) => (c.kind === 'temporal' ? 'time' : c.kind === 'quantitative' ? 'number' : 'text');
  const parts = [`x = \`${e.x.name}\` (${kind(e.x)})`];
  parts.push(e.type === 'histogram' ? 'y = count of rows' : `y = ${e.y.map((c) => `\`${c.name}\``).join(', ')}`);
  if (e.color) parts.push(`colour = \`${e.color.name}\``);
  return `${e.type === 'histogram' ? 'histogram' : `${e.type} chart`}: ${parts.join(', ')}`;
}
