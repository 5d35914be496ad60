/**
 * The bridge side of the mirror benchmark, run in a process of its own (see mirror.ts) so
 * its RSS counts the bridge alone: not the raw relay's heap and connection pool, not the
 * sandbox. Run as a script (through tsx, or compiled by tsc: mirror-procs.ts) it reads
 * `BridgeArgs` from argv[2] and prints one JSON line (`BridgeResult`) on stdout.
 * Replicas: several of these processes share one PostgreSQL schema; replica i of n offers
 * the threads t with t % n == i. They keep in step at barriers: a process prints
 * `BARRIER <name>` and waits for a line on stdin, which the parent sends once all have.
 *
 * Stage timestamps for the paced phase are taken by wrapping the store's queue methods on
 * the app's store object here, in the bench: production code carries no timing hooks.
 */
import { subscribe } from 'node:diagnostics_channel';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { createApp } from '../src/app.ts';
import type { BridgeInbox, ChatAdapter, ChatRef } from '../src/bridge/types.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { createOuroClient } from '../src/ouro/index.ts';
import { CHECKPOINT_DEFAULTS, checkpointStats, type CheckpointStats } from '../src/store/checkpoint.ts';
import type { Job } from '../src/store/types.ts';
import { sqlReport, sqlReset, timeSqlStatements } from './sql-stats.ts';
import { allMessages, M, micros, N, paced, PACED_N, PACED_RATE, PACED_ROUND_N, PACED_ROUNDS, sorted, wall } from './mirror-common.ts';

const CHANNEL = { platform: 'console' as const, workspace: 'local', channel: 'bench' };
const TAG = /(flood|paced) t(\d+) m(\d+)/;

/**
 * Per paced message, wall-clock ms: offered (scheduled) → sent → acked → claim asked →
 * claimed → its HTTP request created → created.
 */
interface Stamps {
  offered: number;
  sent?: number;
  acked?: number;
  claimAsked?: number;
  claimed?: number;
  requested?: number;
  created?: number;
}
export const STAGES = ['late', 'ack', 'wake', 'claim', 'prepare', 'ouro'] as const;
export type Stage = (typeof STAGES)[number];

export interface BridgeArgs {
  url: string;
  apiKey: string;
  dir: string;
  /** DATABASE_URL; default a SQLite file in `dir`. */
  database?: string;
  /** PostgreSQL schema (all replicas the same). */
  schema?: string;
  replica?: { index: number; of: number };
}

export interface BridgeResult {
  /** Wall clock ms: this process's first flood offer and last flood message created. */
  floodStart: number;
  floodEnd: number;
  floodSeconds: number;
  /** Messages this process offered in the flood and paced phases. */
  offered: { flood: number; paced: number };
  /** HTTP requests to Ouro during the flood (from undici's diagnostics channel). */
  ouroCalls: number;
  /** SQLite: largest size of the WAL file seen during the flood and paced phases, bytes. */
  walMaxBytes?: number;
  /** SQLite: the checkpoint thread's counters over the whole run. */
  checkpoints?: CheckpointStats;
  ackSeconds: number;
  found: { flood: number; paced: number };
  /** Offered messages that were not in Ouro (the first few), and messages found twice. */
  missing: string[];
  doubled: number;
  dead: number;
  cpuMsPerMessage: number;
  /** CPU of this process per message over the paced rounds (the producer's share included). */
  cpuMsPerPaced: number;
  rss: number;
  heapUsed: number;
  /** RSS once started (nothing relayed yet), and after the flood and a full GC. */
  rssStarted: number;
  rssAfterGc: number;
  heapAfterGc: number;
  /** Paced phase: event-loop delay p99 / max (the worst round's) and time spent in GC, ms. */
  loop: { p99: number; max: number; gcMs: number; gcMaxMs: number };
  external: number;
  arrayBuffers: number;
  ack: { flood: number[]; paced: number[] };
  lat: { flood: number[]; paced: number[] };
  /** The paced latencies of each round, sorted. */
  pacedRounds: number[][];
  /** Paced phase: each stage's durations, sorted; and each stage's mean over the slowest 1%. */
  stages: Record<Stage, number[]>;
  tail: Record<Stage, number>;
  /** Paced phase: GC pauses by kind, and how many of the slowest 1% of messages one fell inside. */
  gcPauses: string;
}

/** A chat platform that exists only to hand messages to the inbox and count what comes back. */
class BenchAdapter implements ChatAdapter {
  readonly platform = 'console' as const;
  inbox?: BridgeInbox;
  posts = 0;
  async start(inbox: BridgeInbox) {
    this.inbox = inbox;
  }
  async stop() {}
  health() {
    return { connected: true };
  }
  async post() {
    return { messageId: `bridge-${++this.posts}` };
  }
  async edit() {}
  async delete() {}
  async reply() {}
}

