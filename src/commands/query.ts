import { OuroError } from '../ouro/errors.ts';
import type { Dataset } from '../ouro/index.ts';
import { toCsv } from './render/csv.ts';
import { fitTable } from './render/fit.ts';
import { toTable } from './render/table.ts';
import type { Block, FileAttachment, RichReply, Table } from '../chat/reply.ts';
import { assetUrl, resolveAssetId } from './resolve.ts';
import { UserError, type CommandOuro, type CommandSpec } from './spec.ts';

/**
 * `query <dataset> [SQL]`. Ouro runs the SQL read-only with a 10 s limit; a query is never
 * retried (the client does not retry it, and neither do we). Without a LIMIT we add one,
 * as Ouro documents no server-side cap, and say so.
 */

/** Rows fetched when the user gives no LIMIT: enough for a CSV, bounded for memory and the 10 s limit. */
export const DEFAULT_LIMIT = 1000;
/**
 * Rows kept from one answer (a user's own LIMIT may ask for more); the rest is dropped with
 * a note. Ten thousand rows is more than anyone reads in chat or a spreadsheet glance, and
 * the CSV of them stays small; the 4 MiB read cap (datasets.ts) bounds wide rows first.
 */
export const MAX_ROWS = 10_000;
/** Rows put in the reply's table block; the full result always goes in the CSV. */
export const TABLE_ROWS = 50;
/** Without SQL: the first rows shown under the columns. */
export const PREVIEW_ROWS = 10;
/** What "fits a chat message": Discord's 2,000 characters, the smaller of the two platforms. */
const CHAT_CHARS = 2000;

/**
 * The longest SQL accepted: far above any query typed into a chat box (Discord's string
 * options stop at 6,000 characters), and it keeps a pasted megabyte away from Ouro.
 */
export const MAX_SQL_CHARS = 10_000;

// Every pattern here is linear: no quantified group can match the same text two ways.
const HAS_LIMIT = /\b(limit|offset|fetch\s+first)\b/i;
const READ_QUERY = /^\s*(\(\s*)*(select|with)\b/i;

/** The SQL with its comments blanked, in one pass (an unclosed block comment runs to the end). */
export function withoutComments(sql: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < sql.length - 1; ) {
    const two = sql.slice(i, i + 2);
    if (two !== '--' && two !== '/*') {
      i++;
      continue;
    }
    out += `${sql.slice(from, i)} `;
    const end = two === '--' ? sql.indexOf('\n', i + 2) : sql.indexOf('*/', i + 2);
    i = end < 0 ? sql.length : two === '--' ? end : end + 2;
    from = i;
  }
  return out + sql.slice(from);
}

/** Without trailing whitespace and semicolons. */
function trimEnd(sql: string): string {
  let end = sql.length;
  while (end > 0 && /[\s;]/.test(sql[end - 1]!)) end--;
  return sql.slice(0, end).trim();
}

/**
 * Adds `LIMIT n` to a SELECT/WITH that has no LIMIT/OFFSET/FETCH (on its own line, so a
 * trailing `-- comment` cannot swallow it); returns whether it did. Anything else is left
 * for Ouro to refuse in its own words.
 */
export function ensureLimit(sql: string, limit = DEFAULT_LIMIT): { sql: string; added: boolean } {
  const trimmed = trimEnd(sql);
  const code = withoutComments(trimmed);
  if (!READ_QUERY.test(code) || HAS_LIMIT.test(code)) return { sql: trimmed, added: false };
  return { sql: `${trimmed}\nLIMIT ${limit}`, added: true };
}

export const plural = (n: number, w: string) => `${n.toLocaleString('en-US')} ${w}${n === 1 ? '' : 's'}`;

/**
 * The reply for a result table: a capped table block, a fenced fallback text, and (unless
 * `fileBase` is undefined) the full result as CSV when it does not fit a chat message.
 */
export function resultReply(title: string, full: Table, notes: string[], fileBase: string | undefined): RichReply {
  const shown: Table = { ...full, rows: full.rows.slice(0, TABLE_ROWS) };
  const fitted = fitTable(shown, { maxChars: CHAT_CHARS - 200 });
  const files: FileAttachment[] = [];
  const overflow = fitted.truncated || full.rows.length > shown.rows.length;
  if (fileBase !== undefined && overflow && full.rows.length > 0) {
    files.push({ name: `${fileBase}.csv`, mime: 'text/csv', content: toCsv(full), title: `${title} (${plural(full.rows.length, 'row')})` });
  }
  const n = Math.min(shown.rows.length, full.totalRows);
  const caption =
    n === full.totalRows
      ? plural(n, 'row')
      : fileBase === undefined
        ? `first ${n} of ${plural(full.totalRows, 'row')}`
        : `showing ${n} of ${plural(full.totalRows, 'row')}${files.length ? ' — full result attached as CSV' : ''}`;
  const blocks: Block[] = [
    { type: 'heading', text: title },
    { type: 'table', table: shown, caption },
  ];
  if (notes.length) blocks.push({ type: 'context', markdown: notes.join(' ') });
  const text = [`**${title}**`, '```', fitted.text, '```', caption, ...notes].join('\n');
  return files.length ? { text, blocks, files } : { text, blocks };
}

