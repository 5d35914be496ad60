import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from './router.ts';
import type { SandboxState, UserRec } from './state.ts';

/**
 * Ouro's auth as clients see it: a PAT is exchanged for a JWT-shaped access token
 * (`header.payload.signature`, base64url; clients decode `exp` to refresh early), which is
 * then sent raw in `Authorization`. HS256 over the state's secret.
 */

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

/** A short digest naming the API key a token came from, so revoking the key ends its tokens too. */
export const keyTag = (apiKey: string) => createHash('sha256').update(apiKey).digest('base64url').slice(0, 16);

export function issueToken(state: SandboxState, user: UserRec, ttlSeconds: number, nowMs = Date.now(), apiKey?: string): string {
  const iat = Math.floor(nowMs / 1000);
  // Rounded up so a token always lives at least `ttlSeconds` (JWT times are whole seconds).
  const exp = Math.ceil(nowMs / 1000) + ttlSeconds;
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({
      sub: user.id,
      aud: 'authenticated',
      role: 'authenticated',
      iat,
      exp,
      session_id: randomBytes(8).toString('hex'),
      ...(apiKey ? { key: keyTag(apiKey) } : {}),
    }),
  );
  const sig = createHmac('sha256', state.secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${sig}`;
}

export function newRefreshToken(): string {
  return randomBytes(24).toString('base64url');
}

export function newApiKey(): string {
  // Ouro PATs are long hex strings.
  return randomBytes(32).toString('hex');
}

const HINT = 'Send the access token from POST /users/get-token as the raw Authorization value, without "Bearer ".';

/** The user behind an `Authorization` header value, or the 401 Ouro would give. */
export function authenticate(state: SandboxState, header: string | undefined, nowMs = Date.now()): UserRec {
  if (!header) throw new ApiError(401, 'missing_authorization', 'Authorization header is required', HINT);
  // The real backend prefixes "Bearer " itself, so a client-sent "Bearer <jwt>" becomes a
  // double prefix that fails JWT parsing; the same message covers any non-JWT value (e.g. the PAT).
  const parts = header.split('.');
  if (header.includes(' ') || parts.length !== 3) {
    throw new ApiError(401, 'invalid_jwt', 'JWT cryptographic operation failed', HINT);
  }
  const [h, p, sig] = parts as [string, string, string];
  const expected = createHmac('sha256', state.secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ApiError(401, 'invalid_jwt', 'JWT cryptographic operation failed', HINT);
  }
  let claims: { sub?: unknown; exp?: unknown; key?: unknown };
  try {
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    throw new ApiError(401, 'invalid_jwt', 'JWT cryptographic operation failed', HINT);
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) {
    throw new ApiError(401, 'jwt_expired', 'JWT expired', 'Exchange the API key again: POST /users/get-token');
  }
  if (typeof claims.key === 'string' && !state.apiKeys.some((k) => keyTag(k.key) === claims.key)) {
    throw new ApiError(401, 'api_key_revoked', 'The API key this session was created with has been revoked');
  }
  const user = state.users.find((u) => u.id === claims.sub);
  if (!user) throw new ApiError(401, 'invalid_jwt', 'User from sub claim in JWT does not exist');
  return user;
}
