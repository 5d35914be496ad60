/**
 * How a route run reads in chat: the status line, the response (a table for a list of rows,
 * fields for a small flat object, else a JSON code block, cut to fit), and output assets as
 * links. Used by `/ouro route` for sync runs and by the bridge's poll job for async ones.
 */
import type { ActionStatus, RouteAction } from '../ouro/index.ts';
import type { Block, RichReply } from '../chat/reply.ts';
import { assetUrl } from './resolve.ts';

/** A JSON block longer than this is cut: well inside a Slack section (3,000) and a Discord message (2,000). */
const MAX_JSON_CHARS = 1_500;
/** A flat object with more keys than this reads better as JSON than as fields (Discord allows 25). */
const MAX_FIELDS = 10;

const STATUS_WORDS: Record<ActionStatus, string> = {
  queued: '⏳ queued',
  'in-progress': '⚙️ running',
  'timed-out': '⌛ timed out',
  success: '✅ done',
  error: '❌ failed',
};

export const isTerminal = (s: ActionStatus) => s === 'success' || s === 'error' || s === 'timed-out';

/** `action.response.error.message`, the reason Ouro gives for a failed run. */
export function failureReason(action: RouteAction): string | undefined {
  const err = (action.response as { error?: { message?: unknown } } | null | undefined)?.error;
  return typeof err?.message === 'string' ? err.message : undefined;
}

function responseBlocks(response: unknown): Block[] {
  if (response === null || response === undefined) return [];
  if (Array.isArray(response) && response.length && response.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
    const names = [...new Set(response.flatMap((r) => Object.keys(r as object)))];
    const rows = (response as Record<string, unknown>[]).map((r) =>
      names.map((n) => (r[n] === null || r[n] === undefined ? null : typeof r[n] === 'object' ? JSON.stringify(r[n]) : String(r[n]))),
    );
    return [{ type: 'table', table: { columns: names.map((name) => ({ name, align: 'left' as const })), rows, totalRows: rows.length } }];
  }
  if (typeof response === 'object' && !Array.isArray(response)) {
    const entries = Object.entries(response as Record<string, unknown>);
    if (entries.length && entries.length <= MAX_FIELDS && entries.every(([, v]) => v === null || typeof v !== 'object')) {
      return [{ type: 'fields', fields: entries.map(([label, v]) => ({ label, value: v === null ? '—' : String(v) })) }];
    }
  }
  let text = JSON.stringify(response, null, 2);
  if (text.length > MAX_JSON_CHARS) text = `${text.slice(0, MAX_JSON_CHARS)}\n… (${text.length - MAX_JSON_CHARS} more characters on Ouro)`;
  return [{ type: 'text', markdown: `\`\`\`\n${text}\n\`\`\`` }];
}

/** The whole message for a run at its current status. */
export function runReply(title: string, action: RouteAction, webBaseUrl: string, output?: unknown): RichReply {
  const status = STATUS_WORDS[action.status] ?? action.status;
  const head = `**${title}** — ${status}`;
  const blocks: Block[] = [{ type: 'text', markdown: head }];
  const lines = [head];
  if (action.status === 'error' || action.status === 'timed-out') {
    const why = failureReason(action) ?? (action.status === 'timed-out' ? 'Ouro marked the run stale; it may still finish there.' : 'Ouro gave no reason.');
    blocks.push({ type: 'text', markdown: why });
    lines.push(why);
  }
  if (action.status === 'success') {
    const body = responseBlocks(output ?? action.response);
    blocks.push(...body);
    for (const out of action.output_assets ?? []) {
      const name = out.asset?.name ?? out.name ?? out.asset_id;
      const url = assetUrl(webBaseUrl, { id: out.asset_id });
      blocks.push({ type: 'asset', asset: { id: out.asset_id, type: out.asset_type, name, url } });
      lines.push(`• [${name}](${url}) — ${out.asset_type}`);
    }
  }
  blocks.push({ type: 'context', markdown: `Action \`${action.id}\`` });
  return { text: lines.join('\n'), blocks };
}
