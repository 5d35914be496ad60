/**
 * Bridge child processes (bridge-child.ts) and the guarantee that none outlives the run:
 * every child is registered here, `killAll` SIGKILLs whatever is still running (run.ts
 * calls it on exit, on signals and on errors), and each child also exits when its stdin
 * closes, which covers a runner killed with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../src/cli/node-flags.ts'; // as `npm start` runs the bridge

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHILD = join(ROOT, 'soak', 'bridge-child.ts');
const live = new Set<ChildProcess>();

export interface BridgeChild {
  name: string;
  pid: number;
  /** Base URL of its HTTP port (Slack events, webhooks, probes). */
  url: string;
  /** Resolves when the process has ended, however. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True once it ended without us asking (a crash). */
  crashed(): boolean;
  /** The last few KB of its stderr, for error reports. */
  tail(): string;
  kill9(): Promise<void>;
  /** SIGTERM (the orderly shutdown), SIGKILL after `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface SpawnOptions {
  env: Record<string, string>;
  storeSchema?: string;
  /** Give up waiting for the ready line after this long. */
  readyTimeoutMs?: number;
}

export async function spawnBridge(name: string, opts: SpawnOptions): Promise<BridgeChild> {
  const proc = spawn(process.execPath, [...NODE_FLAGS, '--import', 'tsx', CHILD, JSON.stringify({ env: opts.env, storeSchema: opts.storeSchema })], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(proc);
  let asked = false;
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => {
    err = (err + c.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('exit', (code, signal) => {
      live.delete(proc);
      resolve({ code, signal });
    });
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`${name}: not ready after ${opts.readyTimeoutMs ?? 30_000} ms; stderr: ${err.slice(-800)}`)),
      opts.readyTimeoutMs ?? 30_000,
    );
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { ready: string }).ready);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name}: exited (${code ?? signal}) before it was ready; stderr: ${err.slice(-800)}`));
    });
  }).catch(async (e: unknown) => {
    proc.kill('SIGKILL');
    await exited;
    throw e;
  });
  return {
    name,
    pid: proc.pid!,
    url,
    exited,
    crashed: () => !asked && (proc.exitCode !== null || proc.signalCode !== null),
    tail: () => err,
    async kill9() {
      asked = true;
      proc.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 20_000) {
      asked = true;
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** SIGKILLs every child still running (synchronous: safe in an 'exit' handler). */
export function killAll(): number {
  let n = 0;
  for (const p of live) {
    if (p.exitCode === null && p.signalCode === null) {
      p.kill('SIGKILL');
      n++;
    }
  }
  return n;
}

/** For a row's note: the end of the stderr of every child that died unasked. */
export function crashNote(children: readonly BridgeChild[]): string {
  return children
    .filter((c) => c.crashed())
    .map((c) => `; ${c.name} died unasked: ${c.tail().slice(-300).replace(/\s+/g, ' ')}`)
    .join('');
}
