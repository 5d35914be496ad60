/**
 * Query rows + an encoding → a Vega-Lite spec sized for chat. Pure.
 *
 * Fields are renamed to `f0`, `f1`, … in the data, as Vega-Lite reads `.` and `[` in a field
 * name as a path; titles keep the column names. At most `maxPoints` marks are drawn: beyond
 * that the rows are sampled evenly (every k-th row, keeping the result's order) and the
 * subtitle says so.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartColumn } from './columns.ts';
import { plotValue } from './columns.ts';
import type { Encoding } from './choose.ts';
import { CHART_FONT } from './fonts.ts';

/** Above this many marks a chat-sized chart is a blur and rendering passes half a second. */
export const MAX_POINTS = 10_000;
/** Logical size; the PNG is rendered at twice this (1000 px wide), which chat apps show sharp. */
export const CHART_WIDTH = 500;
export const CHART_HEIGHT = 300;

/** Okabe & Ito (2008): eight colours told apart with the common colour-vision deficiencies. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

/**
 * A line over more points than the plot has pixel columns is a smear that costs resvg a
 * second at 10,000 points; per slice of x its lowest and highest value keep the line's shape.
 */
export const LINE_SLICES = 1000;

type Datum = Record<string, string | number | null>;

/** Per series, the min and max `f1` of each of `slices` equal x ranges, in x order. */
export function envelope(data: readonly Datum[], slices: number): Datum[] {
  const xs = data.map((d) => (typeof d.f0 === 'number' ? d.f0 : Date.parse(String(d.f0))));
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const width = hi > lo ? (hi - lo) / slices : 1;
  const keep = new Map<string, { min: number; max: number }>();
  data.forEach((d, i) => {
    const key = `${d.c ?? ''}\u0000${Math.min(slices - 1, Math.floor((xs[i]! - lo) / width))}`;
    const k = keep.get(key);
    if (!k) keep.set(key, { min: i, max: i });
    else {
      if (Number(d.f1) < Number(data[k.min]!.f1)) k.min = i;
      if (Number(d.f1) > Number(data[k.max]!.f1)) k.max = i;
    }
  });
  const rows = new Set<number>();
  for (const k of keep.values()) rows.add(k.min).add(k.max);
  return [...rows].sort((a, b) => xs[a]! - xs[b]! || a - b).map((i) => data[i]!);
}

const DAY = 86_400_000;

/** A date format that names the month always and the year or the hour when the span needs it. */
function timeFormat(data: readonly Datum[]): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (const d of data) {
    const t = Date.parse(String(d.f0));
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  const span = hi - lo;
  if (span > 400 * DAY) return '%b %Y';
  if (span > 3 * DAY) return '%b %d';
  return '%b %d %H:%M';
}

export interface BuiltChart {
  spec: TopLevelSpec;
  /** Marks drawn (rows × y columns, after NULLs and sampling). */
  points: number;
  /** Sentences for the caption: rows left out for NULLs, sampling. */
  notes: string[];
}

const plural = (n: number, w: string) => `${n.toLocaleString('en-US')} ${w}${n === 1 ? '' : 's'}`;
const axisTitle = (c: ChartColumn) => `${c.name}${c.unit ? ` (${c.unit})` : c.kind === 'temporal' ? ' (UTC)' : ''}`;

function field(c: ChartColumn, key: string, type: Encoding['type'], title?: string): Record<string, unknown> {
  const vlType = c.kind === 'nominal' ? 'nominal' : c.kind;
  const out: Record<string, unknown> = { field: key, type: vlType, title: title ?? axisTitle(c) };
  if (c.kind === 'temporal') out.scale = { type: 'utc' };
  if (c.kind === 'quantitative' && type !== 'bar' && type !== 'area') out.scale = { zero: false };
  return out;
}

