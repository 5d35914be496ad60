/**
 * Crash safety of a file's trip to Ouro: the real `ouro-bridge start` process (Slack in
 * Socket Mode against the Slack fake) is killed with SIGKILL after the file asset exists on
 * Ouro and before the message that embeds it does (the sandbox drops every message create
 * meanwhile). A new process on the same SQLite store finishes the job: one upload, one file
 * asset, one message embedding it.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { openStore } from '../../src/store/index.ts';
import { waitUntil } from '../contract/adapter.contract.ts';
import { linkToLab } from '../helpers/slack-stack.ts';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.ts';
import { startBridgeProcess } from '../helpers/bridge-process.ts';

const C = 'C0KILL';
const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-kill-files-'));
const dbPath = join(dir, 'bridge.db');
let sandbox: Sandbox;
let fake: FakeSlack;
const children: ChildProcessWithoutNullStreams[] = [];
let seeded = new Set<string>();

function startBridge() {
  const started = startBridgeProcess({ sandbox, fake, dbPath, appToken: 'xapp-kill-files' });
  children.push(started.child);
  return started;
}

const ours = () => sandbox.state.conversations.filter((c) => !seeded.has(c.id));
const conversationMessages = () => {
  const conv = ours()[0];
  return conv ? sandbox.state.messages.filter((m) => m.conversation_id === conv.id) : [];
};
const uploads = () => sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/files/upload');

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo' });
  seeded = new Set(sandbox.state.conversations.map((c) => c.id));
  fake = await startFakeSlack();
  const store = await openStore({ engine: 'sqlite', path: dbPath });
  await linkToLab(store, C, 'channel');
  await store.close();
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fake?.close();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 between the upload and the message', () => {
  it('uploads once and posts one message embedding the asset', { timeout: 120_000 }, async () => {
    const bytes = randomBytes(2_000_000);
    const file = fake.files.host('dump.bin', bytes, 'application/octet-stream');
    // Every message create is dropped (no answer): the job stops right after the asset exists.
    sandbox.faults.add({ route: /^POST \/conversations\/[^/]+\/messages\/create$/, mode: 'drop' });
    const first = startBridge();
    await fake.userPosts('the dump', { channel: C, subtype: 'file_share', files: [file] });
    await waitUntil(
      () => (sandbox.state.files ?? []).length === 1 && sandbox.requests.some((r) => /\/messages\/create$/.test(r.path)),
      60_000,
      () => `files ${(sandbox.state.files ?? []).length}; stderr: ${first.err()}`,
    );
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(conversationMessages()).toHaveLength(0);
    sandbox.faults.clear();

    const second = startBridge();
    await waitUntil(
      () => conversationMessages().length >= 1,
      90_000,
      () => `messages ${conversationMessages().length}; stderr: ${second.err()}`,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));

    expect(uploads()).toHaveLength(1);
    expect(sandbox.state.files).toHaveLength(1);
    expect(conversationMessages()).toHaveLength(1);
    const asset = sandbox.state.files![0]!;
    expect(conversationMessages()[0]!.text).toContain(asset.id);
    const res = await fetch(`${sandbox.url}/users/get-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pat: sandbox.apiKey }),
    });
    const token = ((await res.json()) as { access_token: string }).access_token;
    const data = (await (await fetch(`${sandbox.url}/files/${asset.id}/data`, { headers: { authorization: token } })).json()) as { data: { url: string } };
    const back = Buffer.from(await (await fetch(data.data.url)).arrayBuffer());
    expect(createHash('sha256').update(back).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
