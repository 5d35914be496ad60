/**
 * Mirror benchmark: N chat messages over M threads through the real runtime (createApp:
 * SQLite store, durable queue, worker, Ouro client) into the Ouro sandbox, beside a raw
 * relay (each message → one `messages.create` call, no queue, no store) in the same run.
 *
 * - The sandbox runs in a child process, so RSS measures the bridge alone and both sides
 *   do not share one event loop.
 * - M producers (one per thread, as a platform delivers threads concurrently) each hand
 *   their thread's messages to the inbox one after another: "ack" is `inbox.receive`.
 * - Latency is inbound → the Ouro message's `created_at` (same machine clock), read back
 *   through the API afterwards so measuring does not slow the run.
 * Targets (issue #3): ≥ 1,000 msgs/s on SQLite, p99 ≤ 1.5× raw relay, ack p99 < 10 ms,
 * RSS < 200 MB after 10k messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../src/app.ts';
import type { BridgeInbox, ChatAdapter, ChatRef } from '../src/bridge/types.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { createOuroClient, type OuroClient } from '../src/ouro/index.ts';

interface Row {
  name: string;
  value: string;
  note?: string;
}

const N = 10_000;
const M = 50;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHANNEL = { platform: 'console' as const, workspace: 'local', channel: 'bench' };

/** A chat platform that exists only to hand messages to the inbox and count what comes back. */
class BenchAdapter implements ChatAdapter {
  readonly platform = 'console' as const;
  inbox?: BridgeInbox;
  posts = 0;
  async start(inbox: BridgeInbox) {
    this.inbox = inbox;
  }
  async stop() {}
  health() {
    return { connected: true };
  }
  async post() {
    return { messageId: `bridge-${++this.posts}` };
  }
  async edit() {}
  async delete() {}
  async reply() {}
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const ms = (v: number) => `${v.toFixed(1)} ms`;
const micros = (iso: string) => {
  const m = /^(.+?T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?/.exec(iso)!;
  return Date.parse(`${m[1]}Z`) + Number((m[2] ?? '0').padEnd(6, '0')) / 1000;
};

/** The sandbox in its own process; resolves with its URL and API key. */
async function sandboxProcess(): Promise<{ url: string; apiKey: string; child: ChildProcess }> {
  const script = `const { startSandbox } = await import(${JSON.stringify(join(ROOT, 'src/sandbox/index.ts'))});
const s = await startSandbox({ seed: 'none' });
process.stdout.write(JSON.stringify({ url: s.url, apiKey: s.apiKey }) + '\\n');
process.stdin.on('end', () => s.close().then(() => process.exit(0)));
process.stdin.resume();`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`sandbox process exited with ${code}`)));
  });
  return { ...(JSON.parse(first) as { url: string; apiKey: string }), child };
}

/** Every message of a conversation, oldest first (the list pages backwards with `before`). */
async function allMessages(ouro: OuroClient, conversationId: string) {
  const out: { text: string; created_at: string }[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await ouro.messages.list(conversationId, { limit: 100, ...(before ? { before } : {}) });
    out.push(...page.messages.map((m) => ({ text: m.text ?? '', created_at: m.created_at })));
    if (!page.hasMore || !page.nextBefore) return out;
    before = page.nextBefore;
  }
}

/** Raw relay: per thread, each message straight to one messages.create call. */
async function rawRelay(ouro: OuroClient, botId: string) {
  const convs = await Promise.all(
    Array.from({ length: M }, (_, t) => ouro.conversations.create({ name: `raw ${t}`, orgId: '00000000-0000-0000-0000-000000000000', members: [botId] })),
  );
  const lat: number[] = [];
  const t0 = Date.now();
  await Promise.all(
    convs.map(async (c, t) => {
      for (let k = 0; k < N / M; k++) {
        const offered = Date.now();
        const msg = await ouro.messages.create(c.id, { text: `raw t${t} m${k}` });
        lat.push(micros(msg.created_at) - offered);
      }
    }),
  );
  return { seconds: (Date.now() - t0) / 1000, lat: lat.sort((a, b) => a - b) };
}

