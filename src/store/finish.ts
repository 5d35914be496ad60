/**
 * Finishing jobs: the completions of one batch (Batcher, gathered over an I/O phase), with
 * the message mappings some of them carry, in one transaction. A mirrored message's job
 * ends by recording its mapping; written apart, that was a second commit per message (on
 * SQLite ~35 µs of WAL write on the event loop; on PostgreSQL a round trip).
 */
import { writeTx } from './engine.ts';
import { completeMany, type JobDone } from './jobs.ts';
import { putMessagesIn, type MessageToPut } from './links.ts';
import type { StoreContext } from './context.ts';

export interface JobToFinish extends JobDone {
  /** Checked by links.checkMessage before it reaches the batch. */
  record: MessageToPut | undefined;
}

/** A record is written only with its job's completion: a holder fenced out writes nothing. */
export async function finishJobs(ctx: StoreContext, items: JobToFinish[]): Promise<void[]> {
  const done = () => items.map(() => undefined);
  if (!items.some((i) => i.record)) {
    await completeMany(ctx, items);
    return done();
  }
  await writeTx(ctx.db, ctx.engine, async (tx) => {
    const completed = await completeMany({ ...ctx, db: tx }, items);
    const records = items.flatMap((i) => (i.record && completed.has(i.id) ? [i.record] : []));
    if (records.length > 0) await putMessagesIn(ctx, tx, records);
  });
  return done();
}
