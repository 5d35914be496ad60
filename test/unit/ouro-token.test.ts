import { describe, expect, it } from 'vitest';
import { TokenManager } from '../../src/ouro/token.ts';
import { sleep } from '../helpers/eventually.ts';

const jwt = (expSeconds: number, n: number) =>
  `${Buffer.from('{}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp: expSeconds, n })).toString('base64url')}.s`;

/** An exchange that answers tokens living `ttl` seconds from the fake clock, counting calls. */
function setup(ttl: number) {
  let now = 1_000_000_000_000;
  let n = 0;
  let release: (() => void) | undefined;
  let gated = false;
  const tm = new TokenManager(
    async () => {
      n++;
      if (gated) await new Promise<void>((r) => (release = r));
      return { token: jwt(Math.floor(now / 1000) + ttl, n), keyName: 'k' };
    },
    () => now,
  );
  return {
    tm,
    count: () => n,
    advance: (ms: number) => (now += ms),
    gate: () => (gated = true),
    open: () => release?.(),
  };
}

describe('TokenManager', () => {
  it('reuses a token until 300 s before exp, then re-exchanges', async () => {
    const s = setup(3600);
    const a = await s.tm.get();
    expect(a.keyName).toBe('k');
    s.advance(3600_000 - 300_001);
    expect((await s.tm.get()).token).toBe(a.token);
    s.advance(1);
    expect((await s.tm.get()).token).not.toBe(a.token);
    expect(s.count()).toBe(2);
  });

  it('a token living under 300 s is re-exchanged on every get', async () => {
    const s = setup(120);
    await s.tm.get();
    await s.tm.get();
    await s.tm.get();
    expect(s.count()).toBe(3);
  });

  it('concurrent gets share one exchange', async () => {
    const s = setup(3600);
    s.gate();
    const all = Promise.all([s.tm.get(), s.tm.get(), s.tm.get()]);
    await sleep(5);
    s.open();
    const tokens = (await all).map((x) => x.token);
    expect(new Set(tokens).size).toBe(1);
    expect(s.count()).toBe(1);
  });

  it('invalidate forgets only the token it names', async () => {
    const s = setup(3600);
    const a = await s.tm.get();
    s.tm.invalidate('some-older-token');
    expect((await s.tm.get()).token).toBe(a.token);
    s.tm.invalidate(a.token);
    expect((await s.tm.get()).token).not.toBe(a.token);
    expect(s.count()).toBe(2);
  });

  it('a waiting caller can give up without cancelling the shared exchange', async () => {
    const s = setup(3600);
    s.gate();
    const ctrl = new AbortController();
    const mine = s.tm.get(ctrl.signal);
    const other = s.tm.get();
    ctrl.abort(new Error('bye'));
    await expect(mine).rejects.toThrow('bye');
    await sleep(5);
    s.open();
    expect((await other).token).toContain('.');
    expect(s.count()).toBe(1);
  });

  it('a failed exchange is not cached: the next get tries again', async () => {
    let n = 0;
    const tm = new TokenManager(async () => {
      if (++n === 1) throw new Error('down');
      return { token: 'opaque-no-exp' };
    }, Date.now);
    await expect(tm.get()).rejects.toThrow('down');
    expect((await tm.get()).token).toBe('opaque-no-exp');
    // No readable exp: never refreshed proactively (only a 401 replaces it).
    expect((await tm.get()).token).toBe('opaque-no-exp');
    expect(n).toBe(2);
  });
});
