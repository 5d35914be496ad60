import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { silentLogger, type Logger } from '../log.ts';

/**
 * SQLite WAL checkpoints on a thread of their own. A checkpoint copies the WAL back into
 * the database file and fsyncs both; run by SQLite's auto-checkpoint it happens inside a
 * commit on the main thread and stalls the event loop (the mirror bench measured up to
 * 21 ms). So the main connection runs with `wal_autocheckpoint = 0` and a second
 * connection in a worker thread checkpoints on a timer:
 * - PASSIVE every `intervalMs`: never waits for, nor blocks, the main connection's writes.
 *   A writer starts the WAL over from the beginning once everything in it is copied back,
 *   so the file stops growing.
 * - Under a write flood the WAL is never all copied back at the moment a transaction
 *   starts (commits land while a checkpoint runs), so it is not started over and grows.
 *   Once it holds more than `restartAboveBytes`, the thread runs RESTART, which holds
 *   writes off while it copies the rest and makes the next writer start the WAL over: the
 *   main thread waits in SQLite's busy handler, a stall like the auto-checkpoint's, here
 *   once per that many bytes written instead of per 4 MB. RESTART, not TRUNCATE: cutting
 *   a large file is slow (the bench saw 130 ms for 256 MB); the file is reused instead,
 *   and `journal_size_limit` (engine.ts) keeps it near this size.
 * The thread is started with the connection and stopped and joined by `stop()`.
 */

export interface CheckpointOptions {
  /** false: no thread; the main connection checkpoints inside its commits, as SQLite does
   * by default (the bench compares the two). */
  enabled?: boolean;
  /** Milliseconds between PASSIVE checkpoints. */
  intervalMs?: number;
  /** WAL size above which the thread forces a RESTART checkpoint. */
  restartAboveBytes?: number;
}

export interface CheckpointStats {
  /** Checkpoints run (PASSIVE and RESTART). */
  checkpoints: number;
  /** RESTART checkpoints forced because PASSIVE fell behind. */
  restarts: number;
  /** Largest WAL seen at a checkpoint, in bytes (frames × page size). */
  maxWalBytes: number;
  /** Time spent checkpointing in the thread, and the longest checkpoint, ms. */
  totalMs: number;
  maxMs: number;
}

export interface Checkpointer {
  stats(): CheckpointStats;
  /** Stops the timer, closes the thread's connection and waits for the thread to exit. */
  stop(): Promise<void>;
}

export const CHECKPOINT_DEFAULTS: Required<CheckpointOptions> = {
  enabled: true,
  // Each PASSIVE pass that finds nothing to copy costs microseconds; at the bench's flood
  // rate 100 ms of writes is well under 1 MB of WAL.
  intervalMs: 100,
  // The mirror bench's 10k-message flood writes ~40 KB of WAL per message: at 16 MB it
  // forced 30 checkpoints, each stalling the acks behind it (flood ack p99 58–68 ms).
  restartAboveBytes: 64 * 1024 * 1024,
};

/** How long stop() waits for the thread to finish its current checkpoint before terminating it. */
const STOP_GRACE_MS = 5_000;
/** How long a RESTART waits for the main connection's write transaction. */
const RESTART_BUSY_MS = 1_000;

// Stats live in shared memory so reading them needs no message round trip.
const CHECKPOINTS = 0;
const RESTARTS = 1;
const MAX_WAL = 2;
const TOTAL_MS = 3;
const MAX_MS = 4;
const COUNTERS = 5;

/** CommonJS, evaluated in the worker: a string keeps it loadable from src (tsx, vitest) and dist alike. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { path, intervalMs, restartAboveBytes, busyMs, stats } = workerData;
const counters = new Float64Array(stats);
const db = new Database(path);
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = ' + busyMs);
const pageSize = db.pragma('page_size', { simple: true });
const checkpoint = (mode) => {
  const t0 = performance.now();
  const [r] = db.pragma('wal_checkpoint(' + mode + ')');
  const took = performance.now() - t0;
  counters[${TOTAL_MS}] += took;
  counters[${MAX_MS}] = Math.max(counters[${MAX_MS}], took);
  counters[${CHECKPOINTS}]++;
  counters[${MAX_WAL}] = Math.max(counters[${MAX_WAL}], r.log * pageSize);
  return r;
};
const timer = setInterval(() => {
  const r = checkpoint('PASSIVE');
  if (r.log * pageSize > restartAboveBytes) {
    checkpoint('RESTART');
    counters[${RESTARTS}]++;
  }
}, intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
parentPort.postMessage('ready');
`;

const live = new Set<Worker>();
const running = new Set<Checkpointer>();

/** Checkpoint threads running in this process (tests assert that close() joined them). */
export function liveCheckpointers(): number {
  return live.size;
}

/** The stats of every running checkpointer (the bench reports them). */
export function checkpointStats(): CheckpointStats[] {
  return [...running].map((c) => c.stats());
}

/**
 * Starts the checkpoint thread for the SQLite file at `path` and resolves once its
 * connection is open. `onFailure` runs if the thread dies (it cannot open the file, an
 * I/O error): the caller turns the main connection's auto-checkpoint back on, so the WAL
 * stays bounded either way.
 */
export async function startCheckpointer(path: string, opts: CheckpointOptions & { log?: Logger; onFailure: (err: Error) => void }): Promise<Checkpointer> {
  const log = opts.log ?? silentLogger;
  const shared = new SharedArrayBuffer(COUNTERS * Float64Array.BYTES_PER_ELEMENT);
  const counters = new Float64Array(shared);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path,
      intervalMs: opts.intervalMs ?? CHECKPOINT_DEFAULTS.intervalMs,
      restartAboveBytes: opts.restartAboveBytes ?? CHECKPOINT_DEFAULTS.restartAboveBytes,
      busyMs: RESTART_BUSY_MS,
      stats: shared,
    },
  });
  // Never the reason the process stays up; stop() is still how it ends.
  worker.unref();
  live.add(worker);
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      live.delete(worker);
      resolve();
    });
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`SQLite checkpoint thread exited with code ${code} before it started`)));
  });
  let failed = false;
  const fail = (err: Error) => {
    if (failed || stopping) return;
    failed = true;
    log.error({ err, path }, 'store: SQLite checkpoint thread failed; the main connection checkpoints from now on');
    opts.onFailure(err);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`SQLite checkpoint thread exited with code ${code}`)));
  const checkpointer: Checkpointer = {
    stats: () => ({
      checkpoints: counters[CHECKPOINTS]!,
      restarts: counters[RESTARTS]!,
      maxWalBytes: counters[MAX_WAL]!,
      totalMs: counters[TOTAL_MS]!,
      maxMs: counters[MAX_MS]!,
    }),
    async stop() {
      if (stopping) return exited;
      stopping = true;
      running.delete(checkpointer);
      worker.postMessage('stop');
      const grace = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
      await exited;
      clearTimeout(grace);
    },
  };
  running.add(checkpointer);
  return checkpointer;
}
