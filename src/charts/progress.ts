/**
 * The small picture under `quest show`: items done / open and entries by status, as two
 * stacked bars. It repeats numbers the reply's text already gives (screen readers and the
 * console use the text). Pure: counts → Vega-Lite spec.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_FONT } from './fonts.ts';
import { PALETTE } from './spec.ts';

export interface QuestProgressCounts {
  itemsDone: number;
  itemsOpen: number;
  submitted: number;
  accepted: number;
  rejected: number;
}

/** Logical size; rendered at 1000 px wide like every chart. */
export const PROGRESS_WIDTH = 500;
export const PROGRESS_HEIGHT = 110;

const PARTS: { row: 'Items' | 'Entries'; part: string; key: keyof QuestProgressCounts; color: string }[] = [
  { row: 'Items', part: 'done', key: 'itemsDone', color: PALETTE[2]! },
  { row: 'Items', part: 'open', key: 'itemsOpen', color: '#BBBBBB' },
  { row: 'Entries', part: 'accepted', key: 'accepted', color: PALETTE[0]! },
  { row: 'Entries', part: 'submitted', key: 'submitted', color: PALETTE[1]! },
  { row: 'Entries', part: 'rejected', key: 'rejected', color: PALETTE[3]! },
];

/** The picture's alt text and the reply's text say the same thing. */
export function progressAlt(c: QuestProgressCounts): string {
  return `Items: ${c.itemsDone} done, ${c.itemsOpen} open. Entries: ${c.accepted} accepted, ${c.submitted} submitted, ${c.rejected} rejected.`;
}

export function progressSpec(c: QuestProgressCounts): TopLevelSpec {
  // Counts in the legend's labels, so the picture reads without an axis.
  const label = (p: (typeof PARTS)[number]) => `${p.part} (${c[p.key]})`;
  const values = PARTS.map((p, order) => ({ row: p.row, part: label(p), n: c[p.key], order }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: PROGRESS_WIDTH,
    height: PROGRESS_HEIGHT,
    autosize: { type: 'fit', contains: 'padding' },
    padding: 8,
    background: 'white',
    data: { values },
    mark: { type: 'bar', height: 22 },
    encoding: {
      y: {
        field: 'row',
        type: 'nominal',
        sort: ['Items', 'Entries'],
        title: null,
        axis: { labelFontSize: 12, labelFontWeight: 'bold', domain: false, ticks: false },
      },
      x: { field: 'n', type: 'quantitative', stack: 'zero', title: null, axis: { tickMinStep: 1, format: 'd', grid: false } },
      color: {
        field: 'part',
        type: 'nominal',
        scale: { domain: PARTS.map(label), range: PARTS.map((p) => p.color) },
        legend: { orient: 'bottom', title: null, columns: 5 },
      },
      order: { field: 'order', type: 'quantitative' },
    },
    config: { font: CHART_FONT, view: { stroke: null }, legend: { labelFontSize: 11 } },
  } as unknown as TopLevelSpec;
}