async function bridgeRelay(sandbox: { url: string; apiKey: string }, dir: string) {
  const adapter = new BenchAdapter();
  const config = loadConfig({
    OURO_API_KEY: sandbox.apiKey,
    OURO_BASE_URL: sandbox.url,
    DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
  });
  const app = await createApp(config, { logger: silentLogger, adapters: [adapter], tuning: { reconcileEveryMs: 0 } });
  await app.store.upsertChannelLink({ ...CHANNEL, orgId: null, orgName: null, teamId: null, teamName: null, mirrorMode: 'threads', updatedBy: 'bench' });
  await app.start();
  const inbox = adapter.inbox!;
  const offered = new Map<string, number>();
  const ack: number[] = [];
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: M }, async (_, t) => {
      for (let k = 0; k < N / M; k++) {
        const ref: ChatRef = k === 0 ? { ...CHANNEL } : { ...CHANNEL, thread: `r${t}` };
        const messageId = k === 0 ? `r${t}` : `t${t}m${k}`;
        const at = Date.now();
        offered.set(`t${t} m${k}`, at);
        const a0 = performance.now();
        await inbox.receive({ kind: 'message.posted', key: `bench:${messageId}`, ref, messageId, author: { id: 'U1', name: 'bench' }, text: `bench t${t} m${k}`, at });
        ack.push(performance.now() - a0);
      }
    }),
  );
  const acked = Date.now();
  await app.bridge.drain(300_000);
  const seconds = (Date.now() - t0) / 1000;
  const rss = process.memoryUsage().rss;
  const lat: number[] = [];
  const links = await Promise.all(Array.from({ length: M }, (_, t) => app.store.getThreadLink({ ...CHANNEL, thread: `r${t}` })));
  const ouro = createOuroClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey });
  let found = 0;
  for (const link of links) {
    if (!link) continue;
    for (const m of await allMessages(ouro, link.conversationId)) {
      const tag = /t(\d+) m(\d+)/.exec(m.text);
      const sent = tag ? offered.get(`t${tag[1]} m${tag[2]}`) : undefined;
      if (sent === undefined) continue;
      found++;
      lat.push(micros(m.created_at) - sent);
    }
  }
  await ouro.close();
  const counts = await app.store.countJobs();
  await app.stop();
  return { seconds, ackSeconds: (acked - t0) / 1000, found, dead: counts.dead, rss, ack: ack.sort((a, b) => a - b), lat: lat.sort((a, b) => a - b) };
}

export async function benchMirror(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-bench-'));
  const sandbox = await sandboxProcess();
  const ouro = createOuroClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey });
  try {
    const bot = await ouro.auth.whoami();
    const raw = await rawRelay(ouro, bot.id);
    const b = await bridgeRelay(sandbox, dir);
    const rawP99 = pct(raw.lat, 99);
    const p99 = pct(b.lat, 99);
    return [
      { name: 'mirror: messages relayed', value: `${b.found}/${N}`, note: `${M} threads, SQLite; ${b.dead} dead jobs` },
      { name: 'mirror: bridge throughput', value: `${Math.round(N / b.seconds)} msg/s`, note: `target ≥ 1,000 (all acked after ${b.ackSeconds.toFixed(1)} s)` },
      { name: 'mirror: raw relay throughput', value: `${Math.round(N / raw.seconds)} msg/s`, note: 'one messages.create per message, no queue' },
      { name: 'mirror: bridge p50 inbound→created', value: ms(pct(b.lat, 50)) },
      { name: 'mirror: bridge p99 inbound→created', value: ms(p99), note: `${(p99 / rawP99).toFixed(2)}× raw (target ≤ 1.5×)` },
      { name: 'mirror: raw relay p50 / p99', value: `${ms(pct(raw.lat, 50))} / ${ms(rawP99)}` },
      { name: 'mirror: ack path p50 / p99', value: `${ms(pct(b.ack, 50))} / ${ms(pct(b.ack, 99))}`, note: 'inbox.receive; target p99 < 10 ms' },
      { name: 'mirror: RSS after', value: `${Math.round(b.rss / 1024 / 1024)} MB`, note: 'bridge process (sandbox runs apart); target < 200 MB' },
    ];
  } finally {
    await ouro.close();
    sandbox.child.stdin!.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
