import { sql, type RawBuilder } from 'kysely';
import { LANE_LOCK_CLASS } from './claim.ts';
import { precompiled } from './compiled.ts';
import type { Job, NewJob } from './types.ts';
import { toJob, type Db } from './schema.ts';
import { requireInt, requireText, type StoreContext } from './context.ts';
import { execute, sqliteBatch } from './engine.ts';

/**
 * Recording jobs: a batch in one commit (see Batcher; its shape is below), insert-or-ignore
 * on the idempotency key, then a read of the jobs that already held their keys. Within one batch
 * a repeated key is created by its first item only, exactly as consecutive calls would.
 *
 * Leasing on enqueue. A job given `lease` that would be its lane's head at once (due now,
 * no other unfinished job in its lane, the first of its lane in the batch) is written
 * already claimed by that worker: running, under a lease of `leaseMs`. That is what the
 * worker's next claim would have done, minus the claim: one statement and one commit per
 * message, and the wait for it, off the path of a message into an idle thread. Whether the
 * lane is idle is decided inside the INSERT itself (a `case when exists`), so the check and
 * the write are one statement: atomic on SQLite even beside another connection. On
 * PostgreSQL, where another process may claim or lease the lane between the check and the
 * commit, the statement runs in a transaction holding the lane's advisory lock (the one
 * claimers take, claim.ts), tried without waiting: a lane another process holds is simply
 * not leased, and its job is claimed the usual way. (The bridge asks for leases on SQLite
 * only, src/bridge/index.ts says why; the PostgreSQL path keeps the Store contract whole.)
 *
 * A batch's shape. On PostgreSQL a batch is one multi-row INSERT: one round trip. On
 * SQLite there is no round trip to save, and a multi-row INSERT's text differs with the
 * batch's size and with which rows are leased, so nearly every batch was built by Kysely,
 * compiled and prepared afresh (the mirror bench's flood profile: a third of the ack path's
 * CPU) and pushed useful statements out of the statement cache. There a batch is the
 * one-row statement, built once, run per item in one transaction (sqliteBatch): the same
 * single commit.
 */

/** A validated NewJob, ready to be written by `enqueueMany`. */
export interface JobToEnqueue {
  lane: string;
  kind: string;
  payload: string;
  idempotencyKey: string;
  runAt: number | undefined;
  lease: { worker: string; leaseMs: number } | undefined;
}

export function checkNewJob(job: NewJob): JobToEnqueue {
  return {
    lane: requireText('job.lane', job.lane),
    kind: requireText('job.kind', job.kind),
    idempotencyKey: requireText('job.idempotencyKey', job.idempotencyKey),
    runAt: job.runAt === undefined ? undefined : requireInt('job.runAt', job.runAt, 0),
    payload: JSON.stringify(job.payload ?? null),
    lease: job.lease && { worker: requireText('job.lease.worker', job.lease.worker), leaseMs: requireInt('job.lease.leaseMs', job.lease.leaseMs, 1) },
  };
}

type Enqueued = { job: Job; created: boolean };

export async function enqueueMany(ctx: StoreContext, items: JobToEnqueue[]): Promise<Enqueued[]> {
  const now = ctx.now();
  // Only the batch's first job of a lane can be its head.
  const candidates = new Set<number>();
  const seen = new Set<string>();
  items.forEach((j, i) => {
    if (!seen.has(j.lane) && j.lease !== undefined && (j.runAt === undefined || j.runAt <= now)) candidates.add(i);
    seen.add(j.lane);
  });
  if (candidates.size === 0 || ctx.engine === 'sqlite') return writeJobs(ctx, ctx.db, items, candidates, now);
  return ctx.db.transaction().execute(async (tx) => {
    const lanes = [...candidates].map((i) => items[i]!.lane);
    const { rows } = await sql<{ lane: string; locked: boolean }>`
      select l.lane, pg_try_advisory_xact_lock(${LANE_LOCK_CLASS}, hashtext(l.lane)) as locked
      from unnest(${lanes}::text[]) as l(lane)`.execute(tx);
    const locked = new Set(rows.filter((r) => r.locked).map((r) => r.lane));
    for (const i of candidates) if (!locked.has(items[i]!.lane)) candidates.delete(i);
    return writeJobs(ctx, tx, items, candidates, now);
  });
}

