/**
 * The claim loop. Claims jobs when woken (a job recorded or finished here names its lane)
 * or at the idle poll (retries, other replicas' jobs), up to `concurrency` at once; the
 * store hands out at most one job per lane, the lane's oldest unfinished one, so a thread's
 * jobs run in order while threads run in parallel. Each job runs through `handle`, its
 * lease renewed while it runs, and ends done, retried after the shared backoff
 * (src/retry.ts) honouring the error's `retryAfterMs`, or dead once the budget is spent or
 * the error is permanent. Nothing a job throws escapes this loop.
 */
import { stripTokens } from '../redact.ts';
import type { Logger } from '../log.ts';
import { backoffMs } from '../retry.ts';
import type { Job, Store } from '../store/types.ts';
import type { BridgeMetrics, RetryPolicy } from './ports.ts';
import { classify, RetryLaterError } from './retry.ts';

export interface WorkerDeps {
  store: Store;
  logger: Logger;
  metrics: BridgeMetrics;
  workerId: string;
  concurrency: number;
  retry: RetryPolicy;
  pollMs: number;
  /**
   * How long a claimed job is ours unless renewed. Running jobs are renewed every third of
   * it, so it bounds how long a crashed process's jobs wait, not how long a job may run.
   */
  leaseMs: number;
  /**
   * This process alone works the queue (SQLite): at start, jobs still running are what
   * its previous run left, and are handed back at once instead of when their lease lapses.
   */
  soleWorker?: boolean;
  now: () => number;
  handle(job: Job): Promise<void>;
}

export interface Worker {
  start(): void;
  /** Stops claiming; waits up to `timeoutMs` for running jobs. Unfinished ones stay leased, then run again. */
  stop(timeoutMs?: number): Promise<void>;
  /**
   * Something may be claimable now. With `lane` (a job of it was just recorded or finished
   * here) the next claim looks at that lane only; without, at every lane.
   */
  wake(lane?: string): void;
  /** Resolves when no pending or running job remains (dead ones do not count). */
  drain(timeoutMs?: number): Promise<void>;
  running(): boolean;
  /** False after the store failed to hand out jobs, until it works again. */
  healthy(): boolean;
}

/** Queue depth is sampled at most this often: it costs a COUNT over the jobs table. */
const DEPTH_SAMPLE_MS = 1000;
/** Woken lanes a claim names at most (a bound on its SQL parameters). */
const CLAIM_LANES = 500;

// Stored in the jobs table and shown by `ouro-bridge jobs`: tokens in URLs (Discord webhooks) are stripped first.
const errorText = (err: unknown) => stripTokens(err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 2000);

