/**
 * Finding a relayed post again after its answer was lost. Each relayed post carries message
 * metadata `{event_type: 'ouro_bridge_relay', event_payload: {marker}}` (chat.postMessage
 * `metadata`); it is invisible to people and comes back from conversations.replies (a
 * thread) or conversations.history (the top level) only with `include_all_metadata`. Both
 * reads need channels:history / groups:history, which the manifest already asks for.
 */
import type { ChatRef, PostedMessage, PostProbe } from '../../bridge/types.ts';
import type { Logger } from '../../log.ts';
import { compareTs, toSlackTarget } from './ids.ts';
import { isOwn, type SelfIds } from './messages.ts';
import { retryRateLimited } from './pacing.ts';
import type { Outbound } from './outbound.ts';
import { slackErrorCode } from './web-errors.ts';

export const RELAY_EVENT_TYPE = 'ouro_bridge_relay';

export function relayMetadata(marker: string): { event_type: string; event_payload: { marker: string } } {
  return { event_type: RELAY_EVENT_TYPE, event_payload: { marker } };
}

/**
 * Messages per page, and pages read. Internal apps read 200 a call (Tier 3); Slack caps
 * non-Marketplace commercial apps at 15 a call and 1 call a minute, where one page is all
 * the next retry can afford.
 */
const PAGE = 200;
const MAX_PAGES = 5;
/** Errors that no retry can cure: the post is relayed instead, possibly a second time. */
const UNREADABLE = new Set(['missing_scope', 'not_in_channel', 'channel_not_found', 'thread_not_found', 'not_allowed_token_type']);

interface ReadMessage {
  ts?: string;
  bot_id?: string;
  app_id?: string;
  user?: string;
  metadata?: { event_type?: string; event_payload?: { marker?: unknown } };
}

/** Slack's `oldest`: seconds with six decimals. */
export function millisToTs(ms: number): string {
  const micros = BigInt(Math.max(0, Math.floor(ms))) * 1000n;
  return `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`;
}

export async function findPosted(o: Outbound, self: SelfIds, logger: Logger, ref: ChatRef, probe: PostProbe, since: number): Promise<PostedMessage[]> {
  const target = toSlackTarget(ref);
  const found: { ts: string }[] = [];
  let cursor: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const args = { channel: target.channel, oldest: millisToTs(since), limit: PAGE, include_all_metadata: true, ...(cursor ? { cursor } : {}) };
      const res = await retryRateLimited(() =>
        target.thread_ts ? o.client.conversations.replies({ ...args, ts: target.thread_ts }) : o.client.conversations.history(args),
      );
      for (const m of (res.messages ?? []) as ReadMessage[]) {
        const meta = m.metadata;
        if (m.ts && meta?.event_type === RELAY_EVENT_TYPE && meta.event_payload?.marker === probe.marker && isOwn(m, self)) found.push({ ts: m.ts });
      }
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!res.has_more || !cursor) break;
      if (page === MAX_PAGES - 1) logger.warn({ channel: target.channel }, 'slack: stopped reading for an earlier post after the page limit');
    }
  } catch (err) {
    const code = slackErrorCode(err);
    if (!code || !UNREADABLE.has(code)) throw err;
    logger.warn({ channel: target.channel, error: code }, 'slack: cannot read the channel to look for an earlier post; posting again');
    return [];
  }
  found.sort((a, b) => compareTs(a.ts, b.ts));
  return found.map((m) => ({ messageId: m.ts, ...(target.thread_ts ? { thread: target.thread_ts } : {}) }));
}
