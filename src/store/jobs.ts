import { sql } from 'kysely';
import { LANE_LOCK_CLASS, running } from './claim.ts';
import type { Job, JobState } from './types.ts';
import { precompiled } from './compiled.ts';
import { toJob, type Db } from './schema.ts';
import { requireInt, StoreInputError, type StoreContext } from './context.ts';
import { execute, sqliteBatch } from './engine.ts';

/**
 * The durable job queue: the heart of exactly-once delivery.
 *
 * Semantics (the contract suite proves each):
 * - `enqueue` is idempotent on `idempotencyKey` (unique index; insert-or-ignore, then read).
 *   With `lease`, a job that would be its lane's head at once is recorded already claimed
 *   (enqueue.ts): exactly what an immediate claim would have done, without the claim.
 * - A lane's *head* is its oldest unfinished job (pending or running, lowest id). A claim
 *   takes at most one job per lane: the head, if it is due and not under a live lease, and
 *   only while no other job of that lane is running under a live lease (that can happen
 *   after `retryJob` revived an older job while a newer one ran).
 * - A lease (`lockedUntil`) that expires without complete/fail means the worker died; the
 *   job is then claimable again, by any worker (the same name included).
 * - Claiming does not count an attempt; `failJob` does. So `attempts` is the number of
 *   recorded failures, and a job whose worker keeps dying is retried on each lease expiry
 *   (the lease length is its backoff) without ever going dead by itself.
 * - Dead jobs are not unfinished: they do not block their lane, later jobs keep flowing.
 *   Order is kept among live jobs only. `retryJob` makes a dead job pending again; by then
 *   the newer jobs of its lane have usually run, so it runs after them (before any that
 *   are still pending, since it has the lower id).
 * - There is no fencing: a worker whose lease expired can still complete or fail the job
 *   another worker reclaimed. Leases must outlive the longest job.
 */

/** Error text is for operators; a full stack of a nested cause can run to megabytes. */
const MAX_ERROR_CHARS = 4_000;
const DEFAULT_LIST_LIMIT = 100;
const STATES: readonly JobState[] = ['pending', 'running', 'done', 'dead'];

// One job finishing alone (the usual case outside a burst): built once (compiled.ts).
const completeOne = precompiled((db, id: number, now: number) =>
  db.updateTable('jobs').set({ state: 'done', locked_by: null, locked_until: null, updated_at: now }).where('id', '=', id).where(running('state')).returning('id'),
);

/**
 * Completes running jobs (see Batcher); the others are logged. PostgreSQL: one statement.
 * SQLite: the one-job statement per id in one transaction (sqliteBatch), since an `in`
 * list of each length would be built, compiled and prepared anew (enqueue.ts says why).
 */
export async function completeMany(ctx: StoreContext, ids: number[]): Promise<void[]> {
  ids.forEach((id) => requireInt('job id', id, 1));
  const now = ctx.now();
  const one = (id: number) => completeOne(ctx.db, ctx.engine, id, now);
  const rows =
    ids.length === 1
      ? (await execute(ctx.db, one(ids[0]!))).rows
      : ctx.engine === 'sqlite'
        ? (await sqliteBatch(ctx.db, ids.map(one))).flat()
        : await ctx.db
          .updateTable('jobs')
          .set({ state: 'done', locked_by: null, locked_until: null, updated_at: now })
          .where('id', 'in', ids)
          .where(running('state'))
          .returning('id')
          .execute();
  const completed = new Set(rows.map((r) => r.id));
  for (const id of new Set(ids)) if (!completed.has(id)) await warnNotRunning(ctx, id, 'complete');
  return ids.map(() => undefined);
}

export async function failJob(
  ctx: StoreContext,
  id: number,
  error: string,
  retryAt: number | null,
  opts: { countAttempt?: boolean } = {},
): Promise<void> {
  requireInt('job id', id, 1);
  if (retryAt !== null) requireInt('retryAt', retryAt, 0);
  const now = ctx.now();
  const r = await ctx.db
    .updateTable('jobs')
    .set((eb) => ({
      state: retryAt === null ? 'dead' : 'pending',
      attempts: eb('attempts', '+', opts.countAttempt === false ? 0 : 1),
      next_attempt_at: retryAt ?? eb.ref('next_attempt_at'),
      last_error: String(error).slice(0, MAX_ERROR_CHARS),
      locked_by: null,
      locked_until: null,
      updated_at: now,
    }))
    .where('id', '=', id)
    .where(running('state'))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) await warnNotRunning(ctx, id, 'fail');
}

