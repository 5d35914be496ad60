/**
 * Scenario 6: load from people who cannot sign and from answers too big to keep. One bridge
 * in Slack HTTP mode meets, at the same time,
 *   - 250 slow requests on /slack/events with a forged signature and a fresh timestamp (they
 *     pass every check made from headers), half declaring a 1 MB body, half 60 KB, dripped;
 *   - three people's `/ouro query` whose answers are 150 MB each (the sandbox's `huge` fault).
 * It passes when the bridge's RSS stays under 400 MB, every /healthz probe (one per 100 ms)
 * answers within 100 ms, and each person gets a worded answer.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { connect } from 'node:net';
import { createOuroClient } from '../src/ouro/index.ts';
import { crashNote, spawnBridge, type BridgeChild } from './children.ts';
import { checkRow, type Row } from './table.ts';
import { CHANNEL, SIGNING_SECRET, startWorld } from './world.ts';

export interface LoadOptions {
  slowRequests: number;
  queries: number;
  answerBytes: number;
  budgetMs: number;
}

const RSS_LIMIT_MB = 400;
const HEALTHZ_LIMIT_MS = 100;

function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * /healthz timed from a process of its own: this one streams the huge answers (the sandbox
 * lives here), so its event loop would add its own delays to what it measures.
 */
const PROBE = `
const http = require('node:http');
const url = process.argv[1];
const agent = new http.Agent({ keepAlive: true });
(function next() {
  const t = performance.now();
  http.get(url, { agent }, (res) => {
    res.resume();
    res.on('end', () => { process.stdout.write((res.statusCode === 200 ? performance.now() - t : -1) + '\\n'); setTimeout(next, 100); });
  }).on('error', () => { process.stdout.write('-1\\n'); setTimeout(next, 100); });
})();
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/** One slow request: headers that pass, then 8 KB every 100 ms up to what it declared. Resolves with the status line's code, or how it ended. */
function slowRequest(url: string, declared: number, deadline: number): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let got = '';
    let timer: NodeJS.Timeout | undefined;
    const done = (what: string) => {
      clearInterval(timer);
      socket.destroy();
      resolve(what);
    };
    socket.on('data', (c) => {
      got += c.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (m) done(m[1]!);
    });
    socket.on('error', () => done('reset'));
    socket.on('close', () => done(got ? 'closed' : 'closed unanswered'));
    socket.on('connect', () => {
      const ts = Math.floor(Date.now() / 1000);
      socket.write(
        `POST /slack/events HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${declared}\r\n` +
          `x-slack-request-timestamp: ${ts}\r\nx-slack-signature: v0=${'0'.repeat(64)}\r\n\r\n`,
      );
      const chunk = Buffer.alloc(8 * 1024, 'x');
      let sent = 0;
      timer = setInterval(() => {
        if (Date.now() > deadline) return done('gave up');
        const n = Math.min(chunk.length, declared - sent);
        if (n > 0) socket.write(chunk.subarray(0, n));
        sent += n;
      }, 100);
    });
  });
}

export async function loadScenario(o: LoadOptions): Promise<Row> {
  const started = Date.now();
  const deadline = started + o.budgetMs;
  const world = await startWorld();
  let bridge: BridgeChild | undefined;
  const ouro = createOuroClient({ baseUrl: world.sandbox.url, apiKey: world.sandbox.apiKey });
  try {
    const dataset = await ouro.datasets.create({ name: 'soak_huge', visibility: 'public', rows: [{ s: 'x' }] });
    bridge = await spawnBridge('bridge', { env: world.env });
    world.slack.deliverOverHttp(`${bridge.url}/slack/events`, SIGNING_SECRET);
    // Warm-up: one command answered before the load, so cold code is not what is measured.
    const warm = await world.slack.command('help', { channel: CHANNEL });
    while (!world.slack.hooks.some((h) => `${world.slack.url}/hooks/${h.id}` === warm.responseUrl) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const pid = bridge.pid;
    const baseline = rssMb(pid) ?? 0;
    let maxRss = baseline;
    const probes: number[] = [];
    const prober = spawn(process.execPath, ['-e', PROBE, `${bridge.url}/healthz`], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    prober.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const l of lines) probes.push(Number(l) < 0 ? Number.POSITIVE_INFINITY : Number(l));
    });
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        maxRss = Math.max(maxRss, rssMb(pid) ?? 0);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    world.sandbox.faults.add({ route: /query-custom$/, mode: 'huge', bytes: o.answerBytes, times: o.queries });
    // Half declare a large body (1 MB), half a small one (60 KB): both kinds of slot are tried.
    const slow = Array.from({ length: o.slowRequests }, (_, i) => slowRequest(bridge!.url, i % 2 ? 1_000_000 : 60_000, deadline));
    const users = ['U0ADA', 'U0BOB', 'U0CAT', 'U0DAN', 'U0EVE'];
    // People Slack knows (users.info answers), as everyone who can type a command is.
    for (const id of users) if (!world.slack.users.has(id)) world.slack.users.set(id, { id, name: id });
    const commands = Array.from({ length: o.queries }, (_, i) =>
      world.slack.command(`query ${dataset.id} SELECT * FROM {{table}}`, { channel: CHANNEL, user: users[i % users.length]! }),
    );
    const sent = await Promise.all(commands);
    const answered = async () => {
      while (Date.now() < deadline) {
        const hooks = sent.map((c) => world.slack.hooks.find((h) => `${world.slack.url}/hooks/${h.id}` === c.responseUrl));
        if (hooks.every(Boolean)) return hooks.map((h) => String(h!.body?.text ?? ''));
        await new Promise((r) => setTimeout(r, 100));
      }
      return [];
    };
    const [texts, outcomes] = await Promise.all([answered(), Promise.all(slow)]);
    await new Promise((r) => setTimeout(r, 1_000));
    sampling = false;
    await sampler;
    prober.stdin.end();
    prober.kill();
    const endRss = rssMb(pid) ?? 0;
    const crashes = bridge.crashed() ? 1 : 0;
    const byOutcome = new Map<string, number>();
    for (const x of outcomes) byOutcome.set(x, (byOutcome.get(x) ?? 0) + 1);
    const sorted = [...probes].sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN;
    const healthzMax = sorted.at(-1) ?? Number.NaN;
    const worded = texts.length === o.queries && texts.every((t) => t.includes('larger than'));
    const ok = maxRss < RSS_LIMIT_MB && healthzMax < HEALTHZ_LIMIT_MS && worded && crashes === 0;
    return checkRow({
      scenario: '6 load',
      tried: `${o.slowRequests} slow forged-signature requests + ${o.queries} × ${Math.round(o.answerBytes / 1e6)} MB answers`,
      crashes,
      seconds: (Date.now() - started) / 1000,
      verdict: ok ? 'pass' : 'FAIL',
      note:
        `RSS ${baseline.toFixed(0)} MB before, max ${maxRss.toFixed(0)} MB (limit ${RSS_LIMIT_MB}), ${endRss.toFixed(0)} MB after; ` +
        `/healthz ${probes.length} probes, p99 ${p99.toFixed(1)} ms, max ${healthzMax.toFixed(1)} ms (limit ${HEALTHZ_LIMIT_MS}); ` +
        `slow requests answered ${[...byOutcome].map(([k, v]) => `${k}×${v}`).join(', ')}; ` +
        `machine load ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores; ` +
        `query answers ${worded ? 'worded' : `NOT as expected: ${JSON.stringify(texts.map((t) => t.slice(0, 80)))}`}` +
        crashNote([bridge]),
    });
  } finally {
    await ouro.close();
    await bridge?.kill9();
    await world.close();
  }
}
