/**
 * Scenario 3: Ouro unreachable, then rate limiting. One bridge with the production retry
 * policy (DEFAULT_RETRY). Some threads get a few messages through first; then, for
 * `downMs`, the sandbox drops every connection (first half) and answers 500 to everything
 * (second half) while chat keeps talking (old threads continue, new threads start); then
 * for `stormMs` it answers 429 to everything, with `Retry-After: 1` and then `3`, while
 * more messages arrive, also in "idle" threads that were quiet during the outage (their
 * lanes have no backoff pending, so they meet the 429s head on). Afterwards everything
 * must be in Ouro, once, in order, with no job dead.
 *
 * Retry-After is judged from the sandbox's request log (see retry-after.ts).
 */
import { DEFAULT_RETRY } from '../src/bridge/index.ts';
import { crashNote, spawnBridge, type BridgeChild } from './children.ts';
import { checkOuro, counts, countInOuro, faultNote, uniform, waitForOuro } from './ouro-check.ts';
import { clientWide, retryAfterViolations, SHARED_PATHS, type Window } from './retry-after.ts';
import { deliver, newStats, type DeliveryStats } from './slack-events.ts';
import { verdictOf, type Row } from './table.ts';
import { startWorld } from './world.ts';

export interface OutageOptions {
  threads: number;
  downMs: number;
  stormMs: number;
  budgetMs: number;
}

const PRE = 3;
const DURING = 8;
const STORM = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends messages `from`..`to - 1` of every thread in `threads`, spread evenly over `spanMs`. */
async function spread(
  threads: number[],
  from: (t: number) => number,
  to: number,
  spanMs: number,
  send: (t: number, k: number) => Promise<boolean>,
): Promise<number> {
  let failed = 0;
  await Promise.all(
    threads.map(async (t) => {
      const first = from(t);
      const gap = spanMs / Math.max(1, to - first);
      for (let k = first; k < to; k++) {
        const at = Date.now();
        if (!(await send(t, k))) failed++;
        await sleep(Math.max(0, gap - (Date.now() - at)));
      }
    }),
  );
  return failed;
}

