import { sql } from 'kysely';
import { requirePlatform, type StoreContext } from './context.ts';
import type { CatchUpPlace, Platform, ThreadKey } from './types.ts';

/** Where catch-up reads (src/bridge/catch-up.ts): mirrored places and where to start in each. */

/**
 * See Store.catchUpPlaces. Activity is read with one grouped scan of the platform's message
 * map (no index on created_at: it runs once per catch-up, not per message); each anchor is
 * one read within its place's primary-key prefix. Ids sort by length, then as text: Discord
 * snowflakes have no leading zeros and Slack ts have a fixed 6-digit fraction.
 */
export async function catchUpPlaces(ctx: StoreContext, platform: Platform, opts: { activeSince: number; anchorBefore: number }): Promise<CatchUpPlace[]> {
  requirePlatform(platform);
  const places = new Map<string, CatchUpPlace>();
  type Where = Omit<ThreadKey, 'platform'>;
  const at = (k: Where) => JSON.stringify([k.workspace, k.channel, k.thread]);
  const touch = (k: Where, when: number, conversationId: string | null) => {
    const p = places.get(at(k)) ?? {
      platform,
      workspace: k.workspace,
      channel: k.channel,
      thread: k.thread,
      conversationId,
      newestChatMessageId: null,
      lastActivityAt: 0,
    };
    places.set(at(k), { ...p, conversationId: p.conversationId ?? conversationId, lastActivityAt: Math.max(p.lastActivityAt, Number(when)) });
  };
  const threadLinks = await ctx.db.selectFrom('thread_links').selectAll().where('platform', '=', platform).execute();
  for (const l of threadLinks) touch(l, l.created_at, l.conversation_id);
  const channelMode = await ctx.db.selectFrom('channel_links').selectAll().where('platform', '=', platform).where('mirror_mode', '=', 'channel').execute();
  for (const c of channelMode) touch({ ...c, thread: '' }, c.updated_at, null);
  const active = await ctx.db
    .selectFrom('message_map')
    .select(['workspace', 'channel', 'thread', (eb) => eb.fn.max('created_at').as('last_at')])
    .where('platform', '=', platform)
    .where('created_at', '>=', opts.activeSince)
    .groupBy(['workspace', 'channel', 'thread'])
    .execute();
  // Only places that are linked: a message map row outlives an unlinked thread.
  for (const m of active) if (places.has(at(m))) touch(m, Number(m.last_at), null);
  const chosen = [...places.values()].filter((p) => p.lastActivityAt >= opts.activeSince).sort((a, b) => b.lastActivityAt - a.lastActivityAt);
  for (const p of chosen) {
    // `oldest`: the fallback of a channel's top level (see CatchUpPlace.newestChatMessageId).
    const edge = (oldest: boolean) => {
      const dir = oldest ? 'asc' : 'desc';
      const q = ctx.db.selectFrom('message_map').select('chat_message_id').where('platform', '=', platform).where('workspace', '=', p.workspace);
      return q
        .where('channel', '=', p.channel)
        .where('thread', '=', p.thread)
        .where('origin', '=', 'chat')
        .$if(!oldest, (w) => w.where('created_at', '<', opts.anchorBefore))
        .orderBy(sql`length(chat_message_id)`, dir)
        .orderBy('chat_message_id', dir)
        .limit(1)
        .executeTakeFirst();
    };
    const found = (await edge(false)) ?? (p.thread === '' ? await edge(true) : undefined);
    p.newestChatMessageId = found?.chat_message_id ?? null;
  }
  return chosen;
}
