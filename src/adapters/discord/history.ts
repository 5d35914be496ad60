/**
 * Catch-up reads (ChatAdapter.messagesSince): GET /channels/{id}/messages?after=<id>&limit=100
 * through discord.js, paging forward. Discord answers `after` with the `limit` messages right
 * after that id (listed newest first), so each page continues the last; a gateway session
 * does not replay what was sent while no session listened, so this is the only way back.
 * Messages are built by discord.js as on the gateway and turned into events by the same code
 * as live ones (inbound.ts). Read Message History is needed (in the invite permissions).
 * discord.js waits out 429s by itself. One difference from live: a REST message carries no
 * `member`, so the author's server nickname shows only when the member is cached.
 */
import type { Client, Message } from 'discord.js';
import type { ChatRef, InboundEvent } from '../../bridge/types.ts';
import { toDiscordTarget } from './ids.ts';
import { postedEvent } from './inbound.ts';
import { DiscordCode, isCode } from './rest-errors.ts';

/** Discord's cap per page. */
const PAGE = 100;

const bySnowflake = (a: Message, b: Message) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);

export async function messagesSince(
  d: { client: Client; skip: (m: Message) => string | undefined },
  ref: ChatRef,
  afterMessageId: string,
  limit: number,
): Promise<InboundEvent[]> {
  const { channelId } = toDiscordTarget(ref);
  let channel;
  try {
    channel = await d.client.channels.fetch(channelId);
  } catch (err) {
    if (isCode(err, DiscordCode.UnknownChannel)) return []; // deleted meanwhile: nothing to read
    throw err;
  }
  if (!channel?.isTextBased() || !('messages' in channel)) return [];
  const events: InboundEvent[] = [];
  // Other bots' and our own messages count toward the pages read, not toward `limit`.
  const maxPages = Math.ceil(limit / PAGE) + 2;
  let after = afterMessageId;
  for (let page = 0; page < maxPages; page++) {
    const batch = await channel.messages.fetch({ after, limit: PAGE, cache: false });
    const ascending = [...batch.values()].sort(bySnowflake);
    for (const m of ascending) {
      if (d.skip(m)) continue;
      events.push(postedEvent(d.client, m));
      if (events.length >= limit) return events;
    }
    if (batch.size < PAGE) break;
    after = ascending.at(-1)!.id;
  }
  return events;
}
