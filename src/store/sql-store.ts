import { sql } from 'kysely';
import type { Logger } from '../log.ts';
import type { Store } from './types.ts';
import type { Engine } from './engine.ts';
import type { Db } from './schema.ts';
import { requireInt, requireText, type StoreContext } from './context.ts';
import { Batcher } from './batcher.ts';
import { finishJobs, type JobToFinish } from './finish.ts';
import { listPendingMigrations, runMigrations, type MigrationReport } from './migrations/index.ts';
import * as jobs from './jobs.ts';
import { checkNewJob, enqueueMany, type JobToEnqueue } from './enqueue.ts';
import { claimJobs } from './claim.ts';
import * as links from './links.ts';
import { catchUpPlaces } from './catch-up.ts';
import * as quests from './quests.ts';
import * as keys from './keys.ts';
import * as leases from './leases.ts';

/**
 * The one `Store` implementation: Kysely queries shared by both engines, one module per
 * concern (jobs, links, quests, keys); this class only binds them to a database.
 */
export class SqlStore implements Store {
  private readonly ctx: StoreContext;
  private closed = false;
  // 500 rows × 12 columns stays well inside the bound parameters a PostgreSQL statement takes
  // (65,535); SQLite writes a batch one row per statement.
  private readonly enqueues: Batcher<JobToEnqueue, Awaited<ReturnType<Store['enqueue']>>>;
  private readonly completions: Batcher<JobToFinish, void>;
  // Resolves to the error of that one mapping, if its write failed (see `isolated`).
  private readonly messagePuts: Batcher<links.MessageToPut, unknown>;

  constructor(
    private readonly db: Db,
    readonly engine: Engine,
    log: Logger,
    private readonly schema?: string,
  ) {
    this.ctx = { db, engine, log, now: () => Date.now() };
    this.enqueues = new Batcher((items) => enqueueMany(this.ctx, items), 500);
    // Jobs finish in separate HTTP callbacks: gathering over an I/O phase lets one
    // commit complete several (the bench measured one per job with 'tick').
    this.completions = new Batcher((items) => finishJobs(this.ctx, items), 500, 'io');
    // Mappings are recorded in the same HTTP callbacks. Batched on PostgreSQL only, where
    // it saves the BEGIN/COMMIT round trips (bench: 3.3-3.4 -> 1.8-2.9 ms CPU per message);
    // on SQLite a commit is cheap and the bench measured no gain, only an extra loop turn.
    this.messagePuts = new Batcher(isolated((items) => links.putMessages(this.ctx, items)), 100, 'io');
  }

  async migrate(): Promise<void> {
    await this.migrateWithReport();
  }

  /** Like `migrate`, and says which migrations ran (the `migrate` CLI prints it). */
  migrateWithReport(): Promise<MigrationReport> {
    return runMigrations(this.db, this.engine, this.schema);
  }

