/**
 * Neutral RichReply → Slack Block Kit (pure), within Slack's published limits. Whatever does
 * not fit is said out loud ("showing N of M rows", "N more blocks not shown") and a table
 * that was cut also travels as a CSV file, so nothing is silently dropped.
 */
import type { Block, Button, FileAttachment, RichReply, Table } from '../../chat/reply.ts';
import { fitTable } from '../../commands/render/fit.ts';
import { capCsv, csvCutNote, toCsv } from '../../commands/render/csv.ts';
import { CSV_MAX_BYTES, LIMITS } from './limits.ts';
import { codeBlockBody, escapeSlack, toSlack } from './to-slack.ts';
import { boundaryAtOrBefore, head, truncate } from '../../text/cut.ts';

export type SlackBlock = Record<string, unknown> & { type: string };

export interface RenderedReply {
  /** Fallback text (notifications, screen readers), mrkdwn. */
  text: string;
  blocks: SlackBlock[];
  /** Reply files plus CSVs of tables that did not fit. */
  files: FileAttachment[];
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });

/** Cuts to `max` characters with a visible ellipsis. */
export const clip = (text: string, max: number): string => truncate(text, max);

/** Splits long mrkdwn into pieces of at most `max`, preferring line, then word boundaries. */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = boundaryAtOrBefore(rest, max);
    // Never split inside an escape such as &amp;.
    const amp = rest.lastIndexOf('&', cut);
    if (amp !== -1 && amp > cut - 5 && rest.indexOf(';', amp) >= cut) cut = amp;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.length > 0 || out.length === 0) out.push(rest);
  return out;
}

/** A table as a monospace section, rows cut to fit; `cut` says whether a CSV should follow. */
export function tableSection(table: Table, caption?: string): { blocks: SlackBlock[]; cut: boolean } {
  const fence = '```\n\n```'.length;
  const cap = caption ? `${escapeSlack(caption)}\n` : '';
  let budget = LIMITS.sectionText - fence - cap.length;
  for (;;) {
    const fitted = fitTable(table, { maxChars: Math.max(0, budget) });
    const text = `${cap}\`\`\`\n${codeBlockBody(fitted.text)}\n\`\`\``;
    // Escaping (&amp;…) lengthens the text; shrink the budget by the overflow and refit.
    if (text.length > LIMITS.sectionText && budget > 0) {
      budget -= text.length - LIMITS.sectionText;
      continue;
    }
    // A CSV helps only when this rendering lost something the reply holds (rows, columns or
    // cell text); rows the command itself never fetched (totalRows > rows) are not in it either.
    const lostHere =
      fitted.shownRows < table.rows.length ||
      (fitted.truncated && fitTable({ ...table, totalRows: table.rows.length }, { maxChars: Math.max(0, budget) }).truncated);
    return { blocks: [{ type: 'section', text: mrkdwn(text) }], cut: lostHere };
  }
}

function buttonElement(b: Button): SlackBlock {
  return {
    type: 'button',
    action_id: clip(b.actionId, LIMITS.actionId),
    text: plain(clip(b.label, LIMITS.buttonText)),
    value: head(b.value, LIMITS.buttonValue),
    ...(b.style ? { style: b.style } : {}),
  };
}