const tagOf = (job: Job) => {
  const text = (job.payload as { event?: { text?: unknown } } | null)?.event?.text;
  return typeof text === 'string' ? TAG.exec(text)?.[0] : undefined;
};

/** Prints `BARRIER name` and resolves at the parent's go (a line on stdin). */
let lines: AsyncIterator<string> | undefined;
async function barrier(name: string): Promise<void> {
  lines ??= createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  process.stdout.write(`BARRIER ${name}\n`);
  await lines.next();
}

export async function runBridge(args: BridgeArgs): Promise<BridgeResult> {
  const { index, of } = args.replica ?? { index: 0, of: 1 };
  const threads = Array.from({ length: M }, (_, t) => t).filter((t) => t % of === index);
  const dbFile = join(args.dir, 'bench.db');
  const database = args.database ?? `sqlite:${dbFile}`;
  const adapter = new BenchAdapter();
  const config = loadConfig({
    OURO_API_KEY: args.apiKey,
    OURO_BASE_URL: args.url,
    DATABASE_URL: database,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
  });
  const app = await createApp(config, {
    logger: silentLogger,
    adapters: [adapter],
    tuning: { reconcileEveryMs: 0 },
    ...(args.schema ? { storeSchema: args.schema } : {}),
  });
  const origin = new URL(args.url).origin;
  let calls = 0;
  // Paced phase: when each message-create request to a conversation went out. A lane runs
  // one job at a time, so a thread's n-th paced create is its n-th paced message.
  let creates: Map<string, number[]> | undefined;
  subscribe('undici:request:create', (m) => {
    const r = (m as { request: { origin: string; method: string; path: string } }).request;
    if (r.origin !== origin) return;
    calls++;
    const conv = creates && r.method === 'POST' ? /\/conversations\/([^/]+)\/messages/.exec(r.path)?.[1] : undefined;
    if (conv) creates!.get(conv)?.push(wall()) ?? creates!.set(conv, [wall()]);
  });
  let walMaxBytes = 0;
  const walWatch = database.startsWith('sqlite:')
    ? setInterval(() => {
        if (existsSync(`${dbFile}-wal`)) walMaxBytes = Math.max(walMaxBytes, statSync(`${dbFile}-wal`).size);
      }, 50)
    : undefined;
  const stamps = new Map<string, Stamps>();
  const claim = app.store.claimJobs.bind(app.store);
  app.store.claimJobs = async (worker, limit, leaseMs, lanes) => {
    const asked = wall();
    const jobs = await claim(worker, limit, leaseMs, lanes);
    const got = wall();
    for (const job of jobs) {
      const s = stamps.get(tagOf(job) ?? '');
      if (s && s.claimed === undefined) Object.assign(s, { claimAsked: asked, claimed: got });
    }
    return jobs;
  };
  await app.store.upsertChannelLink({ ...CHANNEL, orgId: null, orgName: null, teamId: null, teamName: null, mirrorMode: 'threads', updatedBy: 'bench' });
  await app.start();
  const rssStarted = process.memoryUsage().rss;
  await barrier('ready');
  const inbox = adapter.inbox!;
  const offered = new Map<string, number>();
  const ack = { flood: [] as number[], paced: [] as number[] };
  const send = async (phase: 'flood' | 'paced', t: number, k: number, at: number) => {
    // Message 0 of a thread is its root (top level); the rest are replies in the thread.
    const root = phase === 'flood' && k === 0;
    const ref: ChatRef = root ? { ...CHANNEL } : { ...CHANNEL, thread: `r${t}` };
    const messageId = root ? `r${t}` : `${phase}-t${t}m${k}`;
    const tag = `${phase} t${t} m${k}`;
    offered.set(tag, at);
    const s: Stamps | undefined = phase === 'paced' ? { offered: at, sent: wall() } : undefined;
    if (s) stamps.set(tag, s);
    const a0 = performance.now();
    await inbox.receive({ kind: 'message.posted', key: `bench:${messageId}`, ref, messageId, author: { id: 'U1', name: 'bench' }, text: tag, at });
    ack[phase].push(performance.now() - a0);
    if (s) s.acked = wall();
  };

  const cpu0 = process.cpuUsage();
  const calls0 = calls;
  const t0 = wall();
  await Promise.all(
    threads.map(async (t) => {
      for (let k = 0; k < N / M; k++) await send('flood', t, k, wall());
    }),
  );
  const ackSeconds = (wall() - t0) / 1000;
  await app.bridge.drain(300_000);
  const cpu = process.cpuUsage(cpu0);
  const ouroCalls = calls - calls0;
  const mem = process.memoryUsage();
  (globalThis as { gc?: () => void }).gc?.();
  const afterGc = process.memoryUsage();

  // One monitor per round (one disabled and enabled again counts the pause between); the
  // worst round's p99 and max are reported.
  const delay = { p99: 0, max: 0 };
  const gc = { ms: 0, max: 0 };
  const pauses: GcPause[] = [];
  const gcWatch = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.ms += e.duration;
      gc.max = Math.max(gc.max, e.duration);
      const from = performance.timeOrigin + e.startTime;
      pauses.push({ from, to: from + e.duration, kind: (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0 });
    }
  });
  gcWatch.observe({ entryTypes: ['gc'] });
  await barrier('flooded');
  if (process.env.BENCH_SQL_STATS) {
    process.stderr.write(`SQLite statements, flood:\n${sqlReport()}\n`);
    sqlReset();
  }
  creates = new Map();
  // Round robin over this process's threads, at its share of the offered rate. Before each
  // round the parent runs the raw relay's round while this process idles (mirror.ts).
  const pacedN = (PACED_N * threads.length) / M;
  const perThread = PACED_ROUND_N / M;
  let pacedCpuMs = 0;
  for (let r = 0; r < PACED_ROUNDS; r++) {
    await barrier(`paced-${r}`);
    const roundDelay = monitorEventLoopDelay({ resolution: 1 });
    roundDelay.enable();
    const roundCpu = process.cpuUsage();
    await paced((PACED_ROUND_N * threads.length) / M, (PACED_RATE * threads.length) / M, (i, at) =>
      send('paced', threads[i % threads.length]!, r * perThread + Math.floor(i / threads.length), at),
    );
    roundDelay.disable();
    const used = process.cpuUsage(roundCpu);
    pacedCpuMs += (used.user + used.system) / 1000;
    delay.p99 = Math.max(delay.p99, roundDelay.percentile(99) / 1e6);
    delay.max = Math.max(delay.max, roundDelay.max / 1e6);
    await app.bridge.drain(60_000);
  }
  gcWatch.disconnect();
  clearInterval(walWatch);
  await barrier('paced');

  const lat = { flood: [] as number[], paced: [] as number[] };
  const rounds: number[][] = Array.from({ length: PACED_ROUNDS }, () => []);
  let lastFlood = 0;
  const seen = new Set<string>();
  let doubled = 0;
  const links = await Promise.all(threads.map((t) => app.store.getThreadLink({ ...CHANNEL, thread: `r${t}` })));
  const ouro = createOuroClient({ baseUrl: args.url, apiKey: args.apiKey });
  for (const [i, link] of links.entries()) {
    if (!link) continue;
    const requests = creates.get(link.conversationId) ?? [];
    for (const [k, at] of requests.entries()) {
      const s = stamps.get(`paced t${threads[i]} m${k}`);
      if (s) s.requested = at;
    }
    for (const m of await allMessages(ouro, link.conversationId)) {
      const tag = TAG.exec(m.text);
      const sent = tag ? offered.get(tag[0]) : undefined;
      if (sent === undefined) continue;
      if (seen.has(tag![0])) {
        doubled++;
        continue;
      }
      seen.add(tag![0]);
      const created = micros(m.created_at);
      const phase = tag![1] as 'flood' | 'paced';
      lat[phase].push(created - sent);
      if (phase === 'paced') rounds[Math.floor(Number(tag![3]) / perThread)]?.push(created - sent);
      if (phase === 'flood') lastFlood = Math.max(lastFlood, created);
      const s = stamps.get(tag![0]);
      if (s) s.created = created;
    }
  }
  await ouro.close();
  const checkpoints = checkpointStats()[0];
  if (process.env.BENCH_SQL_STATS) process.stderr.write(`SQLite statements, paced phase:\n${sqlReport()}\n`);
  const counts = await app.store.countJobs();
  await app.stop();
  const { stages, tail, slowest } = stageBreakdown([...stamps.values()]);
  return {
    floodStart: t0,
    floodEnd: lastFlood,
    floodSeconds: (lastFlood - t0) / 1000,
    offered: { flood: (N * threads.length) / M, paced: pacedN },
    ouroCalls,
    ...(walWatch ? { walMaxBytes } : {}),
    ...(checkpoints ? { checkpoints } : {}),
    ackSeconds,
    found: { flood: lat.flood.length, paced: lat.paced.length },
    missing: [...offered.keys()].filter((t) => !seen.has(t)).slice(0, 10),
    doubled,
    dead: counts.dead,
    cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / ((N * threads.length) / M),
    cpuMsPerPaced: pacedCpuMs / pacedN,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    rssStarted,
    rssAfterGc: afterGc.rss,
    heapAfterGc: afterGc.heapUsed,
    loop: { p99: delay.p99, max: delay.max, gcMs: gc.ms, gcMaxMs: gc.max },
    external: mem.external,
    arrayBuffers: mem.arrayBuffers,
    ack: { flood: sorted(ack.flood), paced: sorted(ack.paced) },
    lat: { flood: sorted(lat.flood), paced: sorted(lat.paced) },
    pacedRounds: rounds.map(sorted),
    stages,
    tail,
    gcPauses: gcSummary(pauses, slowest),
  };
}

