import type { ChannelKey } from '../store/types.ts';
import { writeTx } from '../store/engine.ts';
import { optionalText, requireInt, requirePlatform, requireText, StoreInputError, type StoreContext } from '../store/context.ts';
import type { WatchHealth } from '../quests/types.ts';
import { FOLLOWABLE, type CommentCopy, type Follow, type FollowKey, type FollowStore } from './types.ts';
import { toCopy, toFollow } from './schema.ts';
import { healthColumns } from '../quests/schema.ts';

/** The queries behind FollowStore (./types.ts). */

const ORIGINS = new Set(['ouro', 'chat', 'before']);
/** SQLite allows 32,766 bound parameters a statement; 10 a row → stay far below. */
const COPY_BATCH = 500;

function followKey(k: FollowKey) {
  requirePlatform(k.platform);
  return {
    platform: k.platform,
    workspace: requireText('workspace', k.workspace),
    channel: requireText('channel', k.channel),
    asset_id: requireText('assetId', k.assetId),
  };
}

type Ctx = StoreContext;

export async function addFollow(ctx: Ctx, f: Parameters<FollowStore['addFollow']>[0]): Promise<Follow> {
  const k = followKey(f);
  if (!(FOLLOWABLE as readonly string[]).includes(f.assetType)) {
    throw new StoreInputError(`assetType: expected one of ${FOLLOWABLE.join(', ')}, got ${JSON.stringify(f.assetType)}`);
  }
  await ctx.db
    .insertInto('follows')
    .values({
      ...k,
      asset_type: f.assetType,
      card_message_id: null,
      created_by: optionalText('createdBy', f.createdBy),
      created_at: ctx.now(),
      failures: 0,
      failing_since: null,
      last_error: null,
      paused_at: null,
    })
    .onConflict((oc) => oc.columns(['platform', 'workspace', 'channel', 'asset_id']).doNothing())
    .execute();
  const [stood] = await listFollows(ctx, { platform: f.platform, workspace: f.workspace, channel: f.channel, assetId: f.assetId });
  return stood!;
}

export async function removeFollow(ctx: Ctx, key: FollowKey): Promise<boolean> {
  const k = followKey(key);
  const r = await ctx.db
    .deleteFrom('follows')
    .where((eb) => eb.and(k))
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function listFollows(ctx: Ctx, filter: Partial<ChannelKey> & { assetId?: string } = {}): Promise<Follow[]> {
  let q = ctx.db.selectFrom('follows').selectAll();
  if (filter.platform !== undefined) q = q.where('platform', '=', filter.platform);
  if (filter.workspace !== undefined) q = q.where('workspace', '=', filter.workspace);
  if (filter.channel !== undefined) q = q.where('channel', '=', filter.channel);
  if (filter.assetId !== undefined) q = q.where('asset_id', '=', filter.assetId);
  const rows = await q.orderBy('created_at').orderBy('platform').orderBy('workspace').orderBy('channel').orderBy('asset_id').execute();
  return rows.map(toFollow);
}

export async function followByCard(ctx: Ctx, c: ChannelKey, cardMessageId: string): Promise<Follow | undefined> {
  const row = await ctx.db
    .selectFrom('follows')
    .selectAll()
    .where((eb) => eb.and({ platform: c.platform, workspace: c.workspace, channel: c.channel, card_message_id: cardMessageId }))
    .executeTakeFirst();
  return row ? toFollow(row) : undefined;
}

export async function setFollowCard(ctx: Ctx, key: FollowKey, cardMessageId: string): Promise<void> {
  const k = followKey(key);
  await ctx.db
    .updateTable('follows')
    .set({ card_message_id: requireText('cardMessageId', cardMessageId) })
    .where((eb) => eb.and(k))
    .execute();
}

export async function setFollowHealth(ctx: Ctx, key: FollowKey, h: WatchHealth): Promise<void> {
  const k = followKey(key);
  await ctx.db
    .updateTable('follows')
    .set(healthColumns(h))
    .where((eb) => eb.and(k))
    .execute();
}

export async function getCommentCopies(ctx: Ctx, key: FollowKey): Promise<CommentCopy[]> {
  const k = followKey(key);
  const rows = await ctx.db
    .selectFrom('comment_copies')
    .selectAll()
    .where((eb) => eb.and(k))
    .orderBy('told_at')
    .orderBy('comment_id')
    .execute();
  return rows.map(toCopy);
}

export async function putCommentCopies(ctx: Ctx, copies: CommentCopy[]): Promise<void> {
  const rows = copies.map((c, i) => {
    if (!ORIGINS.has(c.origin)) throw new StoreInputError(`copies[${i}].origin: expected ouro, chat or before, got ${JSON.stringify(c.origin)}`);
    return {
      ...followKey(c),
      comment_id: requireText(`copies[${i}].commentId`, c.commentId),
      chat_message_id: optionalText(`copies[${i}].chatMessageId`, c.chatMessageId),
      origin: c.origin,
      digest: requireText(`copies[${i}].digest`, c.digest),
      written_by: optionalText(`copies[${i}].writtenBy`, c.writtenBy),
      told_at: requireInt(`copies[${i}].toldAt`, c.toldAt, 0),
    };
  });
  if (rows.length === 0) return;
  await writeTx(ctx.db, ctx.engine, async (tx) => {
    for (let i = 0; i < rows.length; i += COPY_BATCH) {
      await tx
        .insertInto('comment_copies')
        .values(rows.slice(i, i + COPY_BATCH))
        .onConflict((oc) =>
          oc.columns(['platform', 'workspace', 'channel', 'asset_id', 'comment_id']).doUpdateSet((eb) => ({
            chat_message_id: eb.ref('excluded.chat_message_id'),
            origin: eb.ref('excluded.origin'),
            digest: eb.ref('excluded.digest'),
            written_by: eb.ref('excluded.written_by'),
            told_at: eb.ref('excluded.told_at'),
          })),
        )
        .execute();
    }
  });
}

export async function copyByChatMessage(ctx: Ctx, key: FollowKey, chatMessageId: string): Promise<CommentCopy | undefined> {
  const k = followKey(key);
  const row = await ctx.db
    .selectFrom('comment_copies')
    .selectAll()
    .where((eb) => eb.and({ ...k, chat_message_id: requireText('chatMessageId', chatMessageId) }))
    .executeTakeFirst();
  return row ? toCopy(row) : undefined;
}

export async function deleteCommentCopies(ctx: Ctx, key: FollowKey): Promise<number> {
  const k = followKey(key);
  const r = await ctx.db
    .deleteFrom('comment_copies')
    .where((eb) => eb.and(k))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
