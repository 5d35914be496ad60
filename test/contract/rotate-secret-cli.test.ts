import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/accounts/secret-box.ts';
import { openStore } from '../../src/store/index.ts';

/** `ouro-bridge rotate-secret` as an operator runs it: a real process against a real store file. */

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-rotate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rotate(env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run('node', ['bin/ouro-bridge.js', 'rotate-secret'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ouro-bridge rotate-secret', () => {
  it('re-seals every linked key under BRIDGE_SECRET_KEY_NEW; the old secret no longer opens them', async () => {
    const file = join(dir, 'bridge.db');
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const person = { platform: 'slack' as const, workspace: 'T1', chatUserId: 'U1' };
    const store = await openStore({ engine: 'sqlite', path: file });
    await store.putAccountLink({
      ...person,
      sealedKey: createSecretBox(oldKey).seal('the-key', 'slack:T1:U1'),
      ouroUserId: 'u-1',
      ouroUsername: 'bob',
      ouroName: null,
      chatName: null,
      chatAvatarUrl: null,
      linkedAt: 1,
    });
    await store.close();

    const missing = await rotate({ DATABASE_URL: `sqlite:${file}`, BRIDGE_SECRET_KEY: oldKey.toString('base64') });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('BRIDGE_SECRET_KEY_NEW');

    const r = await rotate({ DATABASE_URL: `sqlite:${file}`, BRIDGE_SECRET_KEY: oldKey.toString('base64'), BRIDGE_SECRET_KEY_NEW: newKey.toString('hex') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 linked key(s) now sealed under BRIDGE_SECRET_KEY_NEW');
    expect(`${r.stdout}${r.stderr}`).not.toContain(oldKey.toString('base64'));

    const after = await openStore({ engine: 'sqlite', path: file });
    const sealed = (await after.getAccountLink(person))!.sealedKey;
    await after.close();
    expect(createSecretBox(newKey).open(sealed, 'slack:T1:U1')).toBe('the-key');
    expect(() => createSecretBox(oldKey).open(sealed, 'slack:T1:U1')).toThrow();
  });
});
