/**
 * Group commit: calls made while a batch is being written (or in the same tick) are
 * written together by the next batch, in one commit (one statement on PostgreSQL, a
 * prepared statement per item on SQLite: enqueue.ts says why).
 * The queue's throughput on a file-backed SQLite comes from this (one WAL commit per
 * batch instead of per job); on PostgreSQL it saves a round trip per call.
 *
 * Each call still resolves only after its own rows are committed, and items are written
 * in call order, so callers observe the same semantics as one statement per call. When a
 * batch fails, every call in it rejects with that error.
 */
export class Batcher<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private draining: Promise<void> | undefined;

  /**
   * @param write writes the items and returns one result per item, in order.
   * @param maxBatch bound on items per batch (e.g. SQLite's limit on bound parameters).
   * @param gather when the first call of an idle batcher is written: 'tick' after the
   *   current microtasks (calls made in the same tick, e.g. a Promise.all over a list, join
   *   in); 'io' after the event loop's current I/O phase, so calls made by separate I/O
   *   callbacks (HTTP responses finishing jobs) join in too, at the cost of one loop turn.
   */
  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly maxBatch: number,
    private readonly gather: 'tick' | 'io' = 'tick',
  ) {}

  push(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.draining ??=
        this.gather === 'tick'
          ? Promise.resolve().then(() => this.drain())
          : new Promise<void>((r) => setImmediate(r)).then(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.write(batch.map((b) => b.item));
        if (results.length !== batch.length) {
          throw new Error(`batch writer returned ${results.length} results for ${batch.length} items`);
        }
        batch.forEach((b, i) => b.resolve(results[i]!));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.draining = undefined;
  }

  /** Resolves once every call made so far has been written (or has failed). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }
}
