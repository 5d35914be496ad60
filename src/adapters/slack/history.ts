/**
 * Catch-up reads (ChatAdapter.messagesSince): conversations.replies for a thread,
 * conversations.history for a channel's top level (`channel` mirror mode), with `oldest` =
 * the last known ts (exclusive), paged with cursors. Messages become events through
 * translateMessage, as live message events do, so keys (`slack:<channel>:<ts>`), text,
 * authors and files match and our own and other bots' messages are left out the same way.
 *
 * Slack lists replies oldest first (the root may lead whatever `oldest` says, so ts are
 * checked here too) but history newest first: the oldest of a long history are reached only
 * by reading every page, up to MAX_PAGES. Both need channels:history / groups:history
 * (in the manifest). A 429 is waited out for up to a minute, a few times: since May 2025
 * Slack allows commercially distributed non-Marketplace apps one call a minute and 15
 * messages a call on these two methods (internal apps keep Tier 3, ~50 calls a minute).
 */
import type { ChatRef, InboundEvent } from '../../bridge/types.ts';
import { compareTs, toSlackTarget } from './ids.ts';
import { translateMessage, type MessageDeps, type SlackMessage } from './messages.ts';
import type { Outbound } from './outbound.ts';
import { retryRateLimited } from './pacing.ts';

/** Messages per call: Slack's recommended maximum. */
const PAGE = 200;
/** Pages per place and run (1,000 messages): a bound on a channel's newest-first history. */
const MAX_PAGES = 5;

export async function messagesSince(o: Outbound, deps: MessageDeps, ref: ChatRef, afterTs: string, limit: number): Promise<InboundEvent[]> {
  const target = toSlackTarget(ref);
  const byTs = new Map<string, SlackMessage>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const args = { channel: target.channel, oldest: afterTs, limit: PAGE, ...(cursor ? { cursor } : {}) };
    const res = await retryRateLimited(
      () => (target.thread_ts ? o.client.conversations.replies({ ...args, ts: target.thread_ts }) : o.client.conversations.history(args)),
      { retries: 3, maxRetryAfterSec: 60 },
    );
    for (const m of (res.messages ?? []) as SlackMessage[]) if (m.ts && compareTs(m.ts, afterTs) > 0) byTs.set(m.ts, m);
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!res.has_more || !cursor) break;
    // Replies come oldest first: once `limit` are in, later pages only hold newer ones.
    if (target.thread_ts && byTs.size >= limit) break;
    if (page === MAX_PAGES - 1) deps.logger.warn({ channel: target.channel }, 'slack: catch-up stopped reading history after the page limit');
  }
  const events: InboundEvent[] = [];
  for (const m of [...byTs.values()].sort((a, b) => compareTs(a.ts!, b.ts!))) {
    const t = await translateMessage({ ...m, channel: target.channel }, ref.workspace, deps);
    if ('event' in t && t.event.kind === 'message.posted') events.push(t.event);
    if (events.length >= limit) break;
  }
  return events;
}
