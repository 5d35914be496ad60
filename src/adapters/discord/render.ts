/**
 * Neutral RichReply → one Discord message body, within Discord's limits. Pure.
 *
 * Limits (https://discord.com/developers/docs/resources/message): 2,000 characters of
 * content; 10 embeds holding 6,000 characters in all, 4,096 per description, 25 fields per
 * embed with 256-character names and 1,024-character values; 5 buttons per action row, 5 rows,
 * 80-character labels.
 *
 * Layout: text, headings, assets, context lines and tables go into `content` in block
 * order; fields become embeds; buttons become action rows. Content that does not fit
 * continues in embed descriptions, and whatever still does not fit is cut with a line that
 * says how much. A table gets the room the other blocks leave; when rows are cut it says
 * "showing N of M rows" and the whole table comes along as a CSV attachment.
 */
import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord.js';
import type { Block, Button, RichReply } from '../../chat/reply.ts';
import { encodeCustomId } from './ids.ts';
import { escapeMarkdown } from '../../text/markdown.ts';
import { CSV_MAX_BYTES, LIMITS } from './limits.ts';
import { capCsv, csvCutNote } from '../../commands/render/csv.ts';
import { fitTableBlock, tableToCsv } from './table.ts';
import { toDiscord } from './to-discord.ts';
import { boundaryAtOrBefore, head, truncate } from '../../text/cut.ts';

export interface DiscordFile {
  name: string;
  contentType: string;
  data: Buffer;
  /** Alt text, sent as the attachment's `description` (at most 1,024 characters). */
  description?: string;
}

/** `attachments` for the payload: what carries each file's alt text (ids are the files' indexes). */
export const attachmentDescriptions = (files: readonly DiscordFile[]) =>
  files.some((f) => f.description) ? { attachments: files.map((f, id) => ({ id, ...(f.description ? { description: f.description } : {}) })) } : {};

export interface DiscordMessageBody {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  files: DiscordFile[];
}

const RULE = '──────────';

export const cut = (s: string, max: number): string => truncate(s, max);

export function renderReply(reply: RichReply): DiscordMessageBody {
  const blocks: Block[] = reply.blocks.length ? reply.blocks : [{ type: 'text', markdown: reply.text }];
  const notes: string[] = [];
  const files: DiscordFile[] = (reply.files ?? []).map((f) => ({
    ...fileFor(f.name, f.mime, f.content, notes),
    ...(f.alt ? { description: truncate(f.alt, LIMITS.attachmentDescription) } : {}),
  }));
  const fieldEmbeds = renderFields(blocks, notes);
  const components = renderButtons(blocks, notes);

  // Everything but tables first, so tables get the room that is left.
  const parts: (string | null)[] = blocks.map((b) => prose(b));
  const tables = blocks.flatMap((b, i) => (b.type === 'table' ? [i] : []));
  const fixed = parts.reduce<number>((n, p) => n + (p ? p.length + 1 : 0), 0) + notes.join('\n').length;
  const room = Math.max(0, LIMITS.content - fixed - 1);
  for (const i of tables) {
    const b = blocks[i] as Extract<Block, { type: 'table' }>;
    const caption = b.caption ? `${toDiscord(b.caption)}\n` : '';
    const share = Math.floor(room / tables.length) - caption.length - 80; // 80: the "showing N of M rows (… CSV)" line
    const fit = fitTableBlock(b.table, Math.max(0, share));
    let text = caption + fit.block;
    // Say what is left out unless the caption (written by the command, which capped the rows) already does.
    const weCut = fit.shown < b.table.rows.length || (fit.cut && fit.shown === 0);
    if (fit.footer && (weCut || !/showing/i.test(b.caption ?? ''))) text += `${fit.block ? '\n' : ''}-# ${fit.footer}`;
    // Attach what was not shown here; rows the command already left out are not ours to attach.
    const hidden = weCut || fit.block.includes('…') || /column/.test(fit.footer);
    if (hidden && !files.some((f) => f.name.endsWith('.csv'))) {
      const name = tables.length > 1 ? `table-${tables.indexOf(i) + 1}.csv` : 'table.csv'; // captions are sentences, not names
      files.push(fileFor(name, 'text/csv', tableToCsv(b.table), notes));
      text += `${fit.footer ? ' ' : '\n-# '}(table attached as CSV)`;
    }
    parts[i] = text;
  }
  fitFiles(files, notes);
  const text = [...parts.filter((p): p is string => !!p), ...notes].join('\n');
  const split = splitContent(text);
  const overflow = split.overflow;
  let content = split.content;
  const { embeds: more, lost } = overflow ? overflowEmbeds(overflow, fieldEmbeds) : { embeds: [], lost: 0 };
  if (lost > 0) {
    const keep = Math.min(content.length, LIMITS.content - 50); // 50: room for the note line
    const kept = head(content, keep);
    content = `${kept}\n${notShown(lost + content.length - kept.length)}`;
  }
  return { content, embeds: [...more, ...fieldEmbeds], components, files };
}

