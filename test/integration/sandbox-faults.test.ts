import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ouroFetch, sandboxToken, withSandbox } from '../helpers/sandbox.ts';
import { sleep } from '../helpers/eventually.ts';

describe('sandbox fault injection and request log', () => {
  const sandbox = withSandbox();
  let token = '';
  const user = () => ouroFetch(sandbox(), token, 'GET', '/user');

  beforeAll(async () => {
    token = await sandboxToken(sandbox());
  });
  afterEach(() => sandbox().faults.clear());

  it('answers 429 with Retry-After for exactly N calls, then serves normally', async () => {
    sandbox().faults.add({ route: 'GET /user', mode: '429', retryAfterSeconds: 7, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await user();
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.body).toEqual({ data: null, error: expect.objectContaining({ status: 429, code: 'rate_limited' }) });
    }
    expect((await user()).status).toBe(200);
  });

  it('matches RegExps against "METHOD /path" and leaves other routes alone', async () => {
    sandbox().faults.add({ route: /^GET \/conversations/, mode: '500' });
    expect((await ouroFetch(sandbox(), token, 'GET', '/conversations')).status).toBe(500);
    expect((await user()).status).toBe(200);
  });

  it('replies 200 with an error object in 200-error mode', async () => {
    sandbox().faults.add({ route: '/user', mode: '200-error', errorStatus: 404, times: 1 });
    const res = await user();
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(res.body.error).toMatchObject({ status: 404, message: expect.any(String) });
  });

  it('drops the connection in drop mode and delays in slow mode', async () => {
    sandbox().faults.add({ route: 'GET /user', mode: 'drop', times: 1 });
    await expect(user()).rejects.toThrow();
    sandbox().faults.add({ route: 'GET /user', mode: 'slow', delayMs: 300, times: 1 });
    const started = Date.now();
    expect((await user()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('expires a fault after forMs', async () => {
    sandbox().faults.add({ route: 'GET /user', mode: '500', forMs: 1_000 });
    expect((await user()).status).toBe(500);
    await sleep(1_100);
    expect((await user()).status).toBe(200);
  });

  it('is controllable over HTTP (/_sandbox/faults) and validates the spec', async () => {
    const post = (body: unknown) =>
      fetch(`${sandbox().url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ route: '^GET /us', regex: true, mode: '429', retryAfterSeconds: 2 })).status).toBe(200);
    const limited = await user();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await fetch(`${sandbox().url}/_sandbox/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await user()).status).toBe(200);
    const bad = await post({ route: 'GET /user', mode: 'explode' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('mode must be one of');
  });

  it('logs every API request (not control routes) for "one fetch per tick" assertions', async () => {
    const from = sandbox().requests.length;
    await user();
    await ouroFetch(sandbox(), token, 'GET', '/conversations?limit=5');
    const state = (await (await fetch(`${sandbox().url}/_sandbox/state`)).json()) as Record<string, unknown>;
    expect(state).toMatchObject({ users: [expect.objectContaining({ username: 'sandbox-bot' })], requests: from + 2 });
    expect(state).not.toHaveProperty('secret');
    expect(
      sandbox()
        .requests.slice(from)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual(['GET /user', 'GET /conversations']);
  });
});
