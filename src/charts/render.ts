/**
 * Vega-Lite spec → PNG without a browser: vega-lite compiles to Vega, Vega renders SVG
 * headless (renderer `none`), resvg rasterises it with the shipped fonts only, so the
 * machine's fonts never change the picture.
 */
import { renderAsync } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { CHART_FONT, FONT_FILES } from './fonts.ts';

/** Chat apps show images up to about this width without scaling them down. */
export const PNG_WIDTH = 1000;

export interface RenderOptions {
  /** Also let resvg load the machine's fonts (tests compare; the bridge never does). */
  systemFonts?: boolean;
}

export interface RenderedChart {
  png: Uint8Array;
  width: number;
  height: number;
}

/**
 * vega-lite sets `Set.prototype.toJSON` when it loads (its spec hashing needs it). Left in
 * place it changes JSON.stringify of every Set in the process and breaks discord.js's
 * inspector at import, so it is taken off here and put back only while a spec compiles
 * (synchronous: no other code runs in between).
 */
const SET_TO_JSON = Object.getOwnPropertyDescriptor(Set.prototype, 'toJSON');
if (SET_TO_JSON) delete (Set.prototype as { toJSON?: unknown }).toJSON;

function compileToVega(spec: TopLevelSpec) {
  if (SET_TO_JSON) Object.defineProperty(Set.prototype, 'toJSON', SET_TO_JSON);
  try {
    return compile(spec).spec;
  } finally {
    if (SET_TO_JSON) delete (Set.prototype as { toJSON?: unknown }).toJSON;
  }
}

export async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compileToVega(spec)), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * resvg's asynchronous entry point: it rasterises on libuv's thread pool, so the event loop
 * keeps serving Slack acks and Discord heartbeats meanwhile, and it frees its native memory
 * (the synchronous `new Resvg().render()` of @resvg/resvg-js 2.6.2 kept ~2.6 MB per call,
 * measured with bench/charts.ts).
 */
export async function svgToPng(svg: string, opts: RenderOptions = {}): Promise<RenderedChart> {
  const image = await renderAsync(svg, {
    background: 'white',
    fitTo: { mode: 'width', value: PNG_WIDTH },
    font: { loadSystemFonts: opts.systemFonts ?? false, fontFiles: [...FONT_FILES], defaultFontFamily: CHART_FONT },
  });
  return { png: new Uint8Array(image.asPng()), width: image.width, height: image.height };
}

export async function renderPng(spec: TopLevelSpec, opts: RenderOptions = {}): Promise<RenderedChart> {
  return await svgToPng(await toSvg(spec), opts);
}
