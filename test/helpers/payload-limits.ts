/**
 * Checks what the fakes received against each adapter's limits table (src/adapters/slack/limits.ts, src/adapters/discord/limits.ts):
 * every string without lone surrogates, every length and count within the published limits,
 * no empty message. Returns the problems found, as lines; the contract suite expects none.
 */
import { LIMITS as D } from '../../src/adapters/discord/limits.ts';
import { CSV_MAX_BYTES as SLACK_CSV, LIMITS as S } from '../../src/adapters/slack/limits.ts';
import { hasLoneSurrogate } from '../../src/text/cut.ts';
import type { RecordedCall } from './fake-discord.ts';
import type { Call, Hook } from './fake-slack-wire.ts';

type Problems = string[];

function surrogates(where: string, v: unknown, out: Problems): void {
  if (typeof v === 'string') {
    if (hasLoneSurrogate(v)) out.push(`${where}: lone surrogate in ${JSON.stringify(v.slice(0, 60))}`);
  } else if (Array.isArray(v)) v.forEach((x, i) => surrogates(`${where}[${i}]`, x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) surrogates(`${where}.${k}`, x, out);
}

const len = (s: unknown) => (typeof s === 'string' ? s.length : 0);
function within(out: Problems, where: string, value: number, max: number, min = 0): void {
  if (value > max || value < min) out.push(`${where}: ${value} not in ${min}…${max}`);
}

// ── Discord ────────────────────────────────────────────────────────────────────────────
function discordMessage(where: string, body: any, files: RecordedCall['files'], out: Problems, creating: boolean): void {
  if (!body) return;
  within(out, `${where} content`, len(body.content), D.content);
  const embeds: any[] = body.embeds ?? [];
  within(out, `${where} embeds`, embeds.length, D.embeds);
  let total = 0;
  for (const [i, e] of embeds.entries()) {
    within(out, `${where} embed ${i} title`, len(e.title), D.title);
    within(out, `${where} embed ${i} description`, len(e.description), D.description);
    within(out, `${where} embed ${i} fields`, (e.fields ?? []).length, D.fields);
    for (const f of e.fields ?? []) {
      within(out, `${where} field name`, len(f.name), D.fieldName, 1);
      within(out, `${where} field value`, len(f.value), D.fieldValue, 1);
    }
    total +=
      len(e.title) +
      len(e.description) +
      len(e.footer?.text) +
      len(e.author?.name) +
      (e.fields ?? []).reduce((n: number, f: any) => n + len(f.name) + len(f.value), 0);
  }
  within(out, `${where} embed text in all`, total, D.embedTotal);
  const rows: any[] = body.components ?? [];
  within(out, `${where} action rows`, rows.length, D.rows);
  for (const r of rows) {
    within(out, `${where} buttons in a row`, (r.components ?? []).length, D.buttonsPerRow);
    for (const b of r.components ?? []) {
      within(out, `${where} button label`, len(b.label), D.label);
      within(out, `${where} custom_id`, len(b.custom_id), D.customId, 1);
    }
  }
  if (body.username !== undefined) {
    within(out, `${where} username`, len(body.username), D.webhookUsername, 1);
    if (/discord|clyde/i.test(body.username)) out.push(`${where} username names discord/clyde: ${body.username}`);
  }
  within(out, `${where} files`, files.length, D.files);
  let bytes = 0;
  for (const f of files) {
    const n = Buffer.byteLength(f.text, 'utf8');
    within(out, `${where} file ${f.name} bytes`, n, D.fileBytes);
    bytes += n;
  }
  within(out, `${where} request bytes`, bytes + Buffer.byteLength(JSON.stringify(body), 'utf8'), D.requestBytes);
  if (creating && !body.content && !embeds.length && !files.length && !rows.length && !body.poll) out.push(`${where}: empty message (Discord 50006)`);
}

export function discordPayloadProblems(calls: readonly RecordedCall[]): Problems {
  const out: Problems = [];
  for (const c of calls) {
    if (c.method === 'GET' || c.method === 'DELETE') continue;
    const where = `${c.method} ${c.path.replace(/\/webhooks\/(\d+)\/[^/]+/, '/webhooks/$1/<token>')}`;
    surrogates(where, c.body, out);
    for (const f of c.files) surrogates(`${where} file`, f.name, out);
    if (/\/threads$/.test(c.path)) within(out, `${where} thread name`, len(c.body?.name), D.threadName, 1);
    else if (/\/interactions\/\d+\/[^/]+\/callback$/.test(c.path)) {
      if (c.body?.type === 8) {
        const choices: any[] = c.body.data?.choices ?? [];
        within(out, `${where} choices`, choices.length, D.choices);
        for (const ch of choices) {
          within(out, `${where} choice name`, len(ch.name), D.choiceName, 1);
          within(out, `${where} choice value`, len(String(ch.value)), D.choiceValue, 1);
        }
      } else if (c.body?.data) discordMessage(where, c.body.data, c.files, out, c.body.type === 4);
    } else if (/\/messages(\/[^/]+)?$|^\/webhooks\/\d+\/[^/]+$/.test(c.path)) {
      discordMessage(where, c.body, c.files, out, c.method === 'POST');
    }
  }
  return out;
}

// ── Slack ──────────────────────────────────────────────────────────────────────────────
function slackBlocks(where: string, blocks: any[] | undefined, out: Problems): void {
  if (!blocks) return;
  within(out, `${where} blocks`, blocks.length, S.blocksPerMessage);
  for (const [i, b] of blocks.entries()) {
    const at = `${where} block ${i} (${b.type})`;
    if (b.type === 'section') {
      if (b.text) within(out, `${at} text`, len(b.text.text), S.sectionText, 1);
      within(out, `${at} fields`, (b.fields ?? []).length, S.fieldsPerSection);
      for (const f of b.fields ?? []) within(out, `${at} field`, len(f.text), S.fieldText, 1);
    }
    if (b.type === 'header') within(out, `${at} text`, len(b.text?.text), S.headerText, 1);
    if (b.type === 'context') {
      within(out, `${at} elements`, (b.elements ?? []).length, S.contextElements, 1);
      for (const e of b.elements ?? []) within(out, `${at} element text`, len(e.text), S.sectionText, 1);
    }
    if (b.type === 'actions') {
      within(out, `${at} elements`, (b.elements ?? []).length, S.elementsPerActions, 1);
      for (const e of b.elements ?? []) {
        within(out, `${at} button text`, len(e.text?.text), S.buttonText, 1);
        within(out, `${at} button value`, len(e.value), S.buttonValue);
        within(out, `${at} action_id`, len(e.action_id), S.actionId, 1);
      }
    }
  }
}

function slackMessage(where: string, a: Record<string, any>, out: Problems): void {
  surrogates(where, a, out);
  within(out, `${where} text`, len(a.text), S.messageText);
  if (!a.text && !(a.blocks ?? []).length && !(a.attachments ?? []).length) out.push(`${where}: no text (Slack no_text)`);
  if (a.username !== undefined) within(out, `${where} username`, len(a.username), S.username, 1);
  slackBlocks(where, a.blocks, out);
}

export function slackPayloadProblems(calls: readonly Call[], hooks: readonly Hook[] = []): Problems {
  const out: Problems = [];
  for (const c of calls) {
    const a = c.args;
    if (c.method === 'chat.postMessage' || c.method === 'chat.postEphemeral') slackMessage(c.method, a, out);
    if (c.method === 'chat.update') slackMessage(c.method, a, out);
    if (c.method === 'files.getUploadURLExternal') {
      surrogates(c.method, a, out);
      within(out, `${c.method} length`, Number(a.length), Math.min(S.fileBytes, String(a.filename).endsWith('.csv') ? SLACK_CSV : Infinity), 1);
    }
    if (c.method === 'chat.unfurl') {
      surrogates(c.method, a, out);
      const unfurls = typeof a.unfurls === 'string' ? JSON.parse(a.unfurls) : a.unfurls;
      for (const u of Object.values(unfurls ?? {}) as any[]) slackBlocks(`${c.method} unfurl`, u.blocks, out);
    }
  }
  for (const h of hooks) slackMessage('response_url', h.body, out);
  return out;
}
