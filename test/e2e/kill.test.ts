/**
 * Crash safety: the real `ouro-bridge start --console` process, fed a 500-message burst on
 * stdin, is killed with SIGKILL part-way; a new process on the same SQLite store is fed the
 * whole burst again (a platform redelivers what it cannot know was handled). The sandbox
 * conversation must then hold exactly the 500 messages, each once, in order.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { openStore } from '../../src/store/index.ts';
import { waitUntil } from '../contract/adapter.contract.ts';
import { sleep } from '../helpers/eventually.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const N = 500;
/** Killed once this many are in Ouro: mid-relay, with more queued behind them. */
const KILL_AFTER_RELAYED = 40;
const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-kill-'));
const dbPath = join(dir, 'bridge.db');
const lines = Array.from({ length: N }, (_, i) => `burst message ${String(i + 1).padStart(4, '0')}`);
let sandbox: Sandbox;
const children: ChildProcessWithoutNullStreams[] = [];

function startBridge() {
  const child = spawn(process.execPath, [join(ROOT, 'bin/ouro-bridge.js'), 'start', '--console', '--console-session', 'kill-test'], {
    cwd: ROOT,
    env: {
      OURO_API_KEY: sandbox.apiKey,
      OURO_BASE_URL: sandbox.url,
      DATABASE_URL: `sqlite:${dbPath}`,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
    },
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  // Writing to a process that has just been SIGKILLed fails with EPIPE before its exit is
  // seen; that write is lost on purpose (the restart is fed the whole burst again). Any other
  // stdin error is kept and fails the test through alive().
  let stdinError: Error | null = null;
  child.stdin.on('error', (e: NodeJS.ErrnoException) => {
    if (!(child.killed && e.code === 'EPIPE')) stdinError = e;
  });
  return {
    child,
    /** Throws when the process ended by itself: waiting on it further is pointless. */
    alive() {
      if (child.exitCode !== null) throw new Error(`the bridge exited with ${child.exitCode}: ${err}`);
      if (stdinError) throw stdinError;
      return true;
    },
    out: () => out,
    err: () => err,
    // An ack line is the console's echo "#N you › burst message …", printed once the event is recorded.
    acks: () => (out.match(/^#\d+ \S+ › burst message \d{4}$/gm) ?? []).length,
  };
}

let seeded = new Set<string>();
/** The conversation the bridge created for #lab (the demo seed has conversations of its own). */
const ours = () => sandbox.state.conversations.filter((c) => !seeded.has(c.id));
const conversationMessages = () => {
  const conv = ours()[0];
  return conv ? sandbox.state.messages.filter((m) => m.conversation_id === conv.id) : [];
};
const numbers = () => conversationMessages().map((m) => Number(/burst message (\d{4})/.exec(m.text)?.[1] ?? -1));

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo' });
  seeded = new Set(sandbox.state.conversations.map((c) => c.id));
  // #lab mirrors its top level into one conversation: the whole burst lands in one place.
  const store = await openStore({ engine: 'sqlite', path: dbPath });
  await store.upsertChannelLink({
    platform: 'console',
    workspace: 'local',
    channel: 'lab',
    orgId: SEED_IDS.orgLab,
    orgName: 'Ouro Lab',
    teamId: null,
    teamName: null,
    mirrorMode: 'channel',
    updatedBy: 'kill-test',
  });
  await store.close();
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 in the middle of a burst', () => {
  it(`loses nothing and doubles nothing: exactly ${N} messages, in order`, { timeout: 240_000 }, async () => {
    const first = startBridge();
    // Typed at a pace that stays at most ~60 messages ahead of the relay, so that at the
    // kill some messages are in Ouro, some only queued, and most not yet delivered at all.
    let sent = 0;
    const pace = setInterval(() => {
      // child.killed turns true at kill(), before the exit is seen: no line is typed after it.
      if (sent >= N || first.child.killed || first.child.exitCode !== null) return;
      if (sent - conversationMessages().length >= 60) return;
      first.child.stdin.write(`${lines.slice(sent, sent + 5).join('\n')}\n`);
      sent += 5;
    }, 100);
    try {
      await waitUntil(
        () => first.alive() && conversationMessages().length >= KILL_AFTER_RELAYED,
        60_000,
        () => `relayed ${conversationMessages().length}, acks ${first.acks()}; stderr: ${first.err()}`,
      );
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
    } finally {
      clearInterval(pace);
    }
    const relayedAtKill = conversationMessages().length;
    const acksAtKill = first.acks();
    expect(relayedAtKill).toBeGreaterThanOrEqual(KILL_AFTER_RELAYED);
    expect(relayedAtKill).toBeLessThan(N);
    expect(acksAtKill).toBeGreaterThan(0);
    expect(sent).toBeLessThan(N);

    const second = startBridge();
    second.child.stdin.write(`${lines.join('\n')}\n`);
    await waitUntil(
      () => second.alive() && conversationMessages().length >= N,
      90_000,
      () => `conversation holds ${conversationMessages().length}; stderr: ${second.err()}`,
    );
    // Let anything still in flight land, so a late duplicate would show.
    await waitUntil(() => /burst message 0500$/m.test(second.out()), 30_000);
    await sleep(1_000);
    second.child.kill('SIGTERM');
    const code = await new Promise((r) => second.child.once('exit', (c) => r(c)));

    expect(ours()).toHaveLength(1);
    const got = numbers();
    expect(got).toHaveLength(N);
    expect(got).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    // What the first process acked, the second recognised as repeats (not queued again).
    expect((second.out().match(/already delivered earlier/g) ?? []).length).toBeGreaterThanOrEqual(acksAtKill);
    expect(code).toBe(0);
    console.info(`kill test: SIGKILL after ${acksAtKill} acks (${sent} lines typed), ${relayedAtKill} relayed; the restart finished the rest`);
  });
});
