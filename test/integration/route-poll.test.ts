import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROUTE_POLL_JOB, type RoutePollPayload } from '../../src/commands/route-run.ts';
import { pollTiming } from '../../src/commands/route-run.ts';
import { markdownToDoc } from '../../src/ouro/index.ts';
import { SERVICE_IDS, seedServices } from '../../src/sandbox/seed-services.ts';
import { GLOBAL_ID, type SandboxState } from '../../src/sandbox/state.ts';
import { eventually, startMirror, type Mirror } from './mirror-harness.ts';

/**
 * The bridge's `route.poll` job (src/bridge/route-poll.ts) against the sandbox's async route:
 * one "running" post, edited in place until the end, across a restart and a lost answer.
 */

let m: Mirror;
beforeEach(async () => {
  m = await startMirror({ leaseMs: 300 });
  // The mirror's sandbox has no demo seed: give its bot the lab-tools service in Ouro's global org.
  const state = m.sandbox.state as SandboxState;
  seedServices(state, { userId: state.botId, orgId: GLOBAL_ID, teamId: GLOBAL_ID }, (text) => ({
    json: markdownToDoc(text) as SandboxState['posts'][number]['content']['json'],
    text,
  }));
});
afterEach(async () => {
  await m.close();
});

async function startRun(thread = 'T-ROOT'): Promise<{ actionId: string; payload: RoutePollPayload }> {
  const route = m.sandbox.state.routes.find((r) => r.id === SERVICE_IDS.screen)!;
  // The sandbox finishes the work after avg_completion_ms; the poll interval is clamped to ≥ 1 s.
  route.metrics = { ...route.metrics, avg_completion_ms: 60_000 };
  const run = await m.ouro.services.use(SERVICE_IDS.service, SERVICE_IDS.screen, { params: { run: 'r2' } });
  expect(run.requiresPolling).toBe(true);
  const payload: RoutePollPayload = {
    actionId: run.action.id,
    title: 'alice/screen-candidates',
    target: { platform: 'slack', workspace: 'T1', channel: 'C1', thread },
    webBaseUrl: 'https://ouro.test',
    startedAt: Date.now(),
    intervalMs: 200,
    timeoutMs: 60_000,
  };
  await m.store.enqueue({ lane: `route:${run.action.id}`, kind: ROUTE_POLL_JOB, payload, idempotencyKey: `route:${run.action.id}` });
  return { actionId: run.action.id, payload };
}

const finish = (actionId: string) => {
  m.sandbox.state.actions.find((a) => a.id === actionId)!.finishes_at = Date.now() - 1;
};
const postsOf = (actionId: string) =>
  m.slack.ops.filter((o) => o.op === 'post' && m.slack.messages.find((x) => x.messageId === o.messageId)?.marker === `action:${actionId}`);

describe('following an async route run', () => {
  it('posts once while it runs, and edits that post with the result when it ends', async () => {
    const { actionId } = await startRun();
    await eventually(() => expect(postsOf(actionId)).toHaveLength(1));
    const post = postsOf(actionId)[0]!;
    expect(post.text).toMatch(/\*\*alice\/screen-candidates\*\* — (⏳ queued|⚙️ running)/);
    expect(post.ref.thread).toBe('T-ROOT');
    finish(actionId);
    await eventually(() => expect(m.slack.messages.find((x) => x.messageId === post.messageId)!.text).toContain('✅ done'));
    const final = m.slack.messages.find((x) => x.messageId === post.messageId)!.text;
    expect(final).toContain('alice/screen-candidates');
    await m.bridge.drain();
    expect(postsOf(actionId)).toHaveLength(1);
    expect(await m.store.countJobs()).toMatchObject({ pending: 0, running: 0, dead: 0 });
  });

  it('a restart mid-run resumes polling: one post, one final answer', async () => {
    const { actionId } = await startRun();
    await eventually(() => expect(postsOf(actionId)).toHaveLength(1));
    await m.restart(async () => finish(actionId));
    await eventually(() => expect(m.slack.ops.filter((o) => o.op === 'edit' && o.text?.includes('✅ done'))).toHaveLength(1));
    await m.bridge.drain();
    expect(postsOf(actionId)).toHaveLength(1);
    expect(m.slack.ops.filter((o) => o.op === 'edit' && o.text?.includes('✅ done'))).toHaveLength(1);
  });

  it('a post whose answer was lost is found again, not posted twice', async () => {
    m.slack.failAfterWrite = 1;
    const { actionId } = await startRun('');
    finish(actionId);
    await eventually(async () => expect(await m.store.countJobs()).toMatchObject({ pending: 0, running: 0 }));
    const stored = m.slack.messages.filter((x) => x.marker === `action:${actionId}`);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.text).toContain('✅ done');
  });

  it('a post whose answer was lost while the run ended is found again and edited to the result', async () => {
    // The "running" post is written, its answer lost, and the run ends before the job's rerun
    // (as when the bridge is killed between posting and recording): the post found must not keep "running".
    m.slack.failAfterWrite = 1;
    const post = m.slack.post.bind(m.slack);
    m.slack.post = async (ref, message) => {
      try {
        return await post(ref, message);
      } finally {
        for (const a of m.sandbox.state.actions) a.finishes_at = Date.now() - 1;
      }
    };
    const { actionId } = await startRun();
    await eventually(async () => expect(await m.store.countJobs()).toMatchObject({ pending: 0, running: 0 }));
    const stored = m.slack.messages.filter((x) => x.marker === `action:${actionId}`);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.text).toContain('✅ done');
    expect(postsOf(actionId)).toHaveLength(1);
  });

  it('gives up after the timeout with a worded note, leaving no job behind', async () => {
    const { actionId, payload } = await startRun();
    await eventually(() => expect(postsOf(actionId)).toHaveLength(1));
    // A run Ouro never finishes: the job's timeout passes.
    await m.store.enqueue({
      lane: `route:${actionId}:late`,
      kind: ROUTE_POLL_JOB,
      payload: { ...payload, startedAt: Date.now() - 120_000 },
      idempotencyKey: `late:${actionId}`,
    });
    await eventually(() => expect(m.slack.messages.find((x) => x.marker === `action:${actionId}`)!.text).toContain('the bridge stopped following it'));
    await eventually(async () => expect((await m.store.listJobs({ lane: `route:${actionId}:late` })).map((j) => j.state)).toEqual(['done']));
  });
});

describe('pollTiming (Ouro SDK rule: clamp(avg / 5, 1 s, 30 s); max(60 s, 2 × p95))', () => {
  it.each([
    [{ avg_completion_ms: 900, p95_completion_ms: 2300 }, 1_000, 60_000],
    [{ avg_completion_ms: 50_000, p95_completion_ms: 90_000 }, 10_000, 180_000],
    [{ avg_completion_ms: 900_000 }, 30_000, 600_000],
    [null, 10_000, 600_000],
  ])('%j → every %i ms, up to %i ms', (metrics, intervalMs, timeoutMs) => {
    expect(pollTiming({ metrics })).toEqual({ intervalMs, timeoutMs });
  });
});
