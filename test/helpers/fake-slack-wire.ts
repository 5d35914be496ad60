/**
 * The wire format of the Slack fake (fake-slack.ts): its records, request signing and the
 * decoding of Web API bodies (form or JSON; JSON-valued form fields parsed).
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface Call {
  /** Order across calls and hooks. */
  seq: number;
  /** When it arrived (ms since epoch), for pacing assertions. */
  at: number;
  method: string;
  args: Record<string, any>;
  token?: string;
}

export interface Hook {
  seq: number;
  id: string;
  body: any;
}

/** `team_id`: the person's home team (another team's for a Slack Connect guest); default the fake's TEAM. */
export type FakeUser = { id: string; name: string; is_admin?: boolean; is_owner?: boolean; is_bot?: boolean; team_id?: string };

/** A message the fake holds: a person's (`user`) or the bot's (`bot_id`, `username`). */
export type StoredMessage = {
  channel: string;
  ts: string;
  text: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  username?: string;
  blocks?: unknown[];
  metadata?: unknown;
  files?: unknown[];
};

/** Slack request signing: v0=HMAC-SHA256(secret, "v0:<ts>:<body>"). */
export function signSlack(secret: string, body: string, timestampSec = Math.floor(Date.now() / 1000)): Record<string, string> {
  const sig = createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestampSec), 'x-slack-signature': `v0=${sig}` };
}

const JSON_ARGS = new Set(['blocks', 'attachments', 'unfurls', 'view', 'files', 'metadata']);

export function parseArgs(raw: string, contentType: string): Record<string, any> {
  if (contentType.includes('application/json')) return raw ? JSON.parse(raw) : {};
  const args: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(raw)) args[k] = JSON_ARGS.has(k) ? JSON.parse(v) : v;
  return args;
}

export const readAll = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};
