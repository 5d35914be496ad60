import { sql, type SqlBool } from 'kysely';
import type { Job, JobState, NewJob } from './types.ts';
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
 * - There is no fencing: a worker whose lease expired can still complete or fail the job
 *   another worker reclaimed. Leases must outlive the longest job.
 */

/** PostgreSQL advisory-lock class for lane locks (two-int form, so it cannot collide with
 * other advisory locks the bridge takes, e.g. leader election). 0x6f62 = "ob". */
const LANE_LOCK_CLASS = 0x6f62;
/** Error text is for operators; a full stack of a nested cause can run to megabytes. */
const MAX_ERROR_CHARS = 4_000;
const DEFAULT_LIST_LIMIT = 100;
const STATES: readonly JobState[] = ['pending', 'running', 'done', 'dead'];

// Written as literals, not parameters: SQLite only uses the partial indexes of migration
// 0001 when the query's predicate visibly matches theirs.
const unfinished = (col: string) => sql<SqlBool>`${sql.ref(col)} in ('pending', 'running')`;
const running = (col: string) => sql<SqlBool>`${sql.ref(col)} = 'running'`;

export async function enqueue(ctx: StoreContext, job: NewJob): Promise<{ job: Job; created: boolean }> {
  requireText('job.lane', job.lane);
  requireText('job.kind', job.kind);
  requireText('job.idempotencyKey', job.idempotencyKey);
  const now = ctx.now();
  const runAt = job.runAt === undefined ? now : requireInt('job.runAt', job.runAt, 0);
  const payload = JSON.stringify(job.payload ?? null);
  // Two tries: the first job with this key could be purged between our insert and read.
  for (let attempt = 0; attempt < 2; attempt++) {
    const inserted = await ctx.db
      .insertInto('jobs')
      .values({
        lane: job.lane,
        kind: job.kind,
        payload,
        idempotency_key: job.idempotencyKey,
        state: 'pending',
        attempts: 0,
        next_attempt_at: runAt,
        last_error: null,
        created_at: now,
        updated_at: now,
        locked_by: null,
        locked_until: null,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { job: toJob(inserted), created: true };
    const existing = await ctx.db
      .selectFrom('jobs')
      .selectAll()
      .where('idempotency_key', '=', job.idempotencyKey)
      .executeTakeFirst();
    if (existing) return { job: toJob(existing), created: false };
  }
  throw new Error(`enqueue ${job.idempotencyKey}: the key kept conflicting with a job that vanished`);
}

/** Ids of claimable lane heads, oldest first. `lanes` narrows the search (PostgreSQL). */
function claimable(db: Db, now: number, limit: number, lanes?: string[]) {
  let heads = db
    .selectFrom('jobs')
    .select((eb) => ['lane', eb.fn.min('id').as('head_id')])
    .where(unfinished('state'))
    .groupBy('lane');
  if (lanes) heads = heads.where('lane', 'in', lanes);
  return db
    .selectFrom('jobs as j')
    .innerJoin(heads.as('h'), 'h.head_id', 'j.id')
    .select('j.id')
    .where(unfinished('j.state'))
    .where('j.next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('j.locked_until', 'is', null), eb('j.locked_until', '<=', now)]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('jobs as r')
            .select('r.id')
            .whereRef('r.lane', '=', 'j.lane')
            .where(running('r.state'))
            .where('r.locked_until', '>', now),
        ),
      ),
    )
    .orderBy('j.id')
    .limit(limit);
}

export async function claimJobs(ctx: StoreContext, worker: string, limit: number, leaseMs: number): Promise<Job[]> {
  requireText('worker', worker);
  requireInt('limit', limit, 1);
  requireInt('leaseMs', leaseMs, 1);
  const take = (tx: Db, lanes?: string[]) => {
    const now = ctx.now();
    return tx
      .updateTable('jobs')
      .set({ state: 'running', locked_by: worker, locked_until: now + leaseMs, updated_at: now })
      .where('id', 'in', claimable(tx, now, limit, lanes))
      .returningAll()
      .execute();
  };
  const rows =
    ctx.engine === 'sqlite'
      ? // One process, one connection: a single UPDATE … RETURNING is atomic, and SQLite
        // takes the write lock when a writing statement starts, so no explicit transaction.
        await take(ctx.db)
      : await ctx.db.transaction().execute(async (tx) => {
          // Several processes: pick candidate lanes, lock each with a transaction-scoped
          // advisory lock (skipping lanes another claimer holds), then re-select the heads
          // of the locked lanes in a new statement. Under READ COMMITTED that statement
          // sees every claim/retry committed by earlier lock holders, so two claimers
          // never take the same job or two jobs of one lane.
          const candidates = await claimable(tx, ctx.now(), limit).select('j.lane').execute();
          if (candidates.length === 0) return [];
          const { rows: locked } = await sql<{ lane: string }>`
            select l as lane from unnest(${candidates.map((c) => c.lane)}::text[]) as l
            where pg_try_advisory_xact_lock(${LANE_LOCK_CLASS}, hashtext(l))`.execute(tx);
          if (locked.length === 0) return [];
          return take(
            tx,
            locked.map((l) => l.lane),
          );
        });
  return rows.map(toJob).sort((a, b) => a.id - b.id);
}

export async function completeJob(ctx: StoreContext, id: number): Promise<void> {
  const now = ctx.now();
  const r = await ctx.db
    .updateTable('jobs')
    .set({ state: 'done', locked_by: null, locked_until: null, updated_at: now })
    .where('id', '=', requireInt('job id', id, 1))
    .where(running('state'))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) await warnNotRunning(ctx, id, 'complete');
}

export async function failJob(ctx: StoreContext, id: number, error: string, retryAt: number | null): Promise<void> {
  requireInt('job id', id, 1);
  if (retryAt !== null) requireInt('retryAt', retryAt, 0);
  const now = ctx.now();
  const r = await ctx.db
    .updateTable('jobs')
    .set((eb) => ({
      state: retryAt === null ? 'dead' : 'pending',
      attempts: eb('attempts', '+', 1),
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

export async function countJobs(ctx: StoreContext): Promise<Record<JobState, number>> {
  const rows = await ctx.db
    .selectFrom('jobs')
    .select((eb) => ['state', eb.fn.countAll<number>().as('n')])
    .groupBy('state')
    .execute();
  const counts: Record<JobState, number> = { pending: 0, running: 0, done: 0, dead: 0 };
  for (const r of rows) counts[r.state] = Number(r.n);
  return counts;
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
