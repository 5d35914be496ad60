import { sql, type RawBuilder } from 'kysely';
import { requireInt, requireText, type StoreContext } from './context.ts';
import type { LeaseInfo } from './types.ts';

/**
 * Named leases: who runs a duty that must run on exactly one replica. A lease is taken when
 * it is free, expired, or already ours (then it is renewed); one upsert statement decides,
 * so two replicas asking at once cannot both win.
 *
 * Expiry is judged on one clock: PostgreSQL's, so replicas whose clocks drift apart still
 * agree; on SQLite, the one process's own clock. `statement_timestamp()` is fixed for the
 * statement (every use of it in one upsert sees the same instant; `clock_timestamp()`
 * would not) and, unlike `now()`, is not frozen at the start of an enclosing transaction.
 */

function nowMs(ctx: StoreContext): RawBuilder<number> {
  return ctx.engine === 'postgres' ? sql<number>`(extract(epoch from statement_timestamp()) * 1000)::bigint` : sql<number>`${ctx.now()}`;
}

export async function acquireLease(ctx: StoreContext, name: string, holder: string, ttlMs: number): Promise<boolean> {
  requireText('lease name', name);
  requireText('holder', holder);
  requireInt('ttlMs', ttlMs, 1);
  const now = nowMs(ctx);
  // `excluded.acquired_at` is this statement's "now": the row may be taken when its lease
  // ran out by then, or when it is ours already (a renewal keeps its acquired_at).
  const row = await ctx.db
    .insertInto('leases')
    .values({ name, holder, acquired_at: now, expires_at: sql<number>`${now} + ${ttlMs}` })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet((eb) => ({
          holder: eb.ref('excluded.holder'),
          acquired_at: sql<number>`case when leases.holder = excluded.holder then leases.acquired_at else excluded.acquired_at end`,
          expires_at: eb.ref('excluded.expires_at'),
        }))
        .where((eb) => eb.or([eb('leases.expires_at', '<=', eb.ref('excluded.acquired_at')), eb('leases.holder', '=', eb.ref('excluded.holder'))])),
    )
    .returning('holder')
    .executeTakeFirst();
  return row !== undefined;
}

/** Gives the lease up if `holder` holds it (a clean shutdown: the next replica need not wait for expiry). */
export async function releaseLease(ctx: StoreContext, name: string, holder: string): Promise<boolean> {
  const r = await ctx.db
    .deleteFrom('leases')
    .where('name', '=', requireText('lease name', name))
    .where('holder', '=', requireText('holder', holder))
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The live holder of `name`, or undefined when nobody holds it (never taken, released or expired). */
export async function leaseHolder(ctx: StoreContext, name: string): Promise<LeaseInfo | undefined> {
  const row = await ctx.db
    .selectFrom('leases')
    .select(['holder', 'acquired_at', 'expires_at'])
    .where('name', '=', requireText('lease name', name))
    .where('expires_at', '>', nowMs(ctx))
    .executeTakeFirst();
  return row && { holder: row.holder, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
}
