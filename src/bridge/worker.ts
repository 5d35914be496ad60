/**
 * The claim loop. Claims up to `concurrency` jobs (the store hands out at most one per lane,
 * the lane's oldest unfinished job, so a thread's jobs run in order while threads run in
 * parallel), runs each through `handle`, and records the outcome: done; retry after an
 * exponential backoff with jitter that honours the error's `retryAfterMs`; or dead once the
 * budget is spent or the error is permanent. Nothing a job throws escapes this loop.
 */
import type { Logger } from '../log.ts';
import type { Job, MessageMapping, Store } from '../store/types.ts';
import type { BridgeMetrics, RetryPolicy } from './ports.ts';
import { backoffMs } from '../retry.ts';
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
  /**
   * Other processes record jobs in the same lanes (PostgreSQL replicas). Then a finished job
   * always looks for its lane's next one; otherwise only when one was recorded meanwhile.
   */
  sharedLanes?: boolean;
  now: () => number;
  handle(job: Job): Promise<JobOutcome | void>;
}

/** What a job hands back to be written with its completion (Store `completeJob`). */
export interface JobOutcome {
  /** The job's last write, when it is a message mapping: one transaction with the completion. */
  record?: Omit<MessageMapping, 'createdAt'>;
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
  /**
   * A slot for a job the caller is about to record already leased to this worker (the
   * inbox's fast path for an idle lane; Store `enqueue` with `lease`), or undefined when
   * every slot is taken or the worker is stopped. The caller must end it with `run` (the
   * job came back leased to us; it starts on the event loop's next turn) or `release` (it
   * did not, or recording failed).
   */
  reserve(): Slot | undefined;
  /** Resolves when no pending or running job remains (dead ones do not count). */
  drain(timeoutMs?: number): Promise<void>;
  running(): boolean;
  /** False after the store failed to hand out jobs, until it works again. */
  healthy(): boolean;
}

export interface Slot {
  workerId: string;
  leaseMs: number;
  run(job: Job): void;
  release(): void;
}

/** Queue depth is sampled at most this often: it costs a COUNT over the jobs table. */
const DEPTH_SAMPLE_MS = 1000;

/**
 * Claim batching. A claim costs about the same for 1 job as for 16 (it walks every lane's
 * head, then commits), and under a backlog jobs finish one by one, so claiming per finished
 * job made the claim the costliest statement per message. While at least half the slots
 * are busy, a freed slot waits up to CLAIM_GATHER_MS for others (or for CLAIM_BATCH free
 * slots); the busy slots keep the Ouro side occupied meanwhile, so throughput is kept.
 * Below half, claims run at once: a quiet bridge adds no latency.
 */
const CLAIM_GATHER_MS = 4;
const CLAIM_BATCH = 8;
/** Woken lanes a claim names at most (a bound on its SQL parameters). */
const CLAIM_LANES = 500;