interface GcPause {
  from: number;
  to: number;
  /** perf_hooks' NODE_PERFORMANCE_GC_*: 1 minor (scavenge), 2 major, 4 incremental, 8 weak callbacks. */
  kind: number;
}

/** GC pauses of the paced phase by kind, and how many of the slowest 1% a pause fell inside. */
function gcSummary(pauses: GcPause[], slowest: Required<Stamps>[]): string {
  const kinds = new Map<number, { n: number; ms: number }>();
  for (const p of pauses) {
    const k = kinds.get(p.kind) ?? { n: 0, ms: 0 };
    k.n++;
    k.ms += p.to - p.from;
    kinds.set(p.kind, k);
  }
  const hit = slowest.filter((s) => pauses.some((p) => p.to > s.offered && p.from < s.created)).length;
  const names: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak callbacks' };
  const byKind = [...kinds].map(([k, v]) => `${v.n} ${names[k] ?? `kind ${k}`} (${v.ms.toFixed(1)} ms)`).join(', ');
  return `${byKind || 'none'}; a pause fell inside ${hit} of the ${slowest.length} slowest messages`;
}

/**
 * late: scheduled → handed to the inbox (this process's event loop was busy); ack: the
 * inbox's commit; wake: acked → the claim that took it began; claim: that query;
 * prepare: claimed → its create request made (handler reads, conversion, the client);
 * ouro: → the Ouro message's created_at (HTTP and the sandbox).
 */
