/**
 * Usage handling of `start`, `demo` and `jobs`, through the real binary: help exits 0 with
 * the usage text, anything malformed exits 2 with one reason before anything starts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = (...args: string[]) => run({}, ...args);
const run = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, [resolve(ROOT, 'bin/ouro-bridge.js'), ...args], {
    cwd: ROOT,
    // OURO_API_KEY is set so that a usage error, not the missing key, is what stops `start`.
    env: { OURO_API_KEY: 'pat-unused', OURO_BASE_URL: 'http://127.0.0.1:9', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });

describe('ouro-bridge start/demo/jobs usage', () => {
  it.each([
    [['start', '--help'], /^Usage: ouro-bridge start \[--console\]/],
    [['demo', '--help'], /^Usage: ouro-bridge demo \[--port N\]/],
    [['jobs', '--help'], /^Usage: ouro-bridge jobs <list\|retry\|drop>/],
  ])('%j prints its usage and exits 0', (args, usage) => {
    const r = cli(...args);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(usage);
  });

  it.each([
    [['start', '--frob'], 'ouro-bridge start: unknown option --frob'],
    [['start', 'now'], 'ouro-bridge start: unexpected argument "now"'],
    [['start', '--console-session', 'x'], 'ouro-bridge start: --console-session needs --console'],
    [['demo', '--port'], 'ouro-bridge demo: --port needs a value'],
    [['demo', 'extra'], 'ouro-bridge demo: unexpected argument "extra"'],
  ])('%j exits 2: %s', (args, line) => {
    const r = cli(...args);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(line);
    expect(r.stdout).toBe('');
  });
});

describe('ouro-bridge start when Ouro cannot be reached', () => {
  it('exits 1 with one line saying why (after the client has retried)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-start-'));
    try {
      // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
      const r = run({ DATABASE_URL: `sqlite:${join(dir, 'b.db')}`, PORT: '0', LOG_LEVEL: 'silent' }, 'start');
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^ouro-bridge start: cannot start: connection to Ouro failed/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
