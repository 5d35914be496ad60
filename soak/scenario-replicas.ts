/**
 * Scenario 2: two bridge replicas on one PostgreSQL schema. The burst is split across both
 * (consecutive messages of a thread go to alternate replicas, as a load balancer would send
 * them), one replica is killed -9 at a random point and not restarted; its events are then
 * redelivered to the survivor, which also takes over its leased jobs once the leases lapse.
 */
import { crashNote, spawnBridge, type BridgeChild } from './children.ts';
import { checkOuro, counts, countInOuro, faultNote, QUIET_MS, uniform, waitForOuro } from './ouro-check.ts';
import type { Rng } from './rng.ts';
import { burst, deliver, newStats } from './slack-events.ts';
import { checkRow, verdictOf, type Row } from './table.ts';
import { startWorld } from './world.ts';

export interface ReplicaOptions {
  threads: number;
  perThread: number;
  budgetMs: number;
}

const NAME = '2 two replicas, one killed';

export async function replicasScenario(o: ReplicaOptions, rng: Rng, postgresUrl: string | undefined): Promise<Row> {
  const n = o.threads * o.perThread;
  if (!postgresUrl) {
    return checkRow({
      scenario: NAME,
      tried: 'skipped',
      seconds: 0,
      verdict: 'skip',
      note: 'SKIPPED: needs PostgreSQL; set TEST_DATABASE_URL (or DATABASE_URL=postgres://…)',
    });
  }
  const started = Date.now();
  const deadline = started + o.budgetMs;
  const world = await startWorld({ postgresUrl });
  const all: BridgeChild[] = [];
  try {
    const [a, b] = await Promise.all([
      spawnBridge('replica-a', { env: world.env, storeSchema: world.schema }),
      spawnBridge('replica-b', { env: world.env, storeSchema: world.schema }),
    ]);
    all.push(a, b);
    const up = new Set<BridgeChild>([a, b]);
    const stats = newStats();
    // The victim dies after a random share of the burst was acknowledged (between 20 % and 70 %).
    const killAt = Math.floor(n * (0.2 + 0.5 * rng()));
    const victim = rng() < 0.5 ? a : b;
    let landed = '';
    const killer = (async () => {
      while (stats.acked < killAt && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      up.delete(victim);
      landed = `${victim.name} at ${stats.acked} acked / ${countInOuro(world.sandbox)} in Ouro`;
      await victim.kill9();
    })();
    await burst(o.threads, o.perThread, (m) =>
      deliver(
        m,
        (attempt) => {
          const live = [...up];
          return live.length ? live[(m.t + m.k + attempt) % live.length]!.url : undefined;
        },
        stats,
        deadline,
      ),
    );
    await killer;
    const complete = await waitForOuro(world.sandbox, n, deadline, QUIET_MS);
    await new Promise((r) => setTimeout(r, 1500));
    const check = await checkOuro(world.sandbox, uniform(o.threads, o.perThread));
    let crashes = all.filter((c) => c.crashed()).length;
    const survivor = victim === a ? b : a;
    const code = await survivor.stop();
    if (code !== 0) crashes++;
    const jobs = await world.countJobs();
    const row: Omit<Row, 'verdict'> = {
      scenario: NAME,
      tried: `${n} msgs / ${o.threads} threads over 2 replicas`,
      ...counts(check),
      dead: jobs.dead,
      crashes,
      seconds: (Date.now() - started) / 1000,
      note:
        `PostgreSQL; killed ${landed || 'nobody (budget ran out first)'}, not restarted; ${stats.posts} POSTs (${stats.retried} redelivered, ${stats.refused} refused, ${n - stats.acked} never acked); ` +
        `left pending ${jobs.pending + jobs.running}` +
        faultNote(check) +
        (complete ? '' : `; stopped waiting once Ouro got nothing new for ${QUIET_MS / 1000} s`) +
        crashNote(all) +
        (Date.now() > deadline ? '; BUDGET EXCEEDED' : ''),
    };
    return {
      ...row,
      verdict: verdictOf(row, landed !== '' && check.split === 0 && stats.refused === 0 && stats.acked === n && jobs.pending + jobs.running === 0),
    };
  } finally {
    for (const c of all) await c.kill9();
    await world.close();
  }
}
