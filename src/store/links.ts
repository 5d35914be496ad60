import type { ChannelKey, ChannelLink, MessageMapping, MirrorMode, ThreadKey, ThreadLink } from './types.ts';
import { toChannelLink, toMessageMapping, toThreadLink } from './schema.ts';
import { writeTx } from './engine.ts';
import type { Db } from './schema.ts';
import type { Platform } from './types.ts';
import { optionalText, requirePlatform, requireString, requireText, StoreInputError, type StoreContext } from './context.ts';

/** Channel links, thread links, relay cursors and the message map. */

const MIRROR_MODES: readonly MirrorMode[] = ['off', 'threads', 'channel'];

function channelKey(k: ChannelKey): ChannelKey {
  requirePlatform(k.platform);
  return {
    platform: k.platform,
    workspace: requireText('workspace', k.workspace),
    channel: requireText('channel', k.channel),
  };
}

function threadKey(k: ThreadKey): ThreadKey {
  return { ...channelKey(k), thread: requireString('thread', k.thread) };
}

const selectChannelLink = (db: Db, platform: Platform, workspace: string, channel: string) =>
  db.selectFrom('channel_links').selectAll().where('platform', '=', platform).where('workspace', '=', workspace).where('channel', '=', channel);
const selectThreadLink = (db: Db, platform: Platform, workspace: string, channel: string, thread: string) =>
  db
    .selectFrom('thread_links')
    .selectAll()
    .where('platform', '=', platform)
    .where('workspace', '=', workspace)
    .where('channel', '=', channel)
    .where('thread', '=', thread);
const selectThreadsOf = (db: Db, conversationId: string) =>
  db
    .selectFrom('thread_links')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('created_at')
    .orderBy('platform')
    .orderBy('workspace')
    .orderBy('channel')
    .orderBy('thread');
const selectMessage = (db: Db, platform: Platform, workspace: string, channel: string, thread: string, chatMessageId: string) =>
  db
    .selectFrom('message_map')
    .selectAll()
    .where('platform', '=', platform)
    .where('workspace', '=', workspace)
    .where('channel', '=', channel)
    .where('thread', '=', thread)
    .where('chat_message_id', '=', chatMessageId);
/** A message_map row, for the two inserts below. */
type MapRowArgs = [Platform, string, string, string, string, string, string, 'chat' | 'ouro', number];
const mapRow = (...[platform, workspace, channel, thread, chatMessageId, conversationId, ouroIds, origin, createdAt]: MapRowArgs) => ({
  platform,
  workspace,
  channel,
  thread,
  chat_message_id: chatMessageId,
  conversation_id: conversationId,
  ouro_message_ids: ouroIds,
  origin,
  created_at: createdAt,
});
const upsertMessage = (db: Db, ...a: MapRowArgs) => {
  const row = mapRow(...a);
  return db
    .insertInto('message_map')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['platform', 'workspace', 'channel', 'thread', 'chat_message_id'])
        .doUpdateSet({ conversation_id: row.conversation_id, ouro_message_ids: row.ouro_message_ids }),
    );
};
// A chat message mapped for the first time (the usual case): no earlier mapping to replace.
const insertNewMessage = (db: Db, ...a: MapRowArgs) =>
  db
    .insertInto('message_map')
    .values(mapRow(...a))
    .onConflict((oc) => oc.doNothing())
    .returning('chat_message_id');
const insertOuroId = (db: Db, ouroMessageId: string, platform: Platform, workspace: string, channel: string, thread: string, chatMessageId: string) =>
  db
    .insertInto('message_ouro_ids')
    .values({ ouro_message_id: ouroMessageId, platform, workspace, channel, thread, chat_message_id: chatMessageId })
    .onConflict((oc) => oc.doNothing());

export async function getChannelLink(ctx: StoreContext, key: ChannelKey): Promise<ChannelLink | undefined> {
  const k = channelKey(key);
  const row = await selectChannelLink(ctx.db, k.platform, k.workspace, k.channel).executeTakeFirst();
  return row && toChannelLink(row);
}

