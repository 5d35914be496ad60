/**
 * The reading half of the Slack fake: conversations.history (the channel's top level,
 * newest first) and conversations.replies (a thread, its root first, then oldest first),
 * with `oldest` (exclusive), `limit`, cursor paging, and message `metadata` returned only
 * when `include_all_metadata` is set, as Slack does.
 */
import type { StoredMessage } from './fake-slack-wire.ts';

const tsNum = (ts: string) => Number(ts);
const truthy = (v: unknown) => v === true || v === 'true' || v === '1' || v === 1;

export function readHistory(
  all: Iterable<StoredMessage>,
  method: 'conversations.history' | 'conversations.replies',
  a: Record<string, any>,
): Record<string, unknown> {
  const inChannel = [...all].filter((m) => m.channel === a.channel);
  let list: StoredMessage[];
  if (method === 'conversations.replies') {
    if (!inChannel.some((m) => m.ts === a.ts)) return { ok: false, error: 'thread_not_found' };
    list = inChannel.filter((m) => m.ts === a.ts || m.thread_ts === a.ts).sort((x, y) => tsNum(x.ts) - tsNum(y.ts));
  } else {
    list = inChannel.filter((m) => !m.thread_ts || m.thread_ts === m.ts).sort((x, y) => tsNum(y.ts) - tsNum(x.ts));
  }
  if (a.oldest !== undefined) list = list.filter((m) => tsNum(m.ts) > tsNum(String(a.oldest)));
  const start = a.cursor ? Number(String(a.cursor).replace(/^next:/, '')) : 0;
  const limit = Math.max(1, Math.min(Number(a.limit ?? 100), 999));
  const page = list.slice(start, start + limit);
  const more = start + limit < list.length;
  const withMeta = truthy(a.include_all_metadata);
  const messages = page.map(({ channel: _c, metadata, ...m }) => ({ type: 'message', ...m, ...(withMeta && metadata ? { metadata } : {}) }));
  return { ok: true, messages, has_more: more, response_metadata: { next_cursor: more ? `next:${start + limit}` : '' } };
}
