/**
 * Crash safety of an async route run: the real `ouro-bridge start` process (Slack in Socket
 * Mode against the Slack fake) starts the sandbox's async `screen` route (a few seconds of
 * work), posts its "running" message and is killed with SIGKILL while the action is still in
 * progress. A new process on the same SQLite store resumes the poll job: the one message is
 * edited in place to the result; no second message is posted for the run. The kill may fall
 * between the post and its record in the store: the rerun then finds the post (post-once.ts)
 * and must still edit it, since it shows an older status than the run has by then.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { currentAction } from '../../src/sandbox/routes/services.ts';
import { SERVICE_IDS } from '../../src/sandbox/seed-services.ts';
import { openStore } from '../../src/store/index.ts';
import { waitUntil } from '../contract/adapter.contract.ts';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.ts';
import { startBridgeProcess } from '../helpers/bridge-process.ts';
import { linkToLab } from '../helpers/slack-stack.ts';

const C = 'C0KILLRUN';
/** The action's work: long enough to kill the bridge in the middle, short enough for a quick test. */
const WORK_MS = 3_000;
const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-kill-route-'));
const dbPath = join(dir, 'bridge.db');
let sandbox: Sandbox;
let fake: FakeSlack;
const children: ChildProcessWithoutNullStreams[] = [];

function startBridge() {
  const started = startBridgeProcess({ sandbox, fake, dbPath, appToken: 'xapp-kill-route', logLevel: process.env.KILL_LOG ?? 'warn' });
  children.push(started.child);
  return started;
}

const posts = () => fake.callsOf('chat.postMessage').filter((c) => c.args.channel === C);
const updates = () => fake.callsOf('chat.update').filter((c) => c.args.channel === C);
const runMessages = () => [...fake.messages.values()].filter((m) => m.channel === C && m.text.includes('alice/screen-candidates'));

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo' });
  const route = sandbox.state.routes.find((r) => r.id === SERVICE_IDS.screen)!;
  // Polled every second (the SDK's clamp of WORK_MS / 5).
  route.metrics = { ...route.metrics, avg_completion_ms: WORK_MS };
  fake = await startFakeSlack();
  const store = await openStore({ engine: 'sqlite', path: dbPath });
  await linkToLab(store, C, 'off');
  await store.close();
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fake?.close();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 while an async route run is in progress', () => {
  it('one "running" message, edited in place to the result after the restart; nothing doubled', { timeout: 60_000 }, async () => {
    const t0 = Date.now();
    const first = startBridge();
    // The command waits until the bridge's Socket Mode connection is up.
    await waitUntil(
      () => fake.callsOf('apps.connections.open').length > 0 && fake.callsOf('auth.test').length > 0,
      20_000,
      () => first.err(),
    );
    await fake.command('route alice/screen-candidates run=r7 count=3', { channel: C, user: 'U0BOB' });
    await waitUntil(
      () => runMessages().length === 1,
      20_000,
      () => `posts ${posts().length}; stderr: ${first.err()}`,
    );
    const action = sandbox.state.actions.find((a) => a.route_id === SERVICE_IDS.screen)!;
    expect(currentAction(action).status).not.toBe('success');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(currentAction(action).status).not.toBe('success');
    const [running] = runMessages();
    expect(running!.text).toMatch(/⏳ queued|⚙️ running/);

    const second = startBridge();
    await waitUntil(
      () => runMessages().some((m) => m.text.includes('✅ done')),
      30_000,
      () => `updates ${updates().length}; stderr: ${second.err()}`,
    );
    const finishedAfterMs = Date.now() - t0;
    // More than a poll interval: long enough for a doubled post or a further edit to show.
    await new Promise((r) => setTimeout(r, 1_200));
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));

    expect(runMessages()).toHaveLength(1);
    expect(posts().filter((c) => String(c.args.text).includes('alice/screen-candidates'))).toHaveLength(1);
    expect(posts().some((c) => String(c.args.text).includes('✅ done'))).toBe(false);
    const done = updates().filter((c) => String(c.args.text).includes('✅ done'));
    expect(done).toHaveLength(1);
    expect(done[0]!.args.ts).toBe(running!.ts);
    expect(JSON.stringify(done[0]!.args.blocks)).toContain('screened');
    expect(finishedAfterMs).toBeLessThan(20_000);
  });
});
