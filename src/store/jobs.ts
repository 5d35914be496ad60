import { sql } from 'kysely';
import { LANE_LOCK_CLASS, running } from './claim.ts';
import type { Job, JobState } from './types.ts';
import { toJob, type Db } from './schema.ts';
import { requireInt, requireText, StoreInputError, type StoreContext } from './context.ts';

/**
 * The durable job queue: the heart of exactly-once delivery.
 *
 * Semantics (the contract suite proves each):
 * - `enqueue` is idempotent on `idempotencyKey` (unique index; insert-or-ignore, then read).
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
 * - A lease is fenced by its holder's name: `completeJob`, `failJob` and `renewJobs` change a
 *   job only while it is running under that holder. Once another worker took it over (the
 *   lease lapsed), the first holder's completion or failure changes nothing. A worker never
 *   runs one job twice at once, so its name identifies its lease. A running worker renews
 *   its leases (`renewJobs`) so that a long job keeps its lane.
 */

/** Error text is for operators; a full stack of a nested cause can run to megabytes. */
const MAX_ERROR_CHARS = 4_000;
const DEFAULT_LIST_LIMIT = 100;
const STATES: readonly JobState[] = ['pending', 'running', 'done', 'dead'];

/**
 * Marks a job done while it runs under `holder`'s lease; otherwise (taken over, dropped,
 * retried meanwhile) changes nothing and says so in the log.
 */
export async function completeJob(ctx: StoreContext, id: number, holder: string): Promise<void> {
  requireInt('job id', id, 1);
  requireText('holder', holder);
  const now = ctx.now();
  const r = await ctx.db
    .updateTable('jobs')
    .set({ state: 'done', locked_by: null, locked_until: null, updated_at: now })
    .where('id', '=', id)
    .where(running('state'))
    .where('locked_by', '=', holder)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) await warnNotHeld(ctx, id, 'complete');
}

/**
 * Extends the leases `holder` still holds among `ids` to `leaseMs` from now; returns the ids
 * it extended (a job missing from the answer was taken over, finished or dropped).
 */
export async function renewJobs(ctx: StoreContext, holder: string, ids: readonly number[], leaseMs: number): Promise<number[]> {
  requireText('holder', holder);
  requireInt('leaseMs', leaseMs, 1);
  ids.forEach((id) => requireInt('job id', id, 1));
  if (ids.length === 0) return [];
  const now = ctx.now();
  const rows = await ctx.db
    .updateTable('jobs')
    .set({ locked_until: now + leaseMs, updated_at: now })
    .where('id', 'in', ids)
    .where(running('state'))
    .where('locked_by', '=', holder)
    .returning('id')
    .execute();
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/**
 * Hands every running job back (pending, unleased, no attempt spent); returns how many. For
 * a process that alone works a queue (SQLite) at start: what it finds running was left by
 * its previous run, and need not wait for that lease to lapse.
 */
export async function releaseRunningJobs(ctx: StoreContext): Promise<number> {
  const r = await ctx.db
    .updateTable('jobs')
    .set({ state: 'pending', locked_by: null, locked_until: null, updated_at: ctx.now() })
    .where(running('state'))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function failJob(
  ctx: StoreContext,
  id: number,
  holder: string,
  error: string,
  retryAt: number | null,
  opts: { countAttempt?: boolean } = {},
): Promise<void> {
  requireInt('job id', id, 1);
  requireText('holder', holder);
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
    .where('locked_by', '=', holder)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) await warnNotHeld(ctx, id, 'fail');
}

/** Completing/failing a job that is not running under the caller's lease (dropped or
 * retried by an operator, or taken over by another worker) changes nothing; it is logged,
 * never silent. */
async function warnNotHeld(ctx: StoreContext, id: number, action: string): Promise<void> {
  const job = await getJob(ctx, id);
  ctx.log.warn(
    { jobId: id, state: job?.state ?? 'missing', lockedBy: job?.lockedBy ?? null },
    `store: cannot ${action} job ${id}: it is not running under this worker's lease`,
  );
}

export async function getJob(ctx: StoreContext, id: number): Promise<Job | undefined> {
  const row = await ctx.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toJob(row);
}

export async function listJobs(ctx: StoreContext, filter: { state?: JobState; lane?: string; limit?: number } = {}): Promise<Job[]> {
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
  const r = await ctx.db
    .deleteFrom('jobs')
    .where('id', '=', requireInt('job id', id, 1))
    .executeTakeFirst();
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
  const r = await ctx.db.deleteFrom('jobs').where('state', '=', 'done').where('updated_at', '<', cutoff).executeTakeFirst();
  return Number(r.numDeletedRows);
}
