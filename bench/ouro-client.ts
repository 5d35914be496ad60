/**
 * Overhead of the Ouro client over a bare undici loop: N authenticated `GET /user` calls
 * against a local sandbox, through `client.auth.whoami()` and through `undici.request`
 * with the same headers, at the same concurrency, each over its own keep-alive pool.
 * The client adds token checks, a per-call timeout, envelope unwrapping and validation;
 * the target is a client/raw time ratio of at most 1.2.
 * Run alone: `npx tsx bench/ouro-client.ts`.
 */
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { createOuroClient } from '../src/ouro/index.ts';
import { startSandbox } from '../src/sandbox/index.ts';

export interface Row {
  name: string;
  value: string;
  note?: string;
}

/** Calls per variant; enough for a stable p99 (20 samples above it) in a few seconds. */
const N = 2_000;
const CONCURRENCY = 16;
/** Calls before measuring: JIT, connection pool and token exchange settle first. */
const WARMUP = 200;

/** Interleaved rounds, so load drift on a shared machine hits both variants alike. */
const ROUNDS = 10;

interface Run {
  ms: number;
  /** Process CPU (user + system) spent, in µs; the sandbox shares the process, equally for both variants. */
  cpuUs: number;
  latencies: number[];
}

async function runLoop(n: number, call: () => Promise<unknown>): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    while (next < n) {
      next++;
      const s = performance.now();
      await call();
      latencies.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuUs: cpu.user + cpu.system, latencies };
}

function merge(runs: Run[]): Run {
  return {
    ms: runs.reduce((n, r) => n + r.ms, 0),
    cpuUs: runs.reduce((n, r) => n + r.cpuUs, 0),
    latencies: runs.flatMap((r) => r.latencies).sort((a, b) => a - b),
  };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

export async function benchOuroClient(): Promise<Row[]> {
  const sandbox = await startSandbox({ seed: 'none' });
  const client = createOuroClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey });
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  try {
    const token = await client.auth.token();
    const headers = { accept: 'application/json', authorization: token, 'user-agent': 'ouro-bridge/bench', 'x-ouro-client': 'ouro-bridge/bench' };
    const raw = async () => {
      const res = await request(`${sandbox.url}/user`, { method: 'GET', headers, dispatcher: agent });
      const body = (await res.body.json()) as { data?: { id?: string } };
      if (res.statusCode !== 200 || !body.data?.id) throw new Error(`raw call failed: ${res.statusCode}`);
    };
    const viaClient = () => client.auth.whoami();

    await runLoop(WARMUP, raw);
    await runLoop(WARMUP, viaClient);
    const raws: Run[] = [];
    const viaClients: Run[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      raws.push(await runLoop(N / ROUNDS, raw));
      viaClients.push(await runLoop(N / ROUNDS, viaClient));
    }
    const r = merge(raws);
    const c = merge(viaClients);
    const rate = (x: Run) => (N / x.ms) * 1000;
    const ratio = c.ms / r.ms;
    const cpuPerCall = (x: Run) => x.cpuUs / N;
    return [
      { name: 'ouro client: GET /user calls/s', value: rate(c).toFixed(0), note: `N=${N}, concurrency ${CONCURRENCY}, loopback sandbox` },
      { name: 'ouro client: p50 / p99', value: `${fmt(pct(c.latencies, 50))} / ${fmt(pct(c.latencies, 99))}` },
      { name: 'bare undici: GET /user calls/s', value: rate(r).toFixed(0), note: 'same headers, own keep-alive Agent' },
      { name: 'bare undici: p50 / p99', value: `${fmt(pct(r.latencies, 50))} / ${fmt(pct(r.latencies, 99))}` },
      { name: 'ouro client / bare undici time', value: ratio.toFixed(2), note: ratio <= 1.2 ? 'within the 1.2 target' : 'ABOVE the 1.2 target' },
      {
        name: 'CPU per call: client / bare',
        value: `${cpuPerCall(c).toFixed(0)} µs / ${cpuPerCall(r).toFixed(0)} µs`,
        note: `ratio ${(c.cpuUs / r.cpuUs).toFixed(2)}; includes the in-process sandbox's share, equal for both`,
      },
    ];
  } finally {
    await client.close();
    await agent.close();
    await sandbox.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await benchOuroClient()) console.log(`${row.name.padEnd(36)} ${row.value.padEnd(22)} ${row.note ?? ''}`);
}