/**
 * A reply file as an attachment. A CSV over Discord's file limit keeps its first rows and a
 * note says so (the note lands in `notes`, shown in the message).
 */
function fileFor(name: string, mime: string, content: string | Uint8Array, notes: string[]): DiscordFile {
  if (mime === 'text/csv') {
    const c = capCsv(content, CSV_MAX_BYTES);
    if (c.cut) notes.push(`-# ${csvCutNote(name, c, 'Discord takes files up to 10 MiB')}`);
    return { name, contentType: mime, data: c.data };
  }
  return { name, contentType: mime, data: typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content) };
}

/**
 * Keeps the attachments within what Discord takes in one message (10 files, each up to the
 * file limit, 25 MiB in all, with 1 MiB left for the rest of the request); what is left out
 * is named in `notes`.
 */
function fitFiles(files: DiscordFile[], notes: string[]): void {
  let total = 0;
  const kept = files.filter((f) => {
    const fits = files.indexOf(f) < LIMITS.files && f.data.length <= LIMITS.fileBytes && total + f.data.length <= LIMITS.requestBytes - 1024 ** 2;
    if (fits) total += f.data.length;
    else notes.push(`-# ${f.name} is left out: Discord takes up to ${LIMITS.files} files, 10 MiB each and 25 MiB in all, per message.`);
    return fits;
  });
  files.splice(0, files.length, ...kept);
}

function prose(b: Block): string | null {
  switch (b.type) {
    case 'heading':
      // A heading is plain text: escaped, so a name cannot add links or formatting.
      return `## ${toDiscord(escapeMarkdown(b.text.replace(/\n/g, ' ')))}`;
    case 'text':
      return toDiscord(b.markdown);
    case 'context':
      return toDiscord(b.markdown)
        .split('\n')
        .map((l) => `-# ${l}`)
        .join('\n');
    case 'divider':
      return RULE;
    case 'asset': {
      const kind = b.asset.visibility ? `${b.asset.type}, ${b.asset.visibility}` : b.asset.type;
      const head = `**[${toDiscord(escapeMarkdown(b.asset.name))}](${b.asset.url})** (${kind})`;
      return b.summary ? `${head}\n${toDiscord(b.summary)}` : head;
    }
    default:
      return null; // fields, buttons: embeds/components; table: laid out afterwards
  }
}

/** Splits at the last line break that keeps content within 2,000 characters. */
function splitContent(text: string): { content: string; overflow: string } {
  if (text.length <= LIMITS.content) return { content: text, overflow: '' };
  const nl = text.lastIndexOf('\n', LIMITS.content);
  const at = nl > LIMITS.content / 2 ? nl : boundaryAtOrBefore(text, LIMITS.content);
  return { content: text.slice(0, at), overflow: text.slice(at).replace(/^\n/, '') };
}