function stageBreakdown(all: Stamps[]) {
  const full = all.filter((s): s is Required<Stamps> => Object.values(s).every((v) => v !== undefined) && Object.keys(s).length === 7);
  const split = (s: Required<Stamps>): Record<Stage, number> => ({
    late: s.sent - s.offered,
    ack: s.acked - s.sent,
    wake: Math.max(0, s.claimAsked - s.acked),
    claim: s.claimed - s.claimAsked,
    prepare: s.requested - s.claimed,
    ouro: s.created - s.requested,
  });
  const parts = full.map(split);
  const stages = Object.fromEntries(STAGES.map((k) => [k, sorted(parts.map((p) => p[k]))])) as Record<Stage, number[]>;
  const byTotal = full.map((s, i) => ({ s, total: s.created - s.offered, p: parts[i]! })).sort((a, b) => b.total - a.total);
  const slow = byTotal.slice(0, Math.max(1, Math.ceil(byTotal.length / 100)));
  const tail = Object.fromEntries(STAGES.map((k) => [k, slow.reduce((a, x) => a + x.p[k], 0) / slow.length])) as Record<Stage, number>;
  // BENCH_TAIL=1: each of the slowest messages, by when it was offered (ms, wall clock mod 100 s).
  if (process.env.BENCH_TAIL) {
    for (const x of slow) {
      const parts = STAGES.map((k) => `${k} ${x.p[k].toFixed(2)}`).join(' ');
      process.stderr.write(`TAIL at ${(x.s.offered % 100_000).toFixed(1)} total ${x.total.toFixed(2)} ${parts}\n`);
    }
  }
  return { stages, tail, slowest: slow.map((x) => x.s) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.env.BENCH_SQL_STATS) timeSqlStatements();
  // BENCH_CHECKPOINT=main: SQLite's own auto-checkpoint in the committing thread (A/B).
  if (process.env.BENCH_CHECKPOINT === 'main') CHECKPOINT_DEFAULTS.enabled = false;
  // BENCH_CHECKPOINT_MS=n: the thread's interval between PASSIVE checkpoints.
  if (process.env.BENCH_CHECKPOINT_MS) CHECKPOINT_DEFAULTS.intervalMs = Number(process.env.BENCH_CHECKPOINT_MS);
  // BENCH_CHECKPOINT_MB=n: the WAL size at which the thread forces a RESTART.
  if (process.env.BENCH_CHECKPOINT_MB) CHECKPOINT_DEFAULTS.restartAboveBytes = Number(process.env.BENCH_CHECKPOINT_MB) * 1024 * 1024;
  const result = await runBridge(JSON.parse(process.argv[2] ?? '{}') as BridgeArgs);
  // Exit only once the line is flushed: a pipe write is asynchronous.
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}
