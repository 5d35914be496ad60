/**
 * The bridge side of the mirror benchmark, run in a process of its own (see mirror.ts) so
 * its RSS counts the bridge alone: not the raw relay's heap and connection pool, not the
 * sandbox. Run as a script it reads `{ url, apiKey, dir }` from argv[2] and prints one JSON
 * line (`BridgeResult`) on stdout.
 *
 * Stage timestamps for the paced phase are taken by wrapping the store's queue methods on
 * the app's store object here, in the bench: production code carries no timing hooks.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createApp } from '../src/app.ts';
import type { BridgeInbox, ChatAdapter, ChatRef } from '../src/bridge/types.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { createOuroClient } from '../src/ouro/index.ts';
import type { Job } from '../src/store/types.ts';
import { allMessages, M, micros, N, paced, PACED_N, PACED_RATE, sorted, wall } from './mirror-common.ts';

const CHANNEL = { platform: 'console' as const, workspace: 'local', channel: 'bench' };
const TAG = /(flood|paced) t(\d+) m(\d+)/;

/** Per paced message, wall-clock ms: offered (scheduled) → sent → acked → claim asked → claimed → created. */
interface Stamps {
  offered: number;
  sent?: number;
  acked?: number;
  claimAsked?: number;
  claimed?: number;
  created?: number;
}
export const STAGES = ['late', 'ack', 'wake', 'claim', 'ouro'] as const;
export type Stage = (typeof STAGES)[number];

export interface BridgeResult {
  floodSeconds: number;
  ackSeconds: number;
  found: { flood: number; paced: number };
  dead: number;
  cpuMsPerMessage: number;
  rss: number;
  heapUsed: number;
  /** RSS once started (nothing relayed yet), and after the flood and a full GC. */
  rssStarted: number;
  rssAfterGc: number;
  heapAfterGc: number;
  /** Paced phase: event-loop delay p99 / max and time spent in GC, ms. */
  loop: { p99: number; max: number; gcMs: number; gcMaxMs: number };
  external: number;
  arrayBuffers: number;
  ack: { flood: number[]; paced: number[] };
  lat: { flood: number[]; paced: number[] };
  /** Paced phase: each stage's durations, sorted; and each stage's mean over the slowest 1%. */
  stages: Record<Stage, number[]>;
  tail: Record<Stage, number>;
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

export async function runBridge(sandbox: { url: string; apiKey: string }, dir: string): Promise<BridgeResult> {
  const adapter = new BenchAdapter();
  const config = loadConfig({
    OURO_API_KEY: sandbox.apiKey,
    OURO_BASE_URL: sandbox.url,
    DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
  });
  const app = await createApp(config, { logger: silentLogger, adapters: [adapter], tuning: { reconcileEveryMs: 0 } });
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
  const t0 = wall();
  await Promise.all(
    Array.from({ length: M }, async (_, t) => {
      for (let k = 0; k < N / M; k++) await send('flood', t, k, wall());
    }),
  );
  const ackSeconds = (wall() - t0) / 1000;
  await app.bridge.drain(300_000);
  const cpu = process.cpuUsage(cpu0);
  const mem = process.memoryUsage();
  (globalThis as { gc?: () => void }).gc?.();
  const afterGc = process.memoryUsage();

  const delay = monitorEventLoopDelay({ resolution: 1 });
  const gc = { ms: 0, max: 0 };
  const gcWatch = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.ms += e.duration;
      gc.max = Math.max(gc.max, e.duration);
    }
  });
  gcWatch.observe({ entryTypes: ['gc'] });
  delay.enable();
  await paced(PACED_N, PACED_RATE, (i, at) => send('paced', i % M, Math.floor(i / M), at));
  delay.disable();
  gcWatch.disconnect();
  await app.bridge.drain(60_000);

  const lat = { flood: [] as number[], paced: [] as number[] };
  let lastFlood = 0;
  const links = await Promise.all(Array.from({ length: M }, (_, t) => app.store.getThreadLink({ ...CHANNEL, thread: `r${t}` })));
  const ouro = createOuroClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey });
  for (const link of links) {
    if (!link) continue;
    for (const m of await allMessages(ouro, link.conversationId)) {
      const tag = TAG.exec(m.text);
      const sent = tag ? offered.get(tag[0]) : undefined;
      if (sent === undefined) continue;
      const created = micros(m.created_at);
      const phase = tag![1] as 'flood' | 'paced';
      lat[phase].push(created - sent);
      if (phase === 'flood') lastFlood = Math.max(lastFlood, created);
      const s = stamps.get(tag![0]);
      if (s) s.created = created;
    }
  }
  await ouro.close();
  const counts = await app.store.countJobs();
  await app.stop();
  const { stages, tail } = stageBreakdown([...stamps.values()]);
  return {
    floodSeconds: (lastFlood - t0) / 1000,
    ackSeconds,
    found: { flood: lat.flood.length, paced: lat.paced.length },
    dead: counts.dead,
    cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / N,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    rssStarted,
    rssAfterGc: afterGc.rss,
    heapAfterGc: afterGc.heapUsed,
    loop: { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6, gcMs: gc.ms, gcMaxMs: gc.max },
    external: mem.external,
    arrayBuffers: mem.arrayBuffers,
    ack: { flood: sorted(ack.flood), paced: sorted(ack.paced) },
    lat: { flood: sorted(lat.flood), paced: sorted(lat.paced) },
    stages,
    tail,
  };
}

/**
 * late: scheduled → handed to the inbox (this process's event loop was busy); ack: the
 * inbox's commit; wake: acked → the claim that took it began; claim: that query;
 * ouro: claimed → the Ouro message's created_at (handler reads, HTTP, the sandbox).
 */
function stageBreakdown(all: Stamps[]) {
  const full = all.filter((s): s is Required<Stamps> => Object.values(s).every((v) => v !== undefined) && Object.keys(s).length === 6);
  const split = (s: Required<Stamps>): Record<Stage, number> => ({
    late: s.sent - s.offered,
    ack: s.acked - s.sent,
    wake: s.claimAsked - s.acked,
    claim: s.claimed - s.claimAsked,
    ouro: s.created - s.claimed,
  });
  const parts = full.map(split);
  const stages = Object.fromEntries(STAGES.map((k) => [k, sorted(parts.map((p) => p[k]))])) as Record<Stage, number[]>;
  const byTotal = full.map((s, i) => ({ total: s.created - s.offered, p: parts[i]! })).sort((a, b) => b.total - a.total);
  const slow = byTotal.slice(0, Math.max(1, Math.ceil(byTotal.length / 100)));
  const tail = Object.fromEntries(STAGES.map((k) => [k, slow.reduce((a, x) => a + x.p[k], 0) / slow.length])) as Record<Stage, number>;
  return { stages, tail };
}

/** Runs `runBridge` in a child process and returns its result. */
export function bridgeProcess(sandbox: { url: string; apiKey: string }, dir: string): Promise<BridgeResult> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', self, JSON.stringify({ ...sandbox, dir })], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) return reject(new Error(`bridge bench process exited with ${code}: ${out.slice(-500)}`));
      try {
        resolve(JSON.parse(last) as BridgeResult);
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = JSON.parse(process.argv[2] ?? '{}') as { url: string; apiKey: string; dir: string };
  const result = await runBridge(args, args.dir);
  // Exit only once the line is flushed: a pipe write is asynchronous.
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}
