/**
 * Ouro: the API key is exchanged for a session token, then `GET /user` says whose key it
 * is. A failure says which of the two is wrong, the key (401/403) or the address
 * (no connection, no answer, no Ouro API there).
 */
import type { Config } from '../config.ts';
import {
  createOuroClient,
  OuroAuthenticationError,
  OuroConnectionError,
  OuroError,
  OuroNotFoundError,
  OuroPermissionDeniedError,
  OuroTimeoutError,
} from '../ouro/index.ts';
import { CHECK_TIMEOUT_MS, CheckTimeout, libraryTimeout, fail, oneLine, pass, skip, withTimeout, type CheckResult } from './check.ts';

const KEY_FIX = 'create a personal access token at https://ouro.foundation/settings/api-keys and set OURO_API_KEY to it';

function explain(err: unknown, baseUrl: string, name: string, timeoutMs: number): CheckResult {
  const unreachable = `check OURO_BASE_URL (now ${baseUrl}) and that this host can reach it`;
  if (err instanceof OuroAuthenticationError || err instanceof OuroPermissionDeniedError) {
    return fail('ouro', name, `Ouro refused the API key (${err.status}): ${err.message}`, `the key is wrong, expired or revoked: ${KEY_FIX}`);
  }
  if (err instanceof OuroTimeoutError || err instanceof CheckTimeout) {
    return fail('ouro', name, `no answer from ${baseUrl} within ${timeoutMs / 1000} s`, unreachable);
  }
  if (err instanceof OuroConnectionError) {
    return fail('ouro', name, `cannot reach ${baseUrl}: ${oneLine(err)}`, unreachable);
  }
  if (err instanceof OuroNotFoundError) {
    return fail(
      'ouro',
      name,
      `${baseUrl} answered 404 for ${err.url}: it is not the Ouro API`,
      'set OURO_BASE_URL to the API base, e.g. https://api.ouro.foundation',
    );
  }
  if (err instanceof OuroError) {
    return fail(
      'ouro',
      name,
      `Ouro answered ${err.status || 'with an error'} for ${err.method} ${err.url}: ${oneLine(err)}`,
      `try again later; if it persists, ${unreachable}`,
    );
  }
  return fail('ouro', name, oneLine(err), unreachable);
}

export async function checkOuro(config: Config, timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckResult[]> {
  const exchange = 'API key exchange';
  const user = 'GET /user';
  const { apiKey, baseUrl } = config.ouro;
  if (!apiKey) {
    return [fail('ouro', exchange, 'OURO_API_KEY is not set', KEY_FIX), skip('ouro', user, 'needs an API key')];
  }
  // retries: 0 — the doctor reports what happens now; the bridge itself retries.
  const client = createOuroClient({ baseUrl, apiKey, timeoutMs: libraryTimeout(timeoutMs), retries: 0 });
  try {
    try {
      await withTimeout(timeoutMs, () => client.auth.token());
    } catch (err) {
      return [explain(err, baseUrl, exchange, timeoutMs), skip('ouro', user, 'needs a working key exchange')];
    }
    const results = [pass('ouro', exchange, `${baseUrl} accepted the key`)];
    try {
      const me = await withTimeout(timeoutMs, (signal) => client.auth.whoami(signal));
      results.push(pass('ouro', user, `the key belongs to ${me.username ? `@${me.username}` : 'a user without a username'} (${me.id})`));
    } catch (err) {
      results.push(explain(err, baseUrl, user, timeoutMs));
    }
    return results;
  } finally {
    // Not awaited: closing waits for an abandoned (timed-out) request to end.
    void client.close().catch(() => undefined);
  }
}