export function buildSpec(rows: readonly Record<string, unknown>[], enc: Encoding, opts: { title?: string; maxPoints?: number } = {}): BuiltChart {
  const maxPoints = opts.maxPoints ?? MAX_POINTS;
  const notes: string[] = [];
  const series = enc.y.length > 1;
  const needed = [enc.x, ...enc.y, ...(enc.color ? [enc.color] : [])];

  // One datum per mark: wide rows fold into (x, series, value) when there are several y columns.
  let data: Record<string, string | number | null>[] = [];
  let dropped = 0;
  for (const r of rows) {
    const x = plotValue(r[enc.x.name], enc.x.kind);
    if (x === null) {
      dropped++;
      continue;
    }
    if (enc.y.length === 0) {
      data.push({ f0: x, ...(enc.color ? { c: plotValue(r[enc.color.name], enc.color.kind) } : {}) });
      continue;
    }
    let any = false;
    for (const y of enc.y) {
      const v = plotValue(r[y.name], 'quantitative');
      if (v === null) continue;
      any = true;
      data.push({ f0: x, f1: v, ...(series ? { c: y.name } : enc.color ? { c: plotValue(r[enc.color.name], enc.color.kind) } : {}) });
    }
    if (!any) dropped++;
  }
  if (dropped)
    notes.push(
      `${plural(dropped, 'row')} with NULL in ${needed
        .slice(0, enc.y.length ? 1 + enc.y.length : 1)
        .map((c) => c.name)
        .join('/')} left out.`,
    );
  if ((enc.type === 'line' || enc.type === 'area') && enc.x.kind !== 'nominal' && data.length > 2 * LINE_SLICES) {
    const total = data.length;
    data = envelope(data, LINE_SLICES);
    notes.push(
      `Line drawn through ${data.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} points: the lowest and highest value in each of ${LINE_SLICES.toLocaleString('en-US')} equal slices of ${enc.x.name}.`,
    );
  }
  if (data.length > maxPoints) {
    const step = Math.ceil(data.length / maxPoints);
    const total = data.length;
    data = data.filter((_, i) => i % step === 0);
    notes.push(`Sampled: every ${step}th of ${total.toLocaleString('en-US')} points drawn (${data.length.toLocaleString('en-US')}).`);
  }

  const encoding: Record<string, unknown> = {};
  let mark: Record<string, unknown>;
  const yTitle = enc.y.length === 1 ? axisTitle(enc.y[0]!) : enc.y.map((c) => c.name).join(', ');
  switch (enc.type) {
    case 'histogram':
      mark = { type: 'bar', color: PALETTE[0] };
      encoding.x = { ...field(enc.x, 'f0', enc.type), bin: { maxbins: 30 } };
      encoding.y = { aggregate: 'count', type: 'quantitative', title: 'rows' };
      break;
    case 'bar': {
      const repeats = new Set(data.map((d) => `${d.f0}\u0000${d.c ?? ''}`)).size < data.length;
      const slanted = new Set(data.map((d) => d.f0)).size > 8;
      mark = { type: 'bar' };
      encoding.x = { ...field(enc.x, 'f0', enc.type), sort: null, axis: { labelAngle: slanted ? -40 : 0, labelLimit: 140 } };
      encoding.y = { field: 'f1', type: 'quantitative', title: repeats ? `mean of ${yTitle}` : yTitle, ...(repeats ? { aggregate: 'mean' } : {}) };
      if (repeats) notes.push(`Several rows per ${enc.x.name}: each bar is their mean.`);
      break;
    }
    case 'scatter':
      mark = { type: 'point', filled: true, size: data.length > 2000 ? 12 : 40, opacity: data.length > 2000 ? 0.5 : 0.8 };
      encoding.x = field(enc.x, 'f0', enc.type);
      encoding.y = { field: 'f1', type: 'quantitative', title: yTitle, scale: { zero: false } };
      break;
    case 'line':
    case 'area':
      mark = { type: enc.type, ...(enc.type === 'line' ? { strokeWidth: 1.5, point: data.length <= 60 } : { opacity: 0.85 }) };
      encoding.x = field(enc.x, 'f0', enc.type);
      encoding.y = { field: 'f1', type: 'quantitative', title: yTitle, ...(enc.type === 'line' ? { scale: { zero: false } } : {}) };
      break;
  }
  if (enc.x.kind === 'temporal' && enc.type !== 'histogram') {
    (encoding.x as Record<string, unknown>).axis = { ...((encoding.x as { axis?: object }).axis ?? {}), format: timeFormat(data) };
  }
  if (series || enc.color) {
    encoding.color = { field: 'c', type: 'nominal', title: series ? 'column' : enc.color!.name, scale: { range: PALETTE } };
  } else if (enc.type !== 'histogram') {
    mark.color = PALETTE[0];
  }

  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    autosize: { type: 'fit', contains: 'padding' },
    padding: 12,
    background: 'white',
    ...(opts.title ? { title: { text: opts.title, anchor: 'start' } } : {}),
    data: { values: data },
    mark,
    encoding,
    config: {
      font: CHART_FONT,
      axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'bold', grid: true, gridColor: '#e6e6e6' },
      legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', labelLimit: 160 },
      title: { fontSize: 14 },
      range: { category: PALETTE },
      view: { stroke: null },
    },
  } as unknown as TopLevelSpec;
  return { spec, points: data.length, notes };
}