export function createWorker(deps: WorkerDeps): Worker {
  const { store, logger, metrics, retry } = deps;
  const inflight = new Map<number, Promise<void>>();
  let started = false;
  let pumping = false;
  // Slots handed out by reserve() and not yet run or released: busy, like running jobs.
  let reserved = 0;
  const busy = () => inflight.size + reserved;
  let again = false;
  let healthy = true;
  let handingBack = false;
  let idleTimer: NodeJS.Timeout | undefined;
  const retryTimers = new Set<NodeJS.Timeout>();
  let lastDepthAt = 0;
  // What the next claim must look at: every lane (start, poll, retries of unknown lanes,
  // webhooks, other replicas' jobs) or only the lanes woken by this process. A woken lane
  // stays listed until a claim has looked at it with room to spare.
  let full = true;
  const woken = new Set<string>();

  const errorText = (err: unknown) =>
    err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 2000) : String(err).slice(0, 2000);

  // Made only when there is something to say: a child logger per job costs a few µs on
  // every message, and jobs that succeed log nothing here.
  const jobLog = (job: Job) => logger.child({ job: job.id, kind: job.kind, lane: job.lane, attempt: job.attempts + 1 });

  async function run(job: Job): Promise<void> {
    let outcome: JobOutcome | void;
    try {
      outcome = await deps.handle(job);
    } catch (err) {
      await settleFailure(job, err, jobLog(job));
      return;
    }
    try {
      await store.completeJob(job.id, deps.workerId, outcome?.record);
    } catch (err) {
      // The job ran; it will run again when its lease ends, and handlers are idempotent
      // (a mapping that was to be recorded with it is found missing and written then).
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

  // Leases of the jobs running here are renewed every third of a lease, in one statement,
  // so a job slower than the lease keeps it, and a second renewal can still fail before it
  // lapses. A job whose lease was taken over meanwhile (this process stalled past it) is
  // logged; its completion is fenced by the store, so it changes nothing.
  let renewTimer: NodeJS.Timeout | undefined;
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

  function wakeLater(lane: string, delay: number): void {
    const t = setTimeout(() => {
      retryTimers.delete(t);
      wake(lane);
    }, delay + 5);
    t.unref();
    retryTimers.add(t);
  }

  // Lanes with a job running here, and those of them woken meanwhile. A claim for a lane
  // whose job runs here cannot succeed, so the wake waits for the job to end. A job handed
  // over by reserve() found its lane empty, so if nobody woke the lane since, it has nothing
  // to claim when the job ends (unless other processes record into it): that spares a claim
  // statement per message at a steady pace. A claimed job may have successors recorded
  // before this process started or elsewhere, so its end always looks.
  const runningLanes = new Map<string, number>();
  const rewake = new Set<string>();

  const laneBusy = (lane: string) => runningLanes.set(lane, (runningLanes.get(lane) ?? 0) + 1);
  const laneFree = (lane: string) => {
    const left = runningLanes.get(lane)! - 1;
    if (left > 0) runningLanes.set(lane, left);
    else runningLanes.delete(lane);
  };

  /** `handedOver`: from a slot's run(), which marked its lane busy already. */
  function track(job: Job, handedOver = false): void {
    if (!handedOver) laneBusy(job.lane);
    const p = run(job).finally(() => {
      inflight.delete(job.id);
      laneFree(job.lane);
      // The lane's next job (if any) is its head now.
      if (rewake.delete(job.lane) || deps.sharedLanes || !handedOver) wake(job.lane);
      else if (full || woken.size > 0) schedulePump(); // the freed slot may be wanted
    });
    inflight.set(job.id, p);
  }

  async function pump(): Promise<void> {
    if (!started) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        while (started && busy() < deps.concurrency) {
          const asked = deps.concurrency - busy();
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
          let fresh = 0;
          for (const job of jobs) {
            if (inflight.has(job.id)) continue; // our own lease handed back: it is already running
            fresh++;
            track(job);
          }
          // As many as asked: more may be claimable, so what was looked at is looked at
          // again when a slot frees. Fewer: nothing else there is claimable now (a job
          // recorded or finished meanwhile wakes us again).
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
    // A wake during the depth sample (a query: on PostgreSQL, a real wait) found `pumping`
    // still true and only set `again`; without this it waited for the idle poll.
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

  // Jobs finishing in one turn of the event loop share one claim query.
  let wakeQueued = false;
  let gatherTimer: NodeJS.Timeout | undefined;
  function wake(lane?: string): void {
    if (!started) return;
    if (lane !== undefined && runningLanes.has(lane)) {
      rewake.add(lane);
      return;
    }
    if (lane === undefined) full = true;
    else woken.add(lane);
    schedulePump();
  }

  function schedulePump(): void {
    if (wakeQueued) return;
    const free = deps.concurrency - busy();
    if (busy() >= deps.concurrency / 2 && free < Math.min(CLAIM_BATCH, deps.concurrency)) {
      gatherTimer ??= setTimeout(() => {
        gatherTimer = undefined;
        void pump();
      }, CLAIM_GATHER_MS);
      return;
    }
    if (gatherTimer) {
      clearTimeout(gatherTimer);
      gatherTimer = undefined;
    }
    wakeQueued = true;
    setImmediate(() => {
      wakeQueued = false;
      void pump();
    });
  }

  // Jobs given to a slot's run(), started on the next turn of the event loop: the inbox
  // hands a job over before its ack returns, and the ack must not wait for the job's first
  // steps (the handler reads the store and converts the text before its first real wait).
  // In a burst all of them start together, once the burst's acks are out.
  const handedOver: Job[] = [];
  function startHandedOver(): void {
    for (const job of handedOver.splice(0)) {
      reserved--;
      // Stopped meanwhile: the lease runs out and the job is claimed again (as after a crash).
      if (started && !inflight.has(job.id)) track(job, true);
      else laneFree(job.lane);
    }
  }

  function reserve(): Slot | undefined {
    if (!started || handingBack || busy() >= deps.concurrency) return undefined;
    reserved++;
    let open = true;
    const end = () => {
      if (!open) return false;
      open = false;
      reserved--;
      return true;
    };
    return {
      workerId: deps.workerId,
      leaseMs: deps.leaseMs,
      run(job) {
        if (!open) return;
        open = false; // still counted in `reserved` until it starts
        laneBusy(job.lane); // a wake for its lane now waits for it, as for a running job
        handedOver.push(job);
        if (handedOver.length === 1) setImmediate(startHandedOver);
      },
      release() {
        // The slot may have kept a claim from taking what it was woken for.
        if (end() && started && (full || woken.size > 0)) schedulePump();
      },
    };
  }

  return {
    reserve,
    start() {
      if (started) return;
      started = true;
      renewTimer = setInterval(() => void renew(), Math.max(1, Math.floor(deps.leaseMs / 3)));
      renewTimer.unref();
      if (!deps.soleWorker) {
        void pump();
        return;
      }
      // No job is recorded leased to us before this, or it would be handed back too.
      handingBack = true;
      store.releaseRunningJobs().then(
        (n) => {
          if (n > 0) logger.info({ jobs: n }, 'jobs left running by the previous run handed back');
        },
        (err: unknown) => logger.error({ err }, 'could not hand back jobs left running; they run when their lease lapses'),
      ).finally(() => {
        handingBack = false;
        void pump();
      });
    },
    async stop(timeoutMs = 10_000) {
      startHandedOver(); // acked and leased to us: they finish (or time out) like the rest
      started = false;
      if (idleTimer) clearTimeout(idleTimer);
      if (gatherTimer) clearTimeout(gatherTimer);
      for (const t of retryTimers) clearTimeout(t);
      retryTimers.clear();
      // Leases are renewed while we wait; what is still running after is left to lapse.
      const stopRenewing = () => {
        if (renewTimer) clearInterval(renewTimer);
        renewTimer = undefined;
      };
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
        wake();
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    running: () => started,
    healthy: () => healthy,
  };
}
