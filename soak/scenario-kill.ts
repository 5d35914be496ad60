/**
 * Scenario 1: kill -9 of the bridge process at random points of a burst, restarted after
 * each kill, on one SQLite store. The kill points are drawn at random: the first half while
 * the burst is still being acknowledged (by acked count), the rest while it is being relayed
 * (by what Ouro holds), so some kills land on the ack path and some mid-relay.
 */
import { crashNote, spawnBridge, type BridgeChild } from './children.ts';
import { checkOuro, counts, countInOuro, faultNote, QUIET_MS, uniform, waitForOuro } from './ouro-check.ts';
import type { Rng } from './rng.ts';
import { burst, deliver, newStats } from './slack-events.ts';
import { verdictOf, type Row } from './table.ts';
import { startWorld } from './world.ts';

export interface KillOptions {
  threads: number;
  perThread: number;
  kills: number;
  /** Whole-scenario bound. */
  budgetMs: number;
}

interface KillPoint {
  on: 'acked' | 'relayed';
  at: number;
}

export async function killScenario(o: KillOptions, rng: Rng): Promise<Row> {
  const started = Date.now();
  const deadline = started + o.budgetMs;
  const n = o.threads * o.perThread;
  const world = await startWorld();
  let current: BridgeChild | undefined;
  const all: BridgeChild[] = [];
  const points: KillPoint[] = Array.from({ length: o.kills }, (_, i) => ({
    on: i < Math.ceil(o.kills / 2) ? ('acked' as const) : ('relayed' as const),
    at: Math.floor(n * (0.05 + 0.8 * rng())),
  })).sort((a, b) => (a.on === b.on ? a.at - b.at : a.on === 'acked' ? -1 : 1));
  const landed: string[] = [];
  const stats = newStats();
  let crashes = 0;
  try {
    const start = async () => {
      const c = await spawnBridge(`bridge-${all.length + 1}`, { env: world.env });
      all.push(c);
      return c;
    };
    current = await start();
    let producing = true;
    const killer = (async () => {
      for (const p of points) {
        for (;;) {
          const value = p.on === 'acked' ? stats.acked : countInOuro(world.sandbox);
          if (value >= p.at) break;
          // A relay-point beyond what is left to relay (everything acked and relayed) cannot come.
          if (!producing && countInOuro(world.sandbox) >= n) return;
          if (Date.now() > deadline) return;
          await new Promise((r) => setTimeout(r, 10));
        }
        const victim = current!;
        current = undefined;
        landed.push(`${p.on} ${p.on === 'acked' ? stats.acked : countInOuro(world.sandbox)}`);
        await victim.kill9();
        current = await start();
      }
    })();
    await burst(o.threads, o.perThread, (m) => deliver(m, () => current?.url, stats, deadline));
    producing = false;
    await killer;
    const complete = await waitForOuro(world.sandbox, n, deadline, QUIET_MS);
    // Let anything still in flight land, so a late double would show.
    await new Promise((r) => setTimeout(r, 1500));
    const check = await checkOuro(world.sandbox, uniform(o.threads, o.perThread));
    crashes = all.filter((c) => c.crashed()).length;
    const stopCode = await current?.stop();
    if (stopCode !== 0 && stopCode !== undefined) crashes++;
    const jobs = await world.countJobs();
    const row: Omit<Row, 'verdict'> = {
      scenario: '1 kill -9 × restart',
      tried: `${n} msgs / ${o.threads} threads, ${landed.length} kills`,
      ...counts(check),
      dead: jobs.dead,
      crashes,
      seconds: (Date.now() - started) / 1000,
      note:
        `SQLite; kills at ${landed.join(', ') || 'none'}; ${stats.posts} POSTs for ${n} events (${stats.retried} redelivered, ${stats.refused} refused, ${n - stats.acked} never acked); ` +
        `left pending ${jobs.pending + jobs.running}` +
        faultNote(check) +
        (complete ? '' : `; stopped waiting once Ouro got nothing new for ${QUIET_MS / 1000} s`) +
        crashNote(all) +
        (Date.now() > deadline ? '; BUDGET EXCEEDED' : ''),
    };
    return {
      ...row,
      verdict: verdictOf(row, landed.length === o.kills && check.split === 0 && stats.refused === 0 && stats.acked === n && jobs.pending + jobs.running === 0),
    };
  } finally {
    for (const c of all) await c.kill9();
    await world.close();
  }
}