export async function outageScenario(o: OutageOptions): Promise<Row> {
  const started = Date.now();
  const deadline = started + o.budgetMs;
  const perThread = PRE + DURING + STORM;
  const world = await startWorld();
  const { sandbox } = world;
  let bridge: BridgeChild | undefined;
  try {
    bridge = await spawnBridge('bridge', { env: world.env });
    const url = bridge.url;
    const stats: DeliveryStats = newStats();
    const send = (t: number, k: number) => deliver({ t, k }, () => url, stats, deadline);
    const all = Array.from({ length: o.threads }, (_, t) => t);
    const old = all.filter((t) => t < o.threads / 2);

    // Idle threads: mirrored before the outage, silent during it, so their lanes meet the storm
    // fresh (no backoff pending) and show how a first 429 is answered.
    const idle = Array.from({ length: Math.ceil(o.threads / 2) }, (_, i) => o.threads + i);
    await spread([...old, ...idle], () => 0, PRE, 0, send);
    await waitForOuro(sandbox, (old.length + idle.length) * PRE, deadline);

    // The outage: connections dropped for the first half, then 500 for everything.
    const downAt = Date.now();
    const before = countInOuro(sandbox);
    const requestsBefore = sandbox.requests.length;
    sandbox.faults.add({ route: /./, mode: 'drop', forMs: o.downMs / 2 });
    sandbox.faults.add({ route: /./, mode: '500', forMs: o.downMs });
    const ackedBefore = stats.acked;
    const lostAcks = await spread(all, (t) => (t < o.threads / 2 ? PRE : 0), PRE + DURING, o.downMs / 2, send);
    const ackedDuringOutage = stats.acked - ackedBefore;
    await sleep(downAt + o.downMs - Date.now());
    const refusedDuringOutage = sandbox.requests.length - requestsBefore;
    const leakedDuringOutage = countInOuro(sandbox) - before;

    // The storm: 429 for everything, Retry-After 1 s, then 3 s.
    sandbox.faults.clear();
    const stormAt = Date.now();
    const windows: Window[] = [
      { from: stormAt, to: stormAt + o.stormMs / 2, retryAfterMs: 1000 },
      { from: stormAt + o.stormMs / 2, to: stormAt + o.stormMs, retryAfterMs: 3000 },
    ];
    sandbox.faults.add({ route: /./, mode: '429', retryAfterSeconds: 1, forMs: o.stormMs / 2 });
    sandbox.faults.add({ route: /./, mode: '429', retryAfterSeconds: 3, forMs: o.stormMs });
    const stormRequestsFrom = sandbox.requests.length;
    await Promise.all([spread(all, () => PRE + DURING, perThread, o.stormMs * 0.8, send), spread(idle, () => PRE, PRE + STORM, o.stormMs * 0.8, send)]);
    await sleep(stormAt + o.stormMs - Date.now());
    const stormRequests = sandbox.requests.length - stormRequestsFrom;
    const recoverAt = Date.now();

    const expected = new Map([...uniform(o.threads, perThread), ...idle.map((t) => [t, PRE + STORM] as const)]);
    // Quiet for longer than the retry policy's longest wait (60 s) means lost, not late.
    await waitForOuro(sandbox, o.threads * perThread + idle.length * (PRE + STORM), deadline, DEFAULT_RETRY.maxMs + 15_000);
    const recoveredIn = (Date.now() - recoverAt) / 1000;
    await sleep(1500);
    const check = await checkOuro(sandbox, expected);
    const ra = retryAfterViolations(sandbox.requests, windows);
    const shared = retryAfterViolations(sandbox.requests, windows, SHARED_PATHS);
    const wide = clientWide(sandbox.requests, windows);
    let crashes = bridge.crashed() ? 1 : 0;
    const code = await bridge.stop();
    if (code !== 0) crashes++;
    const jobs = await world.countJobs();
    const extraOk =
      ra.violations === 0 &&
      ra.checked > 0 &&
      lostAcks === 0 &&
      leakedDuringOutage === 0 &&
      stats.refused === 0 &&
      check.split === 0 &&
      jobs.pending + jobs.running === 0;
    const row: Omit<Row, 'verdict'> = {
      scenario: '3 Ouro down, then 429s',
      tried: `${o.downMs / 1000} s down + ${o.stormMs / 1000} s of 429, ${o.threads + idle.length} threads`,
      ...counts(check),
      dead: jobs.dead,
      crashes,
      seconds: (Date.now() - started) / 1000,
      note:
        `DEFAULT_RETRY ${JSON.stringify(DEFAULT_RETRY)}; ${ackedDuringOutage} msgs acked during the outage (${lostAcks} not), ` +
        `Ouro refused ${refusedDuringOutage} requests then (${leakedDuringOutage} got through); ${stormRequests} requests 429'd in the storm; ` +
        `Retry-After per retry (a message create's next try): ${ra.violations} early of ${ra.checked} (closest ${Number.isFinite(ra.minSlackMs) ? `${ra.minSlackMs >= 0 ? '+' : ''}${ra.minSlackMs} ms` : 'n/a'}${ra.samples.length ? `: ${ra.samples.join('; ')}` : ''}); ` +
        `per path shared by two lanes (conversation reads): ${shared.violations} early of ${shared.checked}; ` +
        `client-wide: ${wide.inside} of ${wide.requests} storm requests were sent inside a Retry-After given earlier to another request (not judged: this count dates each 429 at its request's send time, so calls sent together before the first 429 came back are counted; the client pauses every call once a 429 arrives); ` +
        `all delivered ${recoveredIn.toFixed(1)} s after the storm; left pending ${jobs.pending + jobs.running}` +
        faultNote(check) +
        crashNote([bridge]) +
        (Date.now() > deadline ? '; BUDGET EXCEEDED' : ''),
    };
    return { ...row, verdict: verdictOf(row, extraOk) };
  } finally {
    await bridge?.kill9();
    await world.close();
  }
}
