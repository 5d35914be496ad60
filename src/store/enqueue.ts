import type { Job, NewJob } from './types.ts';
import { toJob } from './schema.ts';
import { requireInt, requireText, type StoreContext } from './context.ts';

/**
 * Recording a job: insert-or-ignore on the idempotency key, then, for a key already held, a
 * read of the job that holds it. One statement for a new job: its commit is the ack.
 */

type Enqueued = { job: Job; created: boolean };

export async function enqueue(ctx: StoreContext, job: NewJob): Promise<Enqueued> {
  const lane = requireText('job.lane', job.lane);
  const kind = requireText('job.kind', job.kind);
  const key = requireText('job.idempotencyKey', job.idempotencyKey);
  const runAt = job.runAt === undefined ? undefined : requireInt('job.runAt', job.runAt, 0);
  const payload = JSON.stringify(job.payload ?? null);
  // A key whose job was purged between the insert and the read is recorded again.
  for (;;) {
    const now = ctx.now();
    const inserted = await ctx.db
      .insertInto('jobs')
      .values({
        lane,
        kind,
        payload,
        idempotency_key: key,
        state: 'pending',
        attempts: 0,
        next_attempt_at: runAt ?? now,
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
    const existing = await ctx.db.selectFrom('jobs').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
    if (existing) return { job: toJob(existing), created: false };
  }
}
