import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.ts';
import { ouroFetch, sandboxToken } from '../helpers/sandbox.ts';
import { sleep } from '../helpers/eventually.ts';

const dir = mkdtempSync(join(tmpdir(), 'ouro-sandbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real CLI entry point with a clean environment (no stray SLACK_* etc.). */
function cli(args: string[]) {
  const child = spawn(process.execPath, ['bin/ouro-bridge.js', 'sandbox', ...args], {
    cwd: join(import.meta.dirname, '../..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exit, out: () => out, err: () => err };
}

describe('sandbox persistence and CLI', () => {
  it('persists state to --file and restores it, tokens included', async () => {
    const file = join(dir, 'state.json');
    const first = await startSandbox({ file });
    const token = await sandboxToken(first);
    const created = await ouroFetch(first, token, 'POST', '/conversations/create', { conversation: { name: 'kept', metadata: { members: [] } } });
    expect(created.status).toBe(200);
    await first.close();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { conversations: { name: string }[] };
    expect(saved.conversations.map((c) => c.name)).toEqual(['kept']);

    const second = await startSandbox({ file, seed: 'demo' });
    try {
      expect(second.apiKey).toBe(first.apiKey); // the file wins over seed
      const got = await ouroFetch(second, token, 'GET', `/conversations/${created.body.data.id}`);
      expect(got.status).toBe(200);
      expect(got.body.data.name).toBe('kept');
    } finally {
      await second.close();
    }
  });

  it('refuses a state file that is not sandbox state', async () => {
    const file = join(dir, 'bad.json');
    await import('node:fs').then((fs) => fs.writeFileSync(file, '{"hello": 1}'));
    await expect(startSandbox({ file })).rejects.toThrow(/does not look like sandbox state/);
  });

  it('prints URL, key and env lines, serves, and exits 0 on SIGTERM', async () => {
    const run = cli(['--port', '0', '--memory', '--seed', 'none', '--token-ttl', '60']);
    const deadline = Date.now() + 45_000;
    while (!/OURO_API_KEY=\S+/.test(run.out())) {
      if (Date.now() > deadline) throw new Error(`no key printed; stderr: ${run.err()}`);
      await sleep(50);
    }
    const url = /OURO_BASE_URL=(\S+)/.exec(run.out())![1]!;
    const key = /OURO_API_KEY=(\S+)/.exec(run.out())![1]!;
    expect(run.out()).toContain(`listening on ${url}`);
    const res = await fetch(`${url}/users/get-token`, { method: 'POST', body: JSON.stringify({ pat: key }) });
    const body = (await res.json()) as { access_token: string };
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1]!, 'base64url').toString()) as { exp: number; iat: number };
    expect(claims.exp - claims.iat).toBeGreaterThanOrEqual(60);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  }, 60_000);

  it('answers --help and refuses bad flags with exit 2', async () => {
    const help = cli(['--help']);
    expect(await help.exit).toBe(0);
    expect(help.out()).toContain('--webhook-url');
    const bad = cli(['--seed', 'lots']);
    expect(await bad.exit).toBe(2);
    expect(bad.err()).toContain('--seed must be demo or none');
  }, 60_000);
});