  /** Migrations not yet applied (read-only). */
  pendingMigrations(): Promise<string[]> {
    return listPendingMigrations(this.db, this.engine, this.schema);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.enqueues.idle(), this.completions.idle(), this.messagePuts.idle()]);
    await this.db.destroy();
  }

  getChannelLink: Store['getChannelLink'] = (k) => links.getChannelLink(this.ctx, k);
  upsertChannelLink: Store['upsertChannelLink'] = (l) => links.upsertChannelLink(this.ctx, l);
  deleteChannelLink: Store['deleteChannelLink'] = (k) => links.deleteChannelLink(this.ctx, k);
  getThreadLink: Store['getThreadLink'] = (k) => links.getThreadLink(this.ctx, k);
  linkThread: Store['linkThread'] = (l) => links.linkThread(this.ctx, l);
  unlinkThread: Store['unlinkThread'] = (k) => links.unlinkThread(this.ctx, k);
  threadsOfConversation: Store['threadsOfConversation'] = (c) => links.threadsOfConversation(this.ctx, c);
  linkedConversations: Store['linkedConversations'] = () => links.linkedConversations(this.ctx);
  catchUpPlaces: Store['catchUpPlaces'] = (p, o) => catchUpPlaces(this.ctx, p, o);
  getRelayCursor: Store['getRelayCursor'] = (c) => links.getRelayCursor(this.ctx, c);
  setRelayCursor: Store['setRelayCursor'] = (c, cur) => links.setRelayCursor(this.ctx, c, cur);
  putMessage: Store['putMessage'] = async (m) => {
    if (this.engine === 'sqlite') return links.putMessage(this.ctx, m);
    const err = await this.messagePuts.push(links.checkMessage(m));
    if (err !== undefined) throw err;
  };
  getMessageByChat: Store['getMessageByChat'] = (k) => links.getMessageByChat(this.ctx, k);
  getMessagesByOuro: Store['getMessagesByOuro'] = (id) => links.getMessagesByOuro(this.ctx, id);

  claimKey: Store['claimKey'] = (k, ttl) => keys.claimKey(this.ctx, k, ttl);
  purgeExpiredKeys: Store['purgeExpiredKeys'] = (now) => keys.purgeExpiredKeys(this.ctx, now);
  recordDelivery: Store['recordDelivery'] = (id) => keys.recordDelivery(this.ctx, id);
  purgeDeliveries: Store['purgeDeliveries'] = (ms) => keys.purgeDeliveries(this.ctx, ms);
  getState: Store['getState'] = (k) => keys.getState(this.ctx, k);
  setState: Store['setState'] = (k, v) => keys.setState(this.ctx, k, v);
  deleteState: Store['deleteState'] = (k) => keys.deleteState(this.ctx, k);
  purgeState: Store['purgeState'] = (prefix, ms) => keys.purgeState(this.ctx, prefix, ms);

  acquireLease: Store['acquireLease'] = (n, h, ttl) => leases.acquireLease(this.ctx, n, h, ttl);
  releaseLease: Store['releaseLease'] = (n, h) => leases.releaseLease(this.ctx, n, h);
  leaseHolder: Store['leaseHolder'] = (n) => leases.leaseHolder(this.ctx, n);

  enqueue: Store['enqueue'] = async (j) => this.enqueues.push(checkNewJob(j));
  claimJobs: Store['claimJobs'] = (w, limit, lease, lanes) => claimJobs(this.ctx, w, limit, lease, lanes);
  completeJob: Store['completeJob'] = async (id, holder, record) =>
    this.completions.push({ id: requireInt('job id', id, 1), holder: requireText('holder', holder), record: record && links.checkMessage(record) });
  failJob: Store['failJob'] = (id, holder, err, retryAt, opts) => jobs.failJob(this.ctx, id, holder, err, retryAt, opts);
  renewJobs: Store['renewJobs'] = (holder, ids, leaseMs) => jobs.renewJobs(this.ctx, holder, ids, leaseMs);
  releaseRunningJobs: Store['releaseRunningJobs'] = () => jobs.releaseRunningJobs(this.ctx);
  getJob: Store['getJob'] = (id) => jobs.getJob(this.ctx, id);
  listJobs: Store['listJobs'] = (f) => jobs.listJobs(this.ctx, f);
  retryJob: Store['retryJob'] = (id) => jobs.retryJob(this.ctx, id);
  dropJob: Store['dropJob'] = (id) => jobs.dropJob(this.ctx, id);
  countJobs: Store['countJobs'] = () => jobs.countJobs(this.ctx);
  purgeDoneJobs: Store['purgeDoneJobs'] = (ms) => jobs.purgeDoneJobs(this.ctx, ms);

  addWatch: Store['addWatch'] = (w) => quests.addWatch(this.ctx, w);
  removeWatch: Store['removeWatch'] = (k) => quests.removeWatch(this.ctx, k);
  listWatches: Store['listWatches'] = (f) => quests.listWatches(this.ctx, f);
  setWatchCard: Store['setWatchCard'] = (k, card) => quests.setWatchCard(this.ctx, k, card);
  getSnapshots: Store['getSnapshots'] = (q) => quests.getSnapshots(this.ctx, q);
  putSnapshots: Store['putSnapshots'] = (s) => quests.putSnapshots(this.ctx, s);
  deleteSnapshots: Store['deleteSnapshots'] = (q) => quests.deleteSnapshots(this.ctx, q);
}

/**
 * Wraps a batch writer so that a failed batch is written again one item at a time: each
 * call then gets its own outcome (undefined, or the error of its own write), as it would
 * without batching, instead of every call of the batch failing for one bad row.
 */
function isolated<I>(write: (items: I[]) => Promise<void>): (items: I[]) => Promise<unknown[]> {
  return async (items) => {
    try {
      await write(items);
      return items.map(() => undefined);
    } catch (err) {
      if (items.length === 1) return [err ?? new Error('write failed')];
      const out: unknown[] = [];
      for (const item of items) out.push(await write([item]).then(() => undefined, (e: unknown) => e ?? new Error('write failed')));
      return out;
    }
  };
}
