import { sql, type SqlBool } from 'kysely';
import type { Job } from './types.ts';
import { toJob, type Db } from './schema.ts';
import { requireInt, requireText, StoreInputError, type StoreContext } from './context.ts';

/**
 * Claiming jobs: at most one per lane, the lane's head (its oldest unfinished job), when
 * it is due, not under a live lease, and no other job of the lane runs under a live lease.
 * The semantics are spelled out in jobs.ts; this file is the SQL and the locking.
 */

/** PostgreSQL advisory-lock class for lane locks (two-int form, so it cannot collide with
 * other advisory locks the bridge takes, e.g. leader election). 0x6f62 = "ob". */
export const LANE_LOCK_CLASS = 0x6f62;

// State tests are written as literals, never parameters: SQLite uses the partial indexes
// of migration 0001 only when a query's predicate visibly matches the index's.
export const running = (col: string) => sql<SqlBool>`${sql.ref(col)} = 'running'`;

/**
 * Each lane's head: a loose index scan (one `min(lane) > previous` probe per lane, then
 * `min(id)` of that lane) over the partial index of unfinished jobs, so a claim costs
 * O(lanes), not O(backlog). Plain recursive SQL that both engines run as written.
 */
const HEADS = sql<{ lane: string; head_id: number }>`(
  with recursive lanes (lane) as (
    select min(lane) from jobs where state in ('pending', 'running')
    union all
    select (select min(n.lane) from jobs n where n.state in ('pending', 'running') and n.lane > lanes.lane)
    from lanes where lanes.lane is not null
  )
  select lane, (
    select min(f.id) from jobs f where f.state in ('pending', 'running') and f.lane = lanes.lane
  ) as head_id
  from lanes where lane is not null
)`;

/**
 * The heads of the named lanes only: one `min(id)` probe of the unfinished-jobs index per
 * lane. A worker woken by a job it just enqueued or finished knows the lane, and this costs
 * O(named lanes) where HEADS walks every lane with unfinished jobs (the bench measured
 * ~0.9 ms per full claim at 50 lanes, run once per message at a low rate).
 */
const laneHeads = (lanes: readonly string[]) => sql<{ lane: string; head_id: number }>`(
  select f.lane, min(f.id) as head_id from jobs f
  where f.state in ('pending', 'running') and f.lane in (${sql.join(lanes.map((l) => sql`${l}`))})
  group by f.lane
)`;

/** The row `t` may be claimed now, head-ness aside. */
const claimableRow = (t: 'j' | 'jobs', now: number) => sql<SqlBool>`
  ${sql.ref(`${t}.state`)} in ('pending', 'running')
  and ${sql.ref(`${t}.next_attempt_at`)} <= ${now}
  and (${sql.ref(`${t}.locked_until`)} is null or ${sql.ref(`${t}.locked_until`)} <= ${now})
  and not exists (
    select 1 from jobs r
    where r.lane = ${sql.ref(`${t}.lane`)} and r.state = 'running' and r.locked_until > ${now}
  )`;

/** The row `t` is still its lane's oldest unfinished job. */
const isHead = (t: 'jobs') => sql<SqlBool>`not exists (
  select 1 from jobs p
  where p.lane = ${sql.ref(`${t}.lane`)} and p.state in ('pending', 'running') and p.id < ${sql.ref(`${t}.id`)}
)`;

/** Claimable heads, oldest first. */
function candidates(db: Db, now: number, limit: number, engine: StoreContext['engine'], lanes?: readonly string[]) {
  const heads = lanes ? laneHeads(lanes) : HEADS;
  const q =
    engine === 'sqlite'
      ? db.selectFrom(heads.as('h')).innerJoin('jobs as j', 'j.id', 'h.head_id')
      : // PostgreSQL: an array of ids makes the plan a primary-key probe per head whatever
        // the statistics say; a join, with a freshly filled or churned queue's stale
        // statistics, became a merge join that sorted every unfinished job (~10x slower).
        db.selectFrom('jobs as j').where(sql<SqlBool>`j.id = any(array(select h.head_id from ${heads} as h))`);
  return q.select('j.id').where(claimableRow('j', now)).orderBy('j.id').limit(limit);
}

/** SQLite binds at most 32,766 parameters a statement; a worker names far fewer lanes. */
const MAX_LANES = 1_000;

/** `lanes`: look only at these lanes' heads (same rules); omitted: every lane. */
export async function claimJobs(ctx: StoreContext, worker: string, limit: number, leaseMs: number, lanes?: readonly string[]): Promise<Job[]> {
  requireText('worker', worker);
  requireInt('limit', limit, 1);
  requireInt('leaseMs', leaseMs, 1);
  if (lanes !== undefined) {
    if (lanes.length > MAX_LANES) throw new StoreInputError(`lanes: at most ${MAX_LANES} a claim, got ${lanes.length}`);
    lanes.forEach((l, i) => requireText(`lanes[${i}]`, l));
    if (lanes.length === 0) return [];
  }
  const lease = (now: number) => ({ state: 'running' as const, locked_by: worker, locked_until: now + leaseMs, updated_at: now });
  let rows;
  if (ctx.engine === 'sqlite') {
    // One process, one connection: a single UPDATE … RETURNING is atomic, and SQLite
    // takes the write lock when a writing statement starts, so no explicit transaction.
    const now = ctx.now();
    rows = await ctx.db
      .updateTable('jobs')
      .set(lease(now))
      .where('id', 'in', candidates(ctx.db, now, limit, ctx.engine, lanes))
      .returningAll()
      .execute();
  } else {
    rows = await ctx.db.transaction().execute(async (tx) => {
      // Several processes: pick candidates and lock their lanes with transaction-scoped
      // advisory locks (skipping lanes another claimer holds), then update only those
      // candidates that, re-checked by a new statement, are still claimable heads. Under
      // READ COMMITTED that statement sees every claim, completion and retry committed by
      // earlier holders of the lane lock, so two claimers never take the same job or two
      // jobs of one lane.
      // The candidate query is a subquery with LIMIT, so each lock is tried once per row.
      const { rows: found } = await sql<{ id: number; lane: string; locked: boolean }>`
        select c.id, c.lane, pg_try_advisory_xact_lock(${LANE_LOCK_CLASS}, hashtext(c.lane)) as locked
        from (${candidates(tx, ctx.now(), limit, ctx.engine, lanes).select('j.lane')}) as c`.execute(tx);
      const ids = found.filter((c) => c.locked).map((c) => c.id);
      if (ids.length === 0) return [];
      const now = ctx.now();
      return tx.updateTable('jobs').set(lease(now)).where('id', 'in', ids).where(claimableRow('jobs', now)).where(isHead('jobs')).returningAll().execute();
    });
  }
  return rows.map(toJob).sort((a, b) => a.id - b.id);
}
