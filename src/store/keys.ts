import { requireInt, requireString, requireText, type StoreContext } from './context.ts';

/** Dedupe keys with expiry, processed webhook deliveries and small key/value state. */

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

export async function getState(ctx: StoreContext, key: string): Promise<string | undefined> {
  const row = await ctx.db
    .selectFrom('kv_state')
    .select('value')
    .where('key', '=', requireText('key', key))
    .executeTakeFirst();
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
