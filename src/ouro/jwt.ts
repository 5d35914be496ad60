/** Reading a JWT's `exp` without verifying it: the client only needs to know when to refresh. */

/** Expiry in ms since epoch, or undefined when the token is not a JWT with a numeric `exp`. */
export function jwtExpiryMs(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const exp = (payload as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The SDK re-exchanges the PAT when within 300 s of `exp` (docs/ouro-api.md §1.2 step 4). */
export const REFRESH_MARGIN_MS = 300_000;

/** True when the token must be re-exchanged now; a token without readable `exp` never is. */
export function needsRefresh(expiryMs: number | undefined, now: number): boolean {
  return expiryMs !== undefined && now >= expiryMs - REFRESH_MARGIN_MS;
}