export async function upsertChannelLink(ctx: StoreContext, link: Omit<ChannelLink, 'updatedAt'>): Promise<ChannelLink> {
  const k = channelKey(link);
  if (!MIRROR_MODES.includes(link.mirrorMode)) {
    throw new StoreInputError(`mirrorMode: expected off, threads or channel, got ${JSON.stringify(link.mirrorMode)}`);
  }
  const values = {
    org_id: optionalText('orgId', link.orgId),
    org_name: optionalText('orgName', link.orgName),
    team_id: optionalText('teamId', link.teamId),
    team_name: optionalText('teamName', link.teamName),
    mirror_mode: link.mirrorMode,
    updated_by: optionalText('updatedBy', link.updatedBy),
    updated_at: ctx.now(),
  };
  const row = await ctx.db
    .insertInto('channel_links')
    .values({ ...k, ...values })
    .onConflict((oc) => oc.columns(['platform', 'workspace', 'channel']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toChannelLink(row);
}

export async function deleteChannelLink(ctx: StoreContext, key: ChannelKey): Promise<boolean> {
  const k = channelKey(key);
  const r = await ctx.db
    .deleteFrom('channel_links')
    .where('platform', '=', k.platform)
    .where('workspace', '=', k.workspace)
    .where('channel', '=', k.channel)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function getThreadLink(ctx: StoreContext, key: ThreadKey): Promise<ThreadLink | undefined> {
  const k = threadKey(key);
  const row = await selectThreadLink(ctx.db, k.platform, k.workspace, k.channel, k.thread).executeTakeFirst();
  return row && toThreadLink(row);
}

export async function linkThread(ctx: StoreContext, link: Omit<ThreadLink, 'createdAt'>): Promise<ThreadLink> {
  const k = threadKey(link);
  const conversationId = requireText('conversationId', link.conversationId);
  await ctx.db
    .insertInto('thread_links')
    .values({ ...k, conversation_id: conversationId, created_at: ctx.now() })
    .onConflict((oc) => oc.columns(['platform', 'workspace', 'channel', 'thread']).doNothing())
    .execute();
  // Whoever linked first wins; the caller sees the link that stands.
  const standing = await getThreadLink(ctx, k);
  if (!standing) throw new Error(`linkThread: the link of ${JSON.stringify(k)} vanished right after insert`);
  return standing;
}

export async function unlinkThread(ctx: StoreContext, key: ThreadKey): Promise<boolean> {
  const k = threadKey(key);
  const r = await ctx.db
    .deleteFrom('thread_links')
    .where('platform', '=', k.platform)
    .where('workspace', '=', k.workspace)
    .where('channel', '=', k.channel)
    .where('thread', '=', k.thread)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function threadsOfConversation(ctx: StoreContext, conversationId: string): Promise<ThreadLink[]> {
  const rows = await selectThreadsOf(ctx.db, requireText('conversationId', conversationId)).execute();
  return rows.map(toThreadLink);
}

export async function linkedConversations(ctx: StoreContext): Promise<string[]> {
  const rows = await ctx.db.selectFrom('thread_links').select('conversation_id').distinct().orderBy('conversation_id').execute();
  return rows.map((r) => r.conversation_id);
}

export async function getRelayCursor(ctx: StoreContext, conversationId: string): Promise<{ createdAt: string; messageId: string } | undefined> {
  const row = await ctx.db
    .selectFrom('relay_cursors')
    .select(['message_created_at', 'message_id'])
    .where('conversation_id', '=', requireText('conversationId', conversationId))
    .executeTakeFirst();
  return row && { createdAt: row.message_created_at, messageId: row.message_id };
}

export async function setRelayCursor(ctx: StoreContext, conversationId: string, cursor: { createdAt: string; messageId: string }): Promise<void> {
  const values = {
    message_created_at: requireText('cursor.createdAt', cursor.createdAt),
    message_id: requireText('cursor.messageId', cursor.messageId),
    updated_at: ctx.now(),
  };
  await ctx.db
    .insertInto('relay_cursors')
    .values({ conversation_id: requireText('conversationId', conversationId), ...values })
    .onConflict((oc) => oc.column('conversation_id').doUpdateSet(values))
    .execute();
}

/**
 * Records a chat message ↔ Ouro message(s) mapping. A second put for the same chat message
 * replaces its conversation and Ouro ids (e.g. an edit that re-split the message) but keeps
 * the first `origin` and `createdAt`: which side wrote it first never changes.
 */
/** A mapping checked and normalized (bad input throws here, before any write). */
interface MessageToPut {
  key: ThreadKey;
  chatMessageId: string;
  conversationId: string;
  ouroMessageIds: string[];
  origin: 'chat' | 'ouro';
}

function checkMessage(m: Omit<MessageMapping, 'createdAt'>): MessageToPut {
  const key = threadKey(m);
  const chatMessageId = requireText('chatMessageId', m.chatMessageId);
  const conversationId = requireText('conversationId', m.conversationId);
  if (!Array.isArray(m.ouroMessageIds)) throw new StoreInputError('ouroMessageIds: expected an array of ids');
  m.ouroMessageIds.forEach((id, i) => requireText(`ouroMessageIds[${i}]`, id));
  if (m.origin !== 'chat' && m.origin !== 'ouro') {
    throw new StoreInputError(`origin: expected chat or ouro, got ${JSON.stringify(m.origin)}`);
  }
  return { key, chatMessageId, conversationId, ouroMessageIds: [...m.ouroMessageIds], origin: m.origin };
}

export async function putMessage(ctx: StoreContext, m: Omit<MessageMapping, 'createdAt'>): Promise<void> {
  const checked = checkMessage(m);
  await writeTx(ctx.db, ctx.engine, (tx) => putOne(ctx, tx, checked));
}

async function putOne(ctx: StoreContext, tx: StoreContext['db'], m: MessageToPut): Promise<void> {
  const k = m.key;
  const chatMessageId = m.chatMessageId;
  const ouroIds = [...new Set(m.ouroMessageIds)];
  const chatKey = { ...k, chat_message_id: chatMessageId };
  // The Ouro-id rows of a replaced mapping are found through the ids it listed: the
  // table's primary key leads with the Ouro id, and it has no index on the chat key, so
  // deleting by chat key alone scanned the whole table (~0.7 ms per message at 10k rows).
  const ids = JSON.stringify(m.ouroMessageIds);
  // Most mappings are new: one insert, no read first. Only a chat message mapped before
  // is read, replaced, and its old Ouro ids' rows dropped.
  const fresh = await insertNewMessage(tx, k.platform, k.workspace, k.channel, k.thread, chatMessageId, m.conversationId, ids, m.origin, ctx.now()).execute();
  let stale: string[] = [];
  if (fresh.length === 0) {
    const before = await selectMessage(tx, k.platform, k.workspace, k.channel, k.thread, chatMessageId).executeTakeFirst();
    await upsertMessage(tx, k.platform, k.workspace, k.channel, k.thread, chatMessageId, m.conversationId, ids, m.origin, ctx.now()).execute();
    stale = before ? (JSON.parse(before.ouro_message_ids) as string[]) : [];
  }
  if (stale.length > 0) {
    await tx
      .deleteFrom('message_ouro_ids')
      .where('ouro_message_id', 'in', [...new Set(stale)])
      .where('platform', '=', k.platform)
      .where('workspace', '=', k.workspace)
      .where('channel', '=', k.channel)
      .where('thread', '=', k.thread)
      .where('chat_message_id', '=', chatMessageId)
      .execute();
  }
  if (ouroIds.length === 1) {
    await insertOuroId(tx, ouroIds[0]!, k.platform, k.workspace, k.channel, k.thread, chatMessageId).execute();
  } else if (ouroIds.length > 0) {
    await tx
      .insertInto('message_ouro_ids')
      .values(ouroIds.map((id) => ({ ouro_message_id: id, ...chatKey })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export async function getMessageByChat(ctx: StoreContext, key: ThreadKey & { chatMessageId: string }): Promise<MessageMapping | undefined> {
  const k = threadKey(key);
  const row = await selectMessage(ctx.db, k.platform, k.workspace, k.channel, k.thread, requireText('chatMessageId', key.chatMessageId)).executeTakeFirst();
  return row && toMessageMapping(row);
}

export async function getMessagesByOuro(ctx: StoreContext, ouroMessageId: string): Promise<MessageMapping[]> {
  const rows = await ctx.db
    .selectFrom('message_ouro_ids as o')
    .innerJoin('message_map as m', (join) =>
      join
        .onRef('m.platform', '=', 'o.platform')
        .onRef('m.workspace', '=', 'o.workspace')
        .onRef('m.channel', '=', 'o.channel')
        .onRef('m.thread', '=', 'o.thread')
        .onRef('m.chat_message_id', '=', 'o.chat_message_id'),
    )
    .selectAll('m')
    .where('o.ouro_message_id', '=', requireText('ouroMessageId', ouroMessageId))
    .orderBy('m.created_at')
    .orderBy('m.platform')
    .orderBy('m.workspace')
    .orderBy('m.channel')
    .orderBy('m.thread')
    .orderBy('m.chat_message_id')
    .execute();
  return rows.map(toMessageMapping);
}
