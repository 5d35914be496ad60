/**
 * Checks on `POST /slack/events` made from the headers alone, before bolt reads a body:
 * what fails here is answered at once and its body is never buffered.
 */
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The largest body bolt may buffer. Slack's biggest deliveries are `message_changed`
 * events: the new and the previous message, each up to 40,000 characters of text plus the
 * same text again as rich_text blocks, at up to 4 UTF-8 bytes a character (≈ 640 KB);
 * 1 MiB leaves room for attachments and metadata. Bolt's own default is 4 MB.
 */
export const SLACK_BODY_LIMIT = 1024 * 1024;

/**
 * An unsigned request may only be Slack's `ssl_check` (a short form body, no signature);
 * anything else without a signature is refused unread.
 */
export const UNSIGNED_BODY_LIMIT = 4 * 1024;

/**
 * Slack's signed requests are accepted within 5 minutes of our clock, in both directions
 * (bolt only refuses old timestamps, so a signed request dated in the future could be
 * replayed for as long as that date is ahead).
 */
export const SLACK_CLOCK_WINDOW_SEC = 5 * 60;

/**
 * Bodies larger than this (or of unknown length) are "large": almost every delivery Slack
 * makes is a few kilobytes, and only a message of tens of thousands of characters is larger.
 */
export const SMALL_BODY = 64 * 1024;

/**
 * Large bodies read at once. Their signatures can only be checked once they have arrived,
 * so forged ones dripped slowly would each hold up to 1 MiB until the request timeout;
 * 16 at once bounds that to 16 MiB, while small requests (Slack's usual) still get in. Past
 * it: 503 with Retry-After (Slack retries events).
 */
export const LARGE_IN_FLIGHT = 16;

/** Whether a request counts against LARGE_IN_FLIGHT. */
export function isLarge(headers: IncomingHttpHeaders): boolean {
  const length = header(headers, 'content-length');
  return length === undefined || !(Number(length) <= SMALL_BODY);
}

export interface Refusal {
  status: 401 | 413 | 503;
  reason: string;
}

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

export function refuseBeforeBody(headers: IncomingHttpHeaders, nowMs: number): Refusal | undefined {
  const lengthHeader = header(headers, 'content-length');
  const length = lengthHeader === undefined ? undefined : Number(lengthHeader);
  const signature = header(headers, 'x-slack-signature');
  if (!signature) {
    if (length === undefined || !(length <= UNSIGNED_BODY_LIMIT)) return { status: 401, reason: 'unsigned request' };
    return undefined; // bolt answers an ssl_check and refuses anything else
  }
  const ts = header(headers, 'x-slack-request-timestamp');
  const sec = ts !== undefined && /^\d{1,12}$/.test(ts) ? Number(ts) : Number.NaN;
  if (!(Math.abs(nowMs / 1000 - sec) <= SLACK_CLOCK_WINDOW_SEC)) return { status: 401, reason: 'timestamp outside the 5-minute window' };
  if (length !== undefined && !(length <= SLACK_BODY_LIMIT)) return { status: 413, reason: 'body larger than Slack sends' };
  return undefined;
}
