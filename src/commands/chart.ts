import { CHART_TYPES, ChartError, chooseEncoding, describeEncoding, type ChartRequest, type ChartType } from '../charts/choose.ts';
import { inferColumns, type SchemaHint } from '../charts/columns.ts';
import { renderPng } from '../charts/render.ts';
import { buildSpec, MAX_POINTS, type BuiltChart } from '../charts/spec.ts';
import type { Dataset } from '../ouro/index.ts';
import { ParseError, parseArgs, tokenize, type Token } from './parse.ts';
import { checkSqlLength, ensureLimit, plural, runQuery, slug } from './query.ts';
import type { Block } from '../chat/reply.ts';
import { assetUrl, resolveAssetId } from './resolve.ts';
import { UserError, type CommandSpec } from './spec.ts';

/**
 * `chart <dataset> [SQL] [--type …] [--x col] [--y col,col] [--color col] [--title "…"]`: the
 * query command's SQL rules (read-only, `{{table}}`, a LIMIT added when none is given, never
 * retried), then a PNG drawn by src/charts. A failing query or a result with nothing to plot
 * gets words, never an empty picture.
 */

/** Rows fetched without a LIMIT: the most points a chart draws (src/charts/spec.ts). */
export const CHART_ROWS = MAX_POINTS;
/** The SQL shown under the chart; the chart itself always comes from the whole query. */
const SQL_SHOWN = 1500;

const FLAGS = { type: 'string', x: 'string', y: 'string', color: 'string', title: 'string' } as const;
const isOption = (t: Token) => !t.quoted && /^--[a-z]+(=|$)/i.test(t.value) && t.value.slice(2).split('=')[0]!.toLowerCase() in FLAGS;

/**
 * The SQL and the options, from the free text after the dataset. Options may come before the
 * SQL or after it (Discord sends them after); a `--word` that is not an option stays SQL, so a
 * `--comment` inside the query is not mistaken for one.
 */
export function splitChartArgs(raw: string | undefined): { sql?: string; flags: Map<string, string[]> } {
  if (!raw) return { flags: new Map() };
  let tokens: Token[];
  try {
    tokens = tokenize(raw);
  } catch {
    return { sql: raw, flags: new Map() }; // SQL whose quoting the chat grammar cannot read: no options
  }
  let from = 0;
  while (from < tokens.length && isOption(tokens[from]!)) from += tokens[from]!.value.includes('=') ? 1 : 2;
  let to = tokens.length;
  for (let j = from; j < tokens.length; j++) {
    if (!isOption(tokens[j]!)) continue;
    if (parseArgs(tokens.slice(j), FLAGS).positionals.length === 0) {
      to = j;
      break;
    }
  }
  const flags = parseArgs([...tokens.slice(0, from), ...tokens.slice(to)], FLAGS).flags;
  const start = tokens[from]?.start ?? raw.length;
  const end = tokens[to]?.start ?? raw.length;
  const sql = from < to ? raw.slice(start, end).trim() : '';
  return { ...(sql ? { sql } : {}), flags };
}

export function chartRequest(flags: Map<string, string[]>): ChartRequest {
  const last = (k: string) => flags.get(k)?.at(-1);
  const type = last('type')?.toLowerCase();
  if (type && !(CHART_TYPES as readonly string[]).includes(type)) throw new ParseError(`--type must be one of ${CHART_TYPES.join(', ')} — not “${type}”.`);
  const y = (flags.get('y') ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return {
    ...(type ? { type: type as ChartType } : {}),
    ...(last('x') ? { x: last('x')! } : {}),
    ...(y.length ? { y } : {}),
    ...(last('color') ? { color: last('color')! } : {}),
    ...(last('title') ? { title: last('title')! } : {}),
  };
}

export const chartSpec: CommandSpec = {
  name: 'chart',
  usage: 'chart <dataset> [SQL] [--type bar|line|scatter|area|histogram] [--x col] [--y col[,col…]] [--color col] [--title "…"]',
  summary: 'Draw a chart of a dataset or of read-only SQL on it',
  help: `The same SQL as \`query\` (\`{{table}}\` for the dataset’s table; a LIMIT of ${CHART_ROWS.toLocaleString('en-US')} is added when you give none). Without --x/--y the columns choose the chart: a time column and a number → line over time; a text column and a number → bar; two numbers → scatter; one number → histogram. The reply says which columns went where. At most ${CHART_ROWS.toLocaleString('en-US')} points are drawn; beyond that the rows are sampled evenly and the caption says so.`,
  example: '/ouro chart screening_runs SELECT started_at, mae_ev FROM {{table}} --title "MAE over time"',
  args: [
    { name: 'dataset', required: true },
    { name: 'SQL', required: false, rest: 'raw' },
  ],
  admin: false,
  async handler({ args, link, scope, deps }) {
    const { sql: given, flags } = splitChartArgs(args.SQL);
    const req = chartRequest(flags);
    checkSqlLength(given);
    const id = await resolveAssetId(deps.ouro, 'dataset', args.dataset!, link, scope);
    const dataset: Dataset = scope.admit(await deps.ouro.datasets.get(id), 'dataset');
    const name = dataset.name ?? id;
    const { sql, added } = ensureLimit(given ?? 'SELECT * FROM {{table}}', CHART_ROWS);
    const [rows, schema] = await Promise.all([runQuery(deps.ouro, id, sql), deps.ouro.datasets.schema(id)]);
    if (rows.length === 0) throw new UserError('The query returned no rows, so there is nothing to chart.');
    const hints: Record<string, SchemaHint> = {};
    for (const c of schema) {
      const unit = (c as { unit?: unknown }).unit;
      hints[c.column_name] = { type: c.data_type, ...(typeof unit === 'string' && unit ? { unit } : {}) };
    }
    let chart: BuiltChart;
    let said: string;
    try {
      const encoding = chooseEncoding(inferColumns(rows, hints), req);
      said = describeEncoding(encoding);
      chart = buildSpec(rows, encoding, { title: req.title ?? name });
    } catch (err) {
      if (err instanceof ChartError) throw new UserError(err.message);
      throw err;
    }
    const png = await renderPng(chart.spec);
    const url = assetUrl(deps.webBaseUrl, dataset);
    const shownSql = sql.length > SQL_SHOWN ? `${sql.slice(0, SQL_SHOWN)}…` : sql;
    const notes = [
      ...(added ? [`No LIMIT given, so LIMIT ${CHART_ROWS} was added${rows.length >= CHART_ROWS ? '; there may be more rows' : ''}.`] : []),
      ...chart.notes,
    ];
    const caption = `${plural(rows.length, 'row')} · [Open on Ouro](${url})`;
    const blocks: Block[] = [
      { type: 'text', markdown: `**${name}**: ${said}` },
      { type: 'text', markdown: `\`\`\`\n${shownSql}\n\`\`\`` },
      { type: 'context', markdown: [caption, ...notes].join(' ') },
    ];
    const text = [`**${name}**: ${said}`, '```', shownSql, '```', caption, ...notes].join('\n');
    const alt = `${said.replace(/`/g, '')} of ${name}, ${plural(chart.points, 'point')}`;
    const file = { name: `${slug(name)}-chart.png`, mime: 'image/png', content: png.png, title: req.title ?? name, alt };
    return { reply: { text, blocks, files: [file] }, shows: [dataset] };
  },
};
