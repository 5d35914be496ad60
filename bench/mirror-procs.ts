/**
 * The mirror benchmark's processes: the Ouro sandbox, and the bridge (mirror-bridge.ts)
 * one or more times, run through tsx or compiled by tsc with the build's settings
 * (tsconfig.build.json), so the two runtimes' memory can be compared on the same code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../src/cli/node-flags.ts';
import type { BridgeArgs, BridgeResult } from './mirror-bridge.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export type Runtime = 'tsx' | 'compiled';

/** The sandbox in its own process; resolves with its URL and API key. */
export async function sandboxProcess(): Promise<{ url: string; apiKey: string; child: ChildProcess }> {
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

/**
 * Compiles mirror-bridge.ts and the src/ it imports with tsconfig.build.json's settings
 * into node_modules/.cache (bare imports resolve from there; its package.json makes the
 * output ESM and carries the version src/ouro reads). Returns the entry point.
 */
export async function compileBridge(): Promise<string> {
  const out = join(ROOT, 'node_modules/.cache/ouro-bridge-bench');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module', version }));
  const config = join(out, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.build.json'),
      compilerOptions: { rootDir: ROOT, outDir: out },
      include: [],
      files: [join(ROOT, 'bench/mirror-bridge.ts')],
    }),
  );
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const code = await new Promise<number | null>((resolve) => spawn(process.execPath, [tsc, '-p', config], { stdio: 'inherit' }).once('exit', resolve));
  if (code !== 0) throw new Error(`tsc exited with ${code} compiling the bench bridge`);
  return join(out, 'bench/mirror-bridge.js');
}

/**
 * Runs one bridge process per replica and keeps them in step: each prints `BARRIER name`
 * and waits; once every one has, each gets a line on stdin. Replica i+1 starts after i is
 * ready, so their start-up migrations do not race.
 */
export async function bridgeProcesses(
  runtime: Runtime,
  entry: string,
  args: BridgeArgs[],
  /** Runs once all have reached barrier `name`, before they are released. */
  atBarrier: (name: string) => Promise<void> = async () => {},
): Promise<BridgeResult[]> {
  const children: { child: ChildProcess; out: string; waiting?: () => void }[] = [];
  const results: Promise<BridgeResult>[] = [];
  const arrived = new Set<number>();
  let failed: unknown;
  const maybeRelease = (name: string) => {
    if (arrived.size < args.length) return;
    arrived.clear();
    atBarrier(name).then(
      () => {
        for (const c of children) c.child.stdin!.write('go\n');
      },
      (err: unknown) => {
        failed = err;
        for (const c of children) c.child.kill();
      },
    );
  };
  // Bridge processes run under the flags `npm start` gives (src/cli/node-flags.ts). Extra
  // ones come after, so they win: e.g. BENCH_BRIDGE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof"
  // to profile the bridge, or "--max-semi-space-size=16" for Node's default young generation.
  const extra = process.env.BENCH_BRIDGE_FLAGS?.split(' ').filter(Boolean) ?? [];
  for (const [i, a] of args.entries()) {
    const flags = ['--expose-gc', ...NODE_FLAGS, ...extra, ...(runtime === 'tsx' ? ['--import', 'tsx'] : [])];
    const argv = [...flags, entry, JSON.stringify(a)];
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    const c = { child, out: '' };
    children.push(c);
    let ready: () => void = () => {};
    const started = new Promise<void>((r) => (ready = r));
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      c.out += chunk.toString('utf8');
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (!line.startsWith('BARRIER ')) continue;
        ready();
        arrived.add(i);
        maybeRelease(line.slice('BARRIER '.length));
      }
    });
    results.push(
      new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => {
          ready();
          const last = c.out.trim().split('\n').pop() ?? '';
          if (code !== 0 || !last.startsWith('{')) return reject(new Error(`bridge bench process exited with ${code}: ${c.out.slice(-500)}`));
          try {
            resolve(JSON.parse(last) as BridgeResult);
          } catch (err) {
            reject(err as Error);
          }
        });
      }),
    );
    await started;
  }
  try {
    const all = await Promise.all(results).catch((err: unknown) => {
      throw failed ?? err;
    });
    if (failed) throw failed;
    return all;
  } finally {
    for (const c of children) if (c.child.exitCode === null) c.child.kill();
  }
}
