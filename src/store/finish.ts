/**
 * Finishing jobs: the completions of one batch (Batcher, gathered over an I/O phase), with
 * the message mappings some of them carry, in one transaction. A mirrored message's job
 * ends by recording its mapping; written apart, that was a second commit per message (on
 * SQLite ~35 µs of WAL write on the event loop; on PostgreSQL a round trip).
 */
import { writeTx } from './engine.ts';
import { completeMany } from './jobs.ts';
import { putMessagesIn, type MessageToPut } from './links.ts';
import type { StoreContext } from './context.ts';

export interface JobToFinish {
  id: number;
  /** Checked by links.checkMessage before it reaches the batch. */
  record: MessageToPut | undefined;
}

export async function finishJobs(ctx: StoreContext, items: JobToFinish[]): Promise<void[]> {
  const records = items.flatMap((i) => (i.record ? [i.record] : []));
  const ids = items.map((i) => i.id);
  if (records.length === 0) return completeMany(ctx, ids);
  return writeTx(ctx.db, ctx.engine, async (tx) => {
    await putMessagesIn(ctx, tx, records);
    return completeMany({ ...ctx, db: tx }, ids);
  });
}