// The state test is a literal so SQLite uses the partial index of unfinished jobs.
const busy = (lane: string) => sql<boolean>`exists (select 1 from jobs b where b.lane = ${lane} and b.state in ('pending', 'running'))`;
// Typed casts: PostgreSQL cannot infer a CASE's type from bare parameters.
const ifIdle = <T>(lane: string, idle: RawBuilder<T>) => sql<T | null>`case when ${busy(lane)} then null else ${idle} end`;

/** One row's values; `lease` set: written leased when its lane is idle as the row goes in. */
function row(lane: string, kind: string, payload: string, key: string, due: number, now: number, lease?: { worker: string; until: number }) {
  return {
    lane,
    kind,
    payload,
    idempotency_key: key,
    state: lease ? sql<'running' | 'pending'>`case when ${busy(lane)} then 'pending' else 'running' end` : ('pending' as const),
    attempts: 0,
    next_attempt_at: due,
    last_error: null,
    created_at: now,
    updated_at: now,
    locked_by: lease ? ifIdle(lane, sql<string>`cast(${lease.worker} as text)`) : null,
    locked_until: lease ? ifIdle(lane, sql<number>`cast(${lease.until} as bigint)`) : null,
  };
}

const insertRows = (db: Db, rows: ReturnType<typeof row>[]) =>
  db.insertInto('jobs').values(rows).onConflict((oc) => oc.column('idempotency_key').doNothing()).returningAll();

// A message arriving alone (the usual case outside a burst) is one row: its INSERT is
// built once (compiled.ts), not per call.
const insertOne = precompiled((db, lane: string, kind: string, payload: string, key: string, due: number, now: number) =>
  insertRows(db, [row(lane, kind, payload, key, due, now)]),
);
const insertOneLeased = precompiled(
  (db, lane: string, kind: string, payload: string, key: string, due: number, now: number, worker: string, until: number) =>
    insertRows(db, [row(lane, kind, payload, key, due, now, { worker, until })]),
);

/** `leaseIf`: the items recorded leased when, as their row is written, their lane has no unfinished job. */
async function writeJobs(ctx: StoreContext, db: Db, items: JobToEnqueue[], leaseIf: Set<number>, now: number): Promise<Enqueued[]> {
  const lease = (j: JobToEnqueue) => ({ worker: j.lease!.worker, until: now + j.lease!.leaseMs });
  const one = (j: JobToEnqueue, i: number) => {
    const due = j.runAt ?? now;
    const l = leaseIf.has(i) ? lease(j) : undefined;
    return l
      ? insertOneLeased(db, ctx.engine, j.lane, j.kind, j.payload, j.idempotencyKey, due, now, l.worker, l.until)
      : insertOne(db, ctx.engine, j.lane, j.kind, j.payload, j.idempotencyKey, due, now);
  };
  let inserted;
  if (items.length === 1) {
    inserted = (await execute(db, one(items[0]!, 0))).rows;
  } else if (ctx.engine === 'sqlite') {
    inserted = (await sqliteBatch(db, items.map(one))).flat();
  } else {
    const rows = items.map((j, i) => row(j.lane, j.kind, j.payload, j.idempotencyKey, j.runAt ?? now, now, leaseIf.has(i) ? lease(j) : undefined));
    inserted = await insertRows(db, rows).execute();
  }
  const fresh = new Map(inserted.map((r) => [r.idempotency_key, toJob(r)]));
  const missing = [...new Set(items.map((j) => j.idempotencyKey).filter((k) => !fresh.has(k)))];
  const existing = new Map<string, Job>();
  if (missing.length > 0) {
    const rows = await db.selectFrom('jobs').selectAll().where('idempotency_key', 'in', missing).execute();
    for (const r of rows) existing.set(r.idempotency_key, toJob(r));
  }
  const results: (Enqueued | undefined)[] = items.map((j) => {
    const created = fresh.get(j.idempotencyKey);
    if (created) {
      fresh.delete(j.idempotencyKey);
      existing.set(j.idempotencyKey, created);
      return { job: created, created: true };
    }
    const job = existing.get(j.idempotencyKey);
    return job && { job, created: false };
  });
  // A key whose job was purged between our insert and read: enqueue those again (pending:
  // the lanes were checked for the first write only), on the same connection/transaction.
  const vanished = items.filter((_, i) => results[i] === undefined);
  if (vanished.length > 0) {
    const again = await writeJobs(ctx, db, vanished, new Set(), ctx.now());
    return results.map((r) => r ?? again.shift()!);
  }
  return results as Enqueued[];
}