export function createWorker(deps: WorkerDeps): Worker {
  const { store, logger, metrics, retry } = deps;
  const inflight = new Map<number, Promise<void>>();
  /** The lane of each job running here. */
  const running = new Map<number, string>();
  let started = false;
  let handingBack = false;
  let healthy = true;
  let pumping = false;
  let again = false;
  let pumpQueued = false;
  let idleTimer: NodeJS.Timeout | undefined;
  let renewTimer: NodeJS.Timeout | undefined;
  const retryTimers = new Set<NodeJS.Timeout>();
  let lastDepthAt = 0;
  // What the next claim looks at: every lane (start, poll, a wake without a lane) or only
  // the lanes woken here. A woken lane stays listed until a claim looked at it with room.
  let full = true;
  const woken = new Set<string>();
  // Jobs each lane was woken for and no claim here has taken yet. A job's end looks for
  // its lane's next job only when there may be one: a wake counted here, a job claimed by
  // a look at every lane (a backlog from before), or other processes recording into the
  // lanes (PostgreSQL replicas). That spares an empty claim per message at a steady pace.
  const unclaimed = new Map<string, number>();
  // Jobs that may have successors nobody woke for (a backlog found by a look at every
  // lane), and the lanes looked at again for that reason: the look follows the backlog
  // lane by lane until a look finds nothing.
  const mayHaveMore = new Set<number>();
  const backlogLanes = new Set<string>();

  // A child logger per job only when there is something to log (most jobs log nothing).
  const jobLog = (job: Job) => logger.child({ job: job.id, kind: job.kind, lane: job.lane, attempt: job.attempts + 1 });

  async function run(job: Job): Promise<void> {
    try {
      await deps.handle(job);
    } catch (err) {
      await settleFailure(job, err, jobLog(job));
      return;
    }
    try {
      await store.completeJob(job.id, deps.workerId);
    } catch (err) {
      // The job ran; it runs again when its lease ends, and handlers are idempotent.
      jobLog(job).error({ err }, 'could not mark job done');
    }
  }

  async function settleFailure(job: Job, err: unknown, log: Logger): Promise<void> {
    const disposition = classify(err);
    const runs = job.attempts + 1;
    const message = errorText(err);
    try {
      if (err instanceof RetryLaterError && !err.countsAsAttempt) {
        // Waiting on other work is not a failure: no attempt spent, the waiter bounds itself.
        await store.failJob(job.id, deps.workerId, message, deps.now() + err.retryAfterMs, { countAttempt: false });
        log.debug({ reason: message, delayMs: err.retryAfterMs }, 'job waits');
        wakeLater(job.lane, err.retryAfterMs);
        return;
      }
      if (!disposition.retry || runs >= retry.maxAttempts) {
        await store.failJob(job.id, deps.workerId, message, null);
        metrics.dead(job.kind);
        log.error({ err, runs }, disposition.retry ? 'job dead: retry budget spent' : 'job dead: permanent failure');
        return;
      }
      const delay = backoffMs(runs, retry, disposition.retryAfterMs);
      await store.failJob(job.id, deps.workerId, message, deps.now() + delay);
      metrics.retried(job.kind);
      if (err instanceof RetryLaterError) log.debug({ reason: message, delayMs: delay }, 'job waits');
      else log.warn({ err: message, delayMs: delay }, 'job failed; will retry');
      wakeLater(job.lane, delay);
    } catch (storeErr) {
      log.error({ err: storeErr, jobError: message }, 'could not record job failure; the lease will expire and it runs again');
    }
  }

  function wakeLater(lane: string, delay: number): void {
    const t = setTimeout(() => {
      retryTimers.delete(t);
      wake(lane);
    }, delay + 5);
    t.unref();
    retryTimers.add(t);
  }

  // Leases of the jobs running here are renewed every third of a lease, in one statement,
  // so a job slower than the lease keeps it, and a second renewal can still fail before it
  // lapses. A job whose lease was taken over meanwhile (this process stalled past it) is
  // logged; its completion is fenced by the store, so it changes nothing.
  async function renew(): Promise<void> {
    const ids = [...inflight.keys()];
    if (ids.length === 0) return;
    try {
      const held = new Set(await store.renewJobs(deps.workerId, ids, deps.leaseMs));
      for (const id of ids) {
        if (!held.has(id) && inflight.has(id)) logger.warn({ job: id }, 'job lease lost to another worker; its outcome will be ignored');
      }
    } catch (err) {
      logger.error({ err }, 'renewing job leases failed');
    }
  }

  function track(job: Job, viaFullClaim: boolean): void {
    const left = (unclaimed.get(job.lane) ?? 0) - 1;
    if (left > 0) unclaimed.set(job.lane, left);
    else unclaimed.delete(job.lane);
    if (viaFullClaim || backlogLanes.delete(job.lane)) mayHaveMore.add(job.id);
    running.set(job.id, job.lane);
    const p = run(job).finally(() => {
      inflight.delete(job.id);
      running.delete(job.id);
      // The lane's next job (if any) is its head now.
      if (mayHaveMore.delete(job.id)) {
        backlogLanes.add(job.lane);
        look(job.lane);
      } else if (unclaimed.has(job.lane) || !deps.soleWorker) look(job.lane);
      else if (full || woken.size > 0) schedulePump(); // the freed slot may be wanted
    });
    inflight.set(job.id, p);
  }

  async function pump(): Promise<void> {
    if (!started || handingBack) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        while (started && inflight.size < deps.concurrency) {
          const asked = deps.concurrency - inflight.size;
          let lanes: string[] | undefined;
          if (full) {
            full = false;
            woken.clear();
          } else if (woken.size > 0) {
            lanes = [...woken].slice(0, CLAIM_LANES);
            for (const l of lanes) woken.delete(l);
          } else break;
          let jobs: Job[];
          try {
            jobs = await store.claimJobs(deps.workerId, asked, deps.leaseMs, lanes);
          } catch (err) {
            full = true; // the poll retries, looking everywhere
            throw err;
          }
          healthy = true;
          if (lanes) {
            const got = new Set(jobs.map((j) => j.lane));
            const busy = new Set([...running.values()]);
            for (const l of lanes) {
              if (got.has(l)) continue;
              backlogLanes.delete(l); // the backlog there ends
              if (!busy.has(l)) unclaimed.delete(l); // nothing claimable there (a job dropped meanwhile)
            }
          }
          let fresh = 0;
          for (const job of jobs) {
            if (inflight.has(job.id)) continue; // our own lease handed back: it is already running
            fresh++;
            track(job, !lanes);
          }
          // As many as asked: more may be claimable, so what was looked at is looked at
          // again when a slot frees. Fewer: nothing else there is claimable now.
          if (jobs.length >= asked) {
            if (!lanes) full = true;
            else {
              const got = new Set(jobs.map((j) => j.lane));
              for (const l of lanes) if (!got.has(l)) woken.add(l);
            }
          }
          if (fresh === 0 && jobs.length >= asked) break;
        }
      } while (again && started);
      await sampleDepth();
    } catch (err) {
      healthy = false;
      logger.error({ err }, 'claiming jobs failed');
    } finally {
      pumping = false;
    }
    // A wake during the depth sample found `pumping` still true and only set `again`.
    if (again && started && healthy) schedulePump();
    scheduleIdle();
  }

  async function sampleDepth(): Promise<void> {
    if (deps.now() - lastDepthAt < DEPTH_SAMPLE_MS) return;
    lastDepthAt = deps.now();
    const c = await store.countJobs();
    metrics.queueDepth(c.pending + c.running);
  }

  function scheduleIdle(): void {
    if (!started) return;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      full = true;
      void pump();
    }, deps.pollMs);
    idleTimer.unref();
  }

  // Wakes within one turn of the event loop share one claim.
  function schedulePump(): void {
    if (pumpQueued) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      void pump();
    });
  }

  function wake(lane?: string): void {
    if (lane !== undefined && deps.soleWorker) unclaimed.set(lane, (unclaimed.get(lane) ?? 0) + 1);
    look(lane);
  }

  /** Claims soon, at `lane` only or (without) at every lane. */
  function look(lane?: string): void {
    if (!started) return;
    if (lane === undefined) full = true;
    else woken.add(lane);
    schedulePump();
  }

  function stopRenewing(): void {
    if (renewTimer) clearInterval(renewTimer);
    renewTimer = undefined;
  }

  return {
    start() {
      if (started) return;
      started = true;
      renewTimer = setInterval(() => void renew(), Math.max(1, Math.floor(deps.leaseMs / 3)));
      renewTimer.unref();
      if (!deps.soleWorker) {
        void pump();
        return;
      }
      handingBack = true;
      store
        .releaseRunningJobs()
        .then(
          (n) => {
            if (n > 0) logger.info({ jobs: n }, 'jobs left running by the previous run handed back');
          },
          (err: unknown) => logger.error({ err }, 'could not hand back jobs left running; they run when their lease lapses'),
        )
        .finally(() => {
          handingBack = false;
          void pump();
        });
    },
    async stop(timeoutMs = 10_000) {
      started = false;
      if (idleTimer) clearTimeout(idleTimer);
      for (const t of retryTimers) clearTimeout(t);
      retryTimers.clear();
      // Leases are renewed while we wait; what is still running after is left to lapse.
      if (inflight.size === 0) return stopRenewing();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inflight.values()]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      if (timer) clearTimeout(timer);
      stopRenewing();
      if (inflight.size) logger.warn({ running: inflight.size }, 'stopped with jobs still running; they stay durable');
    },
    wake,
    async drain(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // Counting scans the jobs table: only worth it when nothing of ours is running.
        const c = inflight.size === 0 || Date.now() > deadline ? await store.countJobs() : undefined;
        if (c && c.pending + c.running === 0 && inflight.size === 0) return;
        if (c && Date.now() > deadline) {
          throw new Error(`drain timed out after ${timeoutMs} ms: ${c.pending} pending, ${c.running} running, ${c.dead} dead`);
        }
        look();
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    running: () => started,
    healthy: () => healthy,
  };
}