function embedSize(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/**
 * Overflowing content as embed descriptions, in the room the field embeds leave. The last
 * description that cannot hold the rest ends with a line saying how much was not shown;
 * `lost` > 0 means there was no room for even that, and the caller must say it in content.
 */
function overflowEmbeds(overflow: string, fieldEmbeds: APIEmbed[]): { embeds: APIEmbed[]; lost: number } {
  let budget = LIMITS.embedTotal - fieldEmbeds.reduce((n, e) => n + embedSize(e), 0);
  let slots = LIMITS.embeds - fieldEmbeds.length;
  const embeds: APIEmbed[] = [];
  let rest = overflow;
  while (rest && slots > 0) {
    const room = Math.min(LIMITS.description, budget);
    if (room < 100) break; // not worth an embed: report it as lost instead
    if (rest.length <= room) return { embeds: [...embeds, { description: rest }], lost: 0 };
    if (slots > 1 && budget - room >= 100) {
      const at = boundaryAtOrBefore(rest, room);
      embeds.push({ description: rest.slice(0, at) });
      rest = rest.slice(at);
      budget -= at;
      slots--;
      continue;
    }
    const take = boundaryAtOrBefore(rest, room - 50); // 50: room for the "… (N more characters not shown)" line
    embeds.push({ description: `${rest.slice(0, take)}\n${notShown(rest.length - take)}` });
    return { embeds, lost: 0 };
  }
  return { embeds, lost: rest.length };
}

const notShown = (n: number) => `… (${n} more characters not shown)`;

function renderFields(blocks: Block[], notes: string[]): APIEmbed[] {
  const fields = blocks.flatMap((b) => (b.type === 'fields' ? b.fields : []));
  const embeds: APIEmbed[] = [];
  let total = 0;
  for (let i = 0; i < fields.length; i += LIMITS.fields) {
    const chunk = fields.slice(i, i + LIMITS.fields).map((f) => ({
      name: cut(toDiscord(f.label), LIMITS.fieldName) || '\u200b',
      value: cut(toDiscord(f.value), LIMITS.fieldValue) || '\u200b',
      inline: f.value.length <= 40,
    }));
    const size = chunk.reduce((n, f) => n + f.name.length + f.value.length, 0);
    if (embeds.length === LIMITS.embeds - 1 || total + size > LIMITS.embedTotal - 200) {
      notes.push(`-# ${fields.length - i} more fields not shown (Discord limits a message to ${LIMITS.embedTotal} characters of embeds)`);
      break;
    }
    embeds.push({ fields: chunk });
    total += size;
  }
  return embeds;
}

function renderButtons(blocks: Block[], notes: string[]): APIActionRowComponent<APIButtonComponent>[] {
  const buttons: Button[] = blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  let row: APIButtonComponent[] = [];
  for (const [i, b] of buttons.entries()) {
    const customId = encodeCustomId(b.actionId, b.value);
    if (!customId) {
      notes.push(`-# The "${b.label}" button is left out: its value is too long for Discord (custom_id ≤ 100 characters).`);
      continue;
    }
    if (rows.length === LIMITS.rows) {
      notes.push(`-# ${buttons.length - i} more buttons not shown (Discord allows ${LIMITS.rows * LIMITS.buttonsPerRow}).`);
      break;
    }
    // Numbers are discord-api-types' ComponentType.Button (2) and ButtonStyle Primary/Secondary/Danger (1/2/4).
    row.push({ type: 2, style: b.style === 'primary' ? 1 : b.style === 'danger' ? 4 : 2, label: cut(b.label, LIMITS.label), custom_id: customId });
    if (row.length === LIMITS.buttonsPerRow) {
      rows.push({ type: 1, components: row });
      row = [];
    }
  }
  if (row.length) rows.push({ type: 1, components: row });
  return rows;
}

/**
 * Markdown text → Discord content, split into messages of at most 2,000 characters at line
 * breaks (or spaces, or anywhere, in that order of preference). A code block cut in two is
 * closed at the cut and reopened in the next part, so neither half renders as prose.
 */
export function renderText(markdown: string, max: number = LIMITS.content): string[] {
  let rest = toDiscord(markdown);
  const parts: string[] = [];
  while (rest.length > max) {
    const room = max - 4; // 4: a closing "\n```" if the cut lands inside a code block
    let at = rest.lastIndexOf('\n', room);
    if (at < room / 2) at = rest.lastIndexOf(' ', room);
    if (at < room / 2) at = boundaryAtOrBefore(rest, room);
    let part = rest.slice(0, at);
    rest = rest.slice(at).replace(/^[\n ]/, '');
    if (openFence(part)) {
      part += '\n```';
      rest = `\`\`\`\n${rest}`;
    }
    parts.push(part);
  }
  parts.push(rest);
  return parts;
}

/** True when `text` leaves a code block open (an odd number of fences). */
const openFence = (text: string): boolean => ((text.match(/```/g) ?? []).length & 1) === 1;

/** Ends a text cut to fit Discord. */
export const CUT_NOTE = '\n-# (cut to fit Discord; the full text is on Ouro)';

/**
 * An edit of a post that went out as `count` messages: the new text's parts for the first
 * messages, in order; the messages past the returned list are no longer needed. A text
 * needing more messages than the post has fills them, its last one cut with CUT_NOTE
 * (messages added after the fact would land below later replies).
 */
export function layOver(parts: readonly string[], count: number, max: number = LIMITS.content): string[] {
  if (parts.length <= count) return [...parts];
  const kept = parts.slice(0, count);
  const last = head(kept[count - 1]!, max - CUT_NOTE.length);
  kept[count - 1] = (openFence(last) ? `${head(last, last.length - 4)}\n\`\`\`` : last) + CUT_NOTE;
  return kept;
}
