/**
 * Scenario 4: Slack redelivers every event. One bridge in Slack HTTP mode (bolt's receiver,
 * signature checked); every message event is POSTed three times with the same `event_id`,
 * the copies carrying `X-Slack-Retry-Num` 1 and 2 and a retry reason. A third of the events
 * get their copies one after another, a third the original and first retry at the same
 * time, a third all three at once (a retry racing the original, as when Slack's 3 s timer
 * fires while the bridge is still answering). Each message must reach Ouro exactly once.
 */
import { crashNote, spawnBridge, type BridgeChild } from './children.ts';
import { checkOuro, counts, faultNote, QUIET_MS, uniform, waitForOuro } from './ouro-check.ts';
import { burst, eventBody, postEvent, type Msg, type RetryReason } from './slack-events.ts';
import { verdictOf, type Row } from './table.ts';
import { startWorld } from './world.ts';

export interface RetriesOptions {
  threads: number;
  perThread: number;
  budgetMs: number;
}

const REASONS: RetryReason[] = ['http_timeout', 'http_error', 'too_many_redirects'];

export async function slackRetriesScenario(o: RetriesOptions): Promise<Row> {
  const started = Date.now();
  const deadline = started + o.budgetMs;
  const n = o.threads * o.perThread;
  const world = await startWorld();
  let bridge: BridgeChild | undefined;
  try {
    bridge = await spawnBridge('bridge', { env: world.env });
    const url = bridge.url;
    const statuses = new Map<number, number>();
    let posts = 0;
    let unacked = 0;
    /** One copy; a copy that got no 200 is sent again (as Slack would), up to the deadline. */
    const copy = async (m: Msg, num: number) => {
      const body = eventBody(m);
      for (let again = 0; Date.now() < deadline; again++) {
        posts++;
        const status = await postEvent(url, body, num > 0 ? { num, reason: REASONS[(m.t + m.k + num) % REASONS.length]! } : undefined);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 200) return;
        await new Promise((r) => setTimeout(r, 50 * (again + 1)));
      }
      unacked++;
    };
    await burst(o.threads, o.perThread, async (m) => {
      const style = (m.t * o.perThread + m.k) % 3;
      if (style === 0) {
        for (const num of [0, 1, 2]) await copy(m, num);
      } else if (style === 1) {
        await Promise.all([copy(m, 0), copy(m, 1)]);
        await copy(m, 2);
      } else {
        await Promise.all([copy(m, 0), copy(m, 1), copy(m, 2)]);
      }
    });
    const complete = await waitForOuro(world.sandbox, n, deadline, QUIET_MS);
    await new Promise((r) => setTimeout(r, 1500));
    const check = await checkOuro(world.sandbox, uniform(o.threads, o.perThread));
    let crashes = bridge.crashed() ? 1 : 0;
    const code = await bridge.stop();
    if (code !== 0) crashes++;
    const jobs = await world.countJobs();
    const answers = [...statuses]
      .sort((a, b) => a[0] - b[0])
      .map(([s, c]) => `${s === 0 ? 'no answer' : s}×${c}`)
      .join(', ');
    const row: Omit<Row, 'verdict'> = {
      scenario: '4 Slack retries',
      tried: `${n} events × 3 POSTs, ${o.threads} threads`,
      ...counts(check),
      dead: jobs.dead,
      crashes,
      seconds: (Date.now() - started) / 1000,
      note:
        `Slack HTTP mode, signed; ${posts} POSTs answered ${answers}; ${unacked} copies never acked; ` +
        `left pending ${jobs.pending + jobs.running}` +
        faultNote(check) +
        (complete ? '' : `; stopped waiting once Ouro got nothing new for ${QUIET_MS / 1000} s`) +
        crashNote([bridge]) +
        (Date.now() > deadline ? '; BUDGET EXCEEDED' : ''),
    };
    return { ...row, verdict: verdictOf(row, unacked === 0 && check.split === 0 && jobs.pending + jobs.running === 0) };
  } finally {
    await bridge?.kill9();
    await world.close();
  }
}
