import { sql } from 'kysely';
import type { Logger } from '../log.ts';
import type { Store } from './types.ts';
import type { Engine } from './engine.ts';
import type { Db } from './schema.ts';
import type { StoreContext } from './context.ts';
import { listPendingMigrations, runMigrations, type MigrationReport } from './migrations/index.ts';
import * as jobs from './jobs.ts';
import { createEnqueuer } from './enqueue.ts';
import { claimJobs } from './claim.ts';
import * as links from './links.ts';
import { catchUpPlaces } from './catch-up.ts';
import * as quests from '../quests/store.ts';
import * as follows from '../comments/store.ts';
import * as dedupe from './dedupe-and-state.ts';
import * as leases from './leases.ts';
import * as accounts from './accounts.ts';

/**
 * The one `Store` implementation: Kysely queries shared by both engines, one module per
 * concern (jobs, links, quests, dedupe and state); this class only binds them to a database.
 */
export class SqlStore implements Store {
  private readonly ctx: StoreContext;
  private closed = false;
  private readonly enqueuer: ReturnType<typeof createEnqueuer>;

  constructor(
    private readonly db: Db,
    readonly engine: Engine,
    log: Logger,
    private readonly schema?: string,
  ) {
    this.ctx = { db, engine, log, now: () => Date.now() };
    this.enqueuer = createEnqueuer(this.ctx);
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
    await this.enqueuer.idle();
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
  putMessage: Store['putMessage'] = (m) => links.putMessage(this.ctx, m);
  getMessageByChat: Store['getMessageByChat'] = (k) => links.getMessageByChat(this.ctx, k);
  getMessagesByOuro: Store['getMessagesByOuro'] = (id) => links.getMessagesByOuro(this.ctx, id);

  claimKey: Store['claimKey'] = (k, ttl) => dedupe.claimKey(this.ctx, k, ttl);
  purgeExpiredKeys: Store['purgeExpiredKeys'] = (now) => dedupe.purgeExpiredKeys(this.ctx, now);
  recordDelivery: Store['recordDelivery'] = (id) => dedupe.recordDelivery(this.ctx, id);
  purgeDeliveries: Store['purgeDeliveries'] = (ms) => dedupe.purgeDeliveries(this.ctx, ms);
  getState: Store['getState'] = (k) => dedupe.getState(this.ctx, k);
  setState: Store['setState'] = (k, v) => dedupe.setState(this.ctx, k, v);
  deleteState: Store['deleteState'] = (k) => dedupe.deleteState(this.ctx, k);
  purgeState: Store['purgeState'] = (prefix, ms) => dedupe.purgeState(this.ctx, prefix, ms);

  acquireLease: Store['acquireLease'] = (n, h, ttl) => leases.acquireLease(this.ctx, n, h, ttl);
  releaseLease: Store['releaseLease'] = (n, h) => leases.releaseLease(this.ctx, n, h);
  leaseHolder: Store['leaseHolder'] = (n) => leases.leaseHolder(this.ctx, n);

  getAccountLink: Store['getAccountLink'] = (p) => accounts.getAccountLink(this.ctx, p);
  putAccountLink: Store['putAccountLink'] = (l) => accounts.putAccountLink(this.ctx, l);
  deleteAccountLink: Store['deleteAccountLink'] = (p) => accounts.deleteAccountLink(this.ctx, p);
  markAccountLinkBroken: Store['markAccountLinkBroken'] = (p, at) => accounts.markAccountLinkBroken(this.ctx, p, at);
  listAccountLinks: Store['listAccountLinks'] = () => accounts.listAccountLinks(this.ctx);
  resealAccountLinks: Store['resealAccountLinks'] = (rows) => accounts.resealAccountLinks(this.ctx, rows);
  accountLinksOfOuroUser: Store['accountLinksOfOuroUser'] = (pl, id) => accounts.accountLinksOfOuroUser(this.ctx, pl, id);

  enqueue: Store['enqueue'] = async (j) => this.enqueuer.enqueue(j);
  claimJobs: Store['claimJobs'] = (w, limit, lease, lanes) => claimJobs(this.ctx, w, limit, lease, lanes);
  completeJob: Store['completeJob'] = (id, holder) => jobs.completeJob(this.ctx, id, holder);
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
  setWatchHealth: Store['setWatchHealth'] = (k, h) => quests.setWatchHealth(this.ctx, k, h);
  getSnapshots: Store['getSnapshots'] = (k) => quests.getSnapshots(this.ctx, k);
  putSnapshots: Store['putSnapshots'] = (s) => quests.putSnapshots(this.ctx, s);
  deleteSnapshots: Store['deleteSnapshots'] = (k) => quests.deleteSnapshots(this.ctx, k);

  addFollow: Store['addFollow'] = (f) => follows.addFollow(this.ctx, f);
  removeFollow: Store['removeFollow'] = (k) => follows.removeFollow(this.ctx, k);
  listFollows: Store['listFollows'] = (f) => follows.listFollows(this.ctx, f);
  followByCard: Store['followByCard'] = (c, id) => follows.followByCard(this.ctx, c, id);
  setFollowCard: Store['setFollowCard'] = (k, id) => follows.setFollowCard(this.ctx, k, id);
  setFollowHealth: Store['setFollowHealth'] = (k, h) => follows.setFollowHealth(this.ctx, k, h);
  getCommentCopies: Store['getCommentCopies'] = (k) => follows.getCommentCopies(this.ctx, k);
  putCommentCopies: Store['putCommentCopies'] = (c) => follows.putCommentCopies(this.ctx, c);
  copyByChatMessage: Store['copyByChatMessage'] = (k, id) => follows.copyByChatMessage(this.ctx, k, id);
  deleteCommentCopies: Store['deleteCommentCopies'] = (k) => follows.deleteCommentCopies(this.ctx, k);
}
