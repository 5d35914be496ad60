import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreTarget } from '../src/config.ts';
import { openStore } from '../src/store/index.ts';
import type { Store } from '../src/store/types.ts';

/**
 * Job queue throughput: enqueue + claim + complete, the path every relayed message takes.
 * 20,000 jobs over 50 lanes (a busy workspace's threads); enqueues and completions are
 * issued 50 at a time, as the ack path and a worker pool do; each claim asks for 50 jobs
 * (one per lane). Target: ≥ 5,000 jobs/s on SQLite.
 */

const JOBS = 20_000;
const LANES = 50;
const BATCH = 50;
/** Fallback when TEST_DATABASE_URL is unset: the local test cluster of this project. */
const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchResult {
  name: string;
  value: string;
  note?: string;
}

interface Run {
  enqueueMs: number;
  drainMs: number;
  claims: number;
  /** CPU time of this process (user + system): on a shared, loaded machine wall time
   * mostly measures the neighbours; CPU time is what the store itself costs. */
  cpuMs: number;
}

async function run(store: Store): Promise<Run> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < JOBS; i += BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(BATCH, JOBS - i) }, (_, k) => {
        const n = i + k;
        return store.enqueue({
          lane: `slack:T1:C1:${n % LANES}`,
          kind: 'relay',
          payload: { n, text: 'hello from the bench' },
          idempotencyKey: `bench-${n}`,
        });
      }),
    );
  }
  const t1 = performance.now();
  let done = 0;
  let claims = 0;
  while (done < JOBS) {
    const jobs = await store.claimJobs('bench', BATCH, 60_000);
    claims++;
    if (jobs.length === 0) throw new Error(`bench: queue ran dry after ${done} of ${JOBS} jobs`);
    await Promise.all(jobs.map((j) => store.completeJob(j.id, 'bench')));
    done += jobs.length;
  }
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const counts = await store.countJobs();
  if (counts.done !== JOBS) throw new Error(`bench: expected ${JOBS} done jobs, got ${JSON.stringify(counts)}`);
  return { enqueueMs: t1 - t0, drainMs: t2 - t1, claims, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function report(engine: string, r: Run, cpuNote: string): BenchResult[] {
  const perSec = (ms: number) => Math.round((JOBS / ms) * 1000).toLocaleString('en-US');
  return [
    {
      name: `store ${engine}: enqueue+claim+complete`,
      value: `${perSec(r.enqueueMs + r.drainMs)} jobs/s`,
      note: `${JOBS} jobs, ${LANES} lanes, ${Math.round(r.enqueueMs + r.drainMs)} ms`,
    },
    {
      name: `store ${engine}: enqueue+claim+complete per CPU-second`,
      value: `${perSec(r.cpuMs)} jobs/s`,
      note: `${Math.round(r.cpuMs)} ms CPU of the bench process; ${cpuNote}`,
    },
    { name: `store ${engine}: enqueue`, value: `${perSec(r.enqueueMs)} jobs/s` },
    { name: `store ${engine}: claim+complete`, value: `${perSec(r.drainMs)} jobs/s`, note: `${r.claims} claims of ≤ ${BATCH}` },
  ];
}

async function benchSqlite(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-bench-'));
  const target: StoreTarget = { engine: 'sqlite', path: join(dir, 'bench.db') };
  const store = await openStore(target);
  try {
    return report('SQLite (file, WAL, synchronous=NORMAL)', await run(store), 'SQLite runs in-process, so this is all of it');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(url: string): Promise<BenchResult[]> {
  const schema = `bench_store_${randomBytes(6).toString('hex')}`;
  const store = await openStore({ engine: 'postgres', url }, { schema });
  try {
    return report('PostgreSQL', await run(store), "the server's own CPU is not counted");
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
}

export async function benchStore(): Promise<BenchResult[]> {
  const results = await benchSqlite();
  const url = process.env.TEST_DATABASE_URL ?? DEFAULT_PG_URL;
  try {
    results.push(...(await benchPostgres(url)));
  } catch (err) {
    results.push({ name: 'store PostgreSQL', value: 'skipped', note: (err as Error).message });
  }
  return results;
}
