/**
 * Several bridge replicas for the replicas-*.test.ts files: the real runtime (`createApp`)
 * on one PostgreSQL schema (TEST_DATABASE_URL), each replica with its own HTTP port, talking
 * to the same loopback fakes and Ouro sandbox. In-process replicas (`startReplica`) serve
 * tests where nothing crashes; `spawnReplica` runs one in a child process, for `kill -9`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { signSlack } from '../helpers/fake-slack.ts';
import { sleep } from '../helpers/eventually.ts';

export const SLACK_SECRET = 'replicas-signing-secret';
export const WEBHOOK_SECRET = 'replicas-webhook-secret-0123456789';

export const newSchema = () => `test_replicas_${randomBytes(6).toString('hex')}`;

/** Short leases for tests: a dead holder's duty is taken over within TTL + renew = 2 s. */
export const TEST_LEASES = { ttlMs: 1_500, renewMs: 500 };

export interface Replica {
  app: App;
  url: string;
  stop(): Promise<void>;
}

export async function startReplica(env: Record<string, string>, schema: string, leases = TEST_LEASES, tuning: { leaseMs?: number } = {}): Promise<Replica> {
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: process.env.TEST_DATABASE_URL, ...env }, { requireOuro: true });
  const app = await createApp(config, {
    logger: silentLogger,
    storeSchema: schema,
    leases,
    tuning: { pollMs: 20, reconcileEveryMs: 0, retry: { baseMs: 20, maxMs: 300, maxAttempts: 20 }, ...tuning },
    drainTimeoutMs: 2_000,
  });
  const { url } = await app.start();
  return { app, url, stop: () => app.stop() };
}

/** POSTs `body` to a replica's /slack/events, signed as Slack signs it. */
export async function postSlack(url: string, body: unknown, retryNum?: number): Promise<number> {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...signSlack(SLACK_SECRET, raw) };
  if (retryNum) Object.assign(headers, { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' });
  const res = await fetch(`${url}/slack/events`, { method: 'POST', headers, body: raw });
  await res.arrayBuffer();
  return res.status;
}

const CHILD = fileURLToPath(new URL('./replicas-child.ts', import.meta.url));

export interface ChildReplica {
  proc: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: { msg?: string; lease?: string; time?: number; [k: string]: unknown }[];
  url: Promise<string>;
  instanceId: Promise<string>;
  /** Resolves with the time (ms) the child logged `msg` for `lease` after `since`. */
  waitFor(msg: string, lease: string, since: number, timeoutMs: number): Promise<number>;
  exited: Promise<void>;
}

/** A replica in its own process (`replicas-child.ts`): `READY …` on stdout, JSON logs (info) on stderr. */
export function spawnReplica(env: Record<string, string>, schema: string, leases = TEST_LEASES): ChildReplica {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATABASE_URL: process.env.TEST_DATABASE_URL,
      STORE_SCHEMA: schema,
      LEASE_TTL_MS: String(leases.ttlMs),
      LEASE_RENEW_MS: String(leases.renewMs),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: ChildReplica['logs'] = [];
  let stderr = '';
  let buffered = '';
  let ready: (v: { url: string; instanceId: string }) => void;
  let failed: (e: Error) => void;
  const started = new Promise<{ url: string; instanceId: string }>((res, rej) => {
    ready = res;
    failed = rej;
  });
  started.catch(() => undefined);
  proc.stdout!.on('data', (d: Buffer) => {
    const m = /READY (\S+) (\S+)\n/.exec(String(d));
    if (m) ready({ url: m[1]!, instanceId: m[2]! });
  });
  proc.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d).slice(-20_000);
    buffered += d;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      try {
        logs.push(JSON.parse(line));
      } catch {
        // not one of our log lines (e.g. a Node warning)
      }
    }
  });
  const exited = new Promise<void>((res) =>
    proc.on('exit', (code, signal) => {
      failed(new Error(`replica exited (${code ?? signal}) before it was ready: ${stderr.slice(-2000)}`));
      res();
    }),
  );
  return {
    proc,
    logs,
    url: started.then((s) => s.url),
    instanceId: started.then((s) => s.instanceId),
    exited,
    async waitFor(msg, lease, since, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = logs.find((l) => l.msg === msg && l.lease === lease && (l.time ?? 0) >= since);
        if (hit) return hit.time!;
        if (Date.now() > deadline) throw new Error(`replica did not log "${msg}" for ${lease} within ${timeoutMs} ms; stderr: ${stderr.slice(-1000)}`);
        await sleep(20);
      }
    },
  };
}
