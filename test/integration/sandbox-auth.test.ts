import { describe, expect, it } from 'vitest';
import { ouroFetch, sandboxToken, withSandbox } from '../helpers/sandbox.ts';
import { sleep } from '../helpers/eventually.ts';

const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('sandbox auth: token exchange, raw Authorization, expiry', () => {
  const sandbox = withSandbox({ tokenTtlSeconds: 1 });

  it('exchanges the PAT for an unenveloped JWT-shaped token whose payload carries sub, iat, exp', async () => {
    const res = await ouroFetch(sandbox(), undefined, 'POST', '/users/get-token', { pat: sandbox().apiKey });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'api_key_name', 'refresh_token']);
    expect(res.body.access_token.split('.')).toHaveLength(3);
    expect(typeof res.body.refresh_token).toBe('string');
    const claims = decode(res.body.access_token);
    expect(claims.sub).toBe(sandbox().bot.id);
    // At least the TTL (1 s), at most one second more: exp is rounded up to a whole second.
    expect([1, 2]).toContain((claims.exp as number) - (claims.iat as number));
  });

  it('refuses an unknown PAT and a body without one', async () => {
    const bad = await ouroFetch(sandbox(), undefined, 'POST', '/users/get-token', { pat: 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.message).toMatch(/invalid api key/i);
    const missing = await ouroFetch(sandbox(), undefined, 'POST', '/users/get-token', {});
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ data: null, error: expect.objectContaining({ status: 400, code: 'invalid_body' }) });
  });

  it('accepts the raw token and answers /user in the envelope', async () => {
    const token = await sandboxToken(sandbox());
    const res = await ouroFetch(sandbox(), token, 'GET', '/user');
    expect(res.status).toBe(200);
    expect(res.body.error).toBeNull();
    expect(res.body.data).toMatchObject({ id: sandbox().bot.id, username: sandbox().bot.username, email: expect.any(String) });
  });

  it('rejects "Bearer <token>" and the raw PAT with a JWT error, and a missing header', async () => {
    const token = await sandboxToken(sandbox());
    for (const value of [`Bearer ${token}`, sandbox().apiKey]) {
      const res = await ouroFetch(sandbox(), value, 'GET', '/user');
      expect(res.status).toBe(401);
      expect(res.body.data).toBeNull();
      expect(res.body.error).toMatchObject({ status: 401, code: 'invalid_jwt', message: 'JWT cryptographic operation failed' });
      expect(res.body.error.hint).toMatch(/without "Bearer/);
    }
    const none = await ouroFetch(sandbox(), undefined, 'GET', '/user');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('missing_authorization');
  });

  it('rejects a tampered token', async () => {
    const token = await sandboxToken(sandbox());
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: sandbox().bot.id, exp: 9_999_999_999 })).toString('base64url');
    const res = await ouroFetch(sandbox(), `${h}.${forged}.${s}`, 'GET', '/user');
    expect(res.status).toBe(401);
  });

  it('expires the token after tokenTtlSeconds; a fresh exchange works again', async () => {
    const token = await sandboxToken(sandbox());
    expect((await ouroFetch(sandbox(), token, 'GET', '/user')).status).toBe(200);
    // A 1 s token lives 1–2 s (exp rounds up to a whole second): after 2.1 s it is expired.
    await sleep(2_100);
    const expired = await ouroFetch(sandbox(), token, 'GET', '/user');
    expect(expired.status).toBe(401);
    expect(expired.body.error).toMatchObject({ code: 'jwt_expired', message: 'JWT expired' });
    const again = await ouroFetch(sandbox(), await sandboxToken(sandbox()), 'GET', '/user');
    expect(again.status).toBe(200);
  });

  it('answers unknown routes and wrong methods with the error envelope', async () => {
    const token = await sandboxToken(sandbox());
    const missing = await ouroFetch(sandbox(), token, 'GET', '/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('route_not_found');
    const method = await ouroFetch(sandbox(), token, 'DELETE', '/user');
    expect(method.status).toBe(405);
  });
});