/** Runs SQL once (never retried); a table named instead of `{{table}}` gets the fix in words. */
export async function runQuery(ouro: Pick<CommandOuro, 'datasets'>, id: string, sql: string): Promise<Record<string, unknown>[]> {
  try {
    return await ouro.datasets.query(id, sql);
  } catch (err) {
    // 42P01 undefined_table: most often the dataset's table was named instead of {{table}}.
    if (err instanceof OuroError && err.code === '42P01' && !sql.includes('{{table}}')) {
      throw new UserError(`Ouro rejected it: ${err.message}\nWrite \`{{table}}\` where the dataset’s table goes, e.g. \`SELECT * FROM {{table}}\`.`);
    }
    throw err;
  }
}

/** SQL longer than MAX_SQL_CHARS is refused in words before Ouro is asked (query and chart). */
export function checkSqlLength(sql: string | undefined): void {
  if (sql && sql.length > MAX_SQL_CHARS) {
    throw new UserError(
      `That SQL is ${sql.length.toLocaleString('en-US')} characters long; the bridge takes up to ${MAX_SQL_CHARS.toLocaleString('en-US')}. Shorten the query and try again.`,
    );
  }
}

export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'result';

export const querySpec: CommandSpec = {
  name: 'query',
  usage: 'query <dataset> [SQL]',
  summary: 'Show a dataset’s columns, or run read-only SQL on it',
  help: 'The dataset goes by id or name (this channel’s org/team is searched first; quote a name with spaces). Without SQL: its columns with types and the first 10 rows. With SQL: write `{{table}}` for the dataset’s table; a LIMIT is added when you give none. Ouro cancels a query after 10 seconds and refuses anything that writes. A result too big for a message comes as a CSV file too.',
  example: '/ouro query screening_runs SELECT method, avg(mae_ev) FROM {{table}} GROUP BY method',
  args: [
    { name: 'dataset', required: true },
    { name: 'SQL', required: false, rest: 'raw' },
  ],
  admin: false,
  async handler({ args, link, scope, deps, ouro }) {
    checkSqlLength(args.SQL);
    const id = await resolveAssetId(ouro, 'dataset', args.dataset!, link, scope);
    const dataset: Dataset = scope.admit(await ouro.datasets.get(id), 'dataset');
    const name = dataset.name ?? id;
    const titleLink = `[${name}](${assetUrl(deps.webBaseUrl, dataset)})`;
    if (!args.SQL) {
      const [schema, stats, page] = await Promise.all([ouro.datasets.schema(id), ouro.datasets.stats(id), ouro.datasets.data(id, { limit: PREVIEW_ROWS })]);
      const columns = schema.map((c) => ({ name: c.column_name, type: c.data_type }));
      const colTable = toTable(columns.map((c) => ({ column: c.name, type: c.type })));
      const rows = toTable(page.items, { columns, totalRows: stats.count });
      const reply = resultReply(name, rows, [], undefined); // a preview: run SQL for a full CSV
      const colText = columns.map((c) => `\`${c.name}\` ${c.type}`).join(', ');
      const blocks: Block[] = [
        {
          type: 'asset',
          asset: { id, type: 'dataset', name, url: assetUrl(deps.webBaseUrl, dataset), visibility: dataset.visibility },
          summary: `${plural(stats.count, 'row')}, ${plural(columns.length, 'column')}`,
        },
        { type: 'table', table: colTable, caption: 'columns' },
        ...reply.blocks.slice(1),
      ];
      return {
        reply: { ...reply, text: `${titleLink}: ${plural(stats.count, 'row')}. Columns: ${colText}\n${reply.text}`, blocks },
        shows: [dataset],
      };
    }
    const { sql, added } = ensureLimit(args.SQL);
    let rows = await runQuery(ouro, id, sql);
    const notes = added ? [`No LIMIT given, so LIMIT ${DEFAULT_LIMIT} was added${rows.length >= DEFAULT_LIMIT ? '; there may be more rows' : ''}.`] : [];
    if (rows.length > MAX_ROWS) {
      notes.push(
        `Showing the first ${MAX_ROWS.toLocaleString('en-US')} of ${plural(rows.length, 'row')}; narrow your query (a WHERE clause, an aggregate or a smaller LIMIT) to see the rest.`,
      );
      rows = rows.slice(0, MAX_ROWS);
    }
    const table = toTable(rows);
    return { reply: resultReply(name, table, notes, `${slug(name)}-query`), shows: [dataset] };
  },
};
