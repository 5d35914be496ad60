import { sql } from 'kysely';
import { requireInt, requireString, requireText, type StoreContext } from './context.ts';

/** Dedupe keys with expiry, processed webhook deliveries and small key/value state, each purgeable. */

export async function claimKey(ctx: StoreContext, key: string, ttlMs: number): Promise<boolean> {
  requireText('key', key);
  requireInt('ttlMs', ttlMs, 1);
  const now = ctx.now();
  // One statement: insert, or take over a key whose hold has expired. RETURNING yields a
  // row only when we now hold it, so two racing claimers cannot both win.
  const row = await ctx.db
    .insertInto('dedupe_keys')
    .values({ key, expires_at: now + ttlMs })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => ({ expires_at: eb.ref('excluded.expires_at') }))
        .where('dedupe_keys.expires_at', '<=', now),
    )
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

export async function purgeExpiredKeys(ctx: StoreContext, now = ctx.now()): Promise<number> {
  const r = await ctx.db.deleteFrom('dedupe_keys').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function recordDelivery(ctx: StoreContext, deliveryId: string): Promise<boolean> {
  const row = await ctx.db
    .insertInto('webhook_deliveries')
    .values({ delivery_id: requireText('deliveryId', deliveryId), received_at: ctx.now() })
    .onConflict((oc) => oc.column('delivery_id').doNothing())
    .returning('delivery_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function purgeDeliveries(ctx: StoreContext, olderThanMs: number): Promise<number> {
  const cutoff = ctx.now() - requireInt('olderThanMs', olderThanMs, 0);
  const r = await ctx.db.deleteFrom('webhook_deliveries').where('received_at', '<', cutoff).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function getState(ctx: StoreContext, key: string): Promise<string | undefined> {
  const row = await ctx.db.selectFrom('kv_state').select('value').where('key', '=', requireText('key', key)).executeTakeFirst();
  return row?.value;
}

export async function setState(ctx: StoreContext, key: string, value: string): Promise<void> {
  const values = { value: requireString('value', value), updated_at: ctx.now() };
  await ctx.db
    .insertInto('kv_state')
    .values({ key: requireText('key', key), ...values })
    .onConflict((oc) => oc.column('key').doUpdateSet(values))
    .execute();
}

export async function deleteState(ctx: StoreContext, key: string): Promise<boolean> {
  const r = await ctx.db.deleteFrom('kv_state').where('key', '=', requireText('key', key)).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Deletes the state keys starting with `prefix` whose last write is older than `olderThanMs`.
 * The prefix is compared with substr, not LIKE: SQLite's LIKE ignores ASCII case and both
 * engines treat `_`/`%` as wildcards. An empty prefix is refused (it would take every key,
 * the bridge's own identities included).
 */
export async function purgeState(ctx: StoreContext, prefix: string, olderThanMs: number): Promise<number> {
  requireText('prefix', prefix);
  const cutoff = ctx.now() - requireInt('olderThanMs', olderThanMs, 0);
  // Both engines count substr positions in characters (code points), as the spread does.
  const length = [...prefix].length;
  const r = await ctx.db
    .deleteFrom('kv_state')
    .where('updated_at', '<', cutoff)
    .where(sql<boolean>`substr(${sql.ref('key')}, 1, cast(${length} as integer)) = ${prefix}`)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