function renderBlock(block: Block, files: FileAttachment[] | undefined, tableNo: () => number): SlackBlock[] {
  switch (block.type) {
    case 'heading':
      return [{ type: 'header', text: plain(clip(block.text, LIMITS.headerText)) }];
    case 'text':
      return splitText(toSlack(block.markdown), LIMITS.sectionText).map((t) => ({ type: 'section', text: mrkdwn(t) }));
    case 'context':
      return splitText(toSlack(block.markdown), LIMITS.sectionText).map((t) => ({ type: 'context', elements: [mrkdwn(t)] }));
    case 'divider':
      return [{ type: 'divider' }];
    case 'fields': {
      const out: SlackBlock[] = [];
      for (let i = 0; i < block.fields.length; i += LIMITS.fieldsPerSection) {
        const fields = block.fields
          .slice(i, i + LIMITS.fieldsPerSection)
          .map((f) => mrkdwn(clip(`*${escapeSlack(f.label)}*\n${toSlack(f.value)}`, LIMITS.fieldText)));
        out.push({ type: 'section', fields });
      }
      return out;
    }
    case 'buttons': {
      const out: SlackBlock[] = [];
      for (let i = 0; i < block.buttons.length; i += LIMITS.elementsPerActions) {
        out.push({ type: 'actions', elements: block.buttons.slice(i, i + LIMITS.elementsPerActions).map(buttonElement) });
      }
      return out;
    }
    case 'asset': {
      const { asset } = block;
      const title = `*<${asset.url.replace(/[<>| ]/g, encodeURIComponent)}|${escapeSlack(asset.name)}>*`;
      const summary = block.summary ? `\n${toSlack(block.summary)}` : '';
      const meta = [asset.type, asset.visibility].filter(Boolean).join(' · ');
      return [
        { type: 'section', text: mrkdwn(clip(title + summary, LIMITS.sectionText)) },
        ...(meta ? [{ type: 'context', elements: [mrkdwn(escapeSlack(meta))] }] : []),
      ];
    }
    case 'table': {
      const { blocks, cut } = tableSection(block.table, block.caption);
      if (cut && files) {
        const n = tableNo();
        const name = `${(block.caption ?? 'table').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'table'}${n > 1 ? `-${n}` : ''}.csv`;
        files.push({ name, mime: 'text/csv', content: toCsv(block.table), title: block.caption ?? 'Full result' });
        const more =
          block.table.totalRows > block.table.rows.length
            ? ` (${block.table.rows.length} of ${block.table.totalRows} rows; run the query on Ouro for all)`
            : '';
        blocks.push({ type: 'context', elements: [mrkdwn(`The full table is attached as \`${escapeSlack(name)}\`${escapeSlack(more)}.`)] });
      }
      return blocks;
    }
  }
}

/**
 * `csv: false` where no file can follow (link unfurls): a cut table then shows only its
 * "showing N of M rows" line. A cut table gets a CSV only when the reply has no files.
 */
export function toBlocks(reply: RichReply, opts: { csv?: boolean } = {}): RenderedReply {
  const files: FileAttachment[] = [...(reply.files ?? [])];
  let tables = 0;
  // A reply that carries files already has its full result attached (the query command does).
  const csvFiles = opts.csv === false || files.length > 0 ? undefined : files;
  let blocks = reply.blocks.flatMap((b) => renderBlock(b, csvFiles, () => ++tables));
  for (const [i, f] of files.entries()) {
    if (f.mime !== 'text/csv') continue;
    const c = capCsv(f.content, CSV_MAX_BYTES);
    if (!c.cut) continue;
    files[i] = { ...f, content: c.data };
    blocks.push({ type: 'context', elements: [mrkdwn(escapeSlack(csvCutNote(f.name, c, 'the bridge uploads CSV files up to 50 MiB')))] });
  }
  if (blocks.length > LIMITS.blocksPerMessage) {
    const hidden = blocks.length - (LIMITS.blocksPerMessage - 1);
    blocks = [
      ...blocks.slice(0, LIMITS.blocksPerMessage - 1),
      { type: 'context', elements: [mrkdwn(`${hidden} more block${hidden === 1 ? '' : 's'} not shown (Slack shows at most 50).`)] },
    ];
  }
  return { text: clipMessage(toSlack(reply.text)), blocks, files };
}

/** Slack truncates `text` past 40,000 characters without saying so; we say so. */
export function clipMessage(text: string): string {
  if (text.length <= LIMITS.messageText) return text;
  const note = `\n… (${text.length - (LIMITS.messageText - 100)} more characters not shown)`;
  return head(text, LIMITS.messageText - 100) + note;
}