/** Completing/failing a job that is not running (dropped or retried by an operator
 * meanwhile) changes nothing; it is logged, never silent. */
async function warnNotRunning(ctx: StoreContext, id: number, action: string): Promise<void> {
  const job = await getJob(ctx, id);
  ctx.log.warn({ jobId: id, state: job?.state ?? 'missing' }, `store: cannot ${action} job ${id}: it is not running`);
}

export async function getJob(ctx: StoreContext, id: number): Promise<Job | undefined> {
  const row = await ctx.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toJob(row);
}

export async function listJobs(
  ctx: StoreContext,
  filter: { state?: JobState; lane?: string; limit?: number } = {},
): Promise<Job[]> {
  if (filter.state !== undefined && !STATES.includes(filter.state)) {
    throw new StoreInputError(`state: expected one of ${STATES.join(', ')}, got ${JSON.stringify(filter.state)}`);
  }
  let q = ctx.db.selectFrom('jobs').selectAll();
  if (filter.state !== undefined) q = q.where('state', '=', filter.state);
  if (filter.lane !== undefined) q = q.where('lane', '=', filter.lane);
  const rows = await q
    .orderBy('id')
    .limit(requireInt('limit', filter.limit ?? DEFAULT_LIST_LIMIT, 1))
    .execute();
  return rows.map(toJob);
}

/**
 * Dead or pending → pending, attempts 0, due now; false for running/done/missing jobs.
 * A revived dead job keeps its id. Its lane's newer jobs have usually run meanwhile, so it
 * runs after them, i.e. out of its original order; it becomes the lane's head again, so it
 * runs before the lane's still-pending newer jobs (and waits for a running one to finish).
 */
export async function retryJob(ctx: StoreContext, id: number): Promise<boolean> {
  requireInt('job id', id, 1);
  const revive = async (tx: Db) => {
    const now = ctx.now();
    const r = await tx
      .updateTable('jobs')
      .set({ state: 'pending', attempts: 0, next_attempt_at: now, updated_at: now, locked_by: null, locked_until: null })
      .where('id', '=', id)
      .where('state', 'in', ['dead', 'pending'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  };
  if (ctx.engine === 'sqlite') return revive(ctx.db);
  return ctx.db.transaction().execute(async (tx) => {
    const job = await tx.selectFrom('jobs').select('lane').where('id', '=', id).executeTakeFirst();
    if (!job) return false;
    // Take the claimers' lane lock: a claim in flight finishes first, the next one sees us.
    await sql`select pg_advisory_xact_lock(${LANE_LOCK_CLASS}, hashtext(${job.lane}))`.execute(tx);
    return revive(tx);
  });
}

export async function dropJob(ctx: StoreContext, id: number): Promise<boolean> {
  const r = await ctx.db.deleteFrom('jobs').where('id', '=', requireInt('job id', id, 1)).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Counts by state without reading the table: each count is an index-only scan (the partial
 * indexes of migration 0001 for unfinished, running and done jobs; any full index for the
 * total), so the worker's periodic depth sample does not block the event loop on a
 * SQLite file full of history (a GROUP BY over the rows took ~14 ms at 13k jobs).
 * One statement, so the four counts come from one snapshot.
 */
export async function countJobs(ctx: StoreContext): Promise<Record<JobState, number>> {
  const { rows } = await sql<{ total: number; unfinished: number; running: number; done: number }>`select
    (select count(*) from jobs) as total,
    (select count(*) from jobs where state in ('pending', 'running')) as unfinished,
    (select count(*) from jobs where state = 'running') as running,
    (select count(*) from jobs where state = 'done') as done`.execute(ctx.db);
  const r = rows[0]!;
  const [total, unfinished, run, done] = [r.total, r.unfinished, r.running, r.done].map(Number) as [number, number, number, number];
  return { pending: unfinished - run, running: run, done, dead: total - unfinished - done };
}

export async function purgeDoneJobs(ctx: StoreContext, olderThanMs: number): Promise<number> {
  const cutoff = ctx.now() - requireInt('olderThanMs', olderThanMs, 0);
  const r = await ctx.db
    .deleteFrom('jobs')
    .where('state', '=', 'done')
    .where('updated_at', '<', cutoff)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
