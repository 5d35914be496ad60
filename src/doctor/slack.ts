/**
 * Slack: the bot token (`auth.test`), the scopes it was granted against the manifest's,
 * and the connection mode: Socket Mode's `apps.connections.open` with the app token, or
 * the signing secret for HTTP mode.
 */
import { webApi } from '@slack/bolt';
import type { Config } from '../config.ts';
import { BOT_SCOPES } from '../adapters/slack/manifest.ts';
import { normaliseApiUrl } from '../adapters/slack/index.ts';
import { CHECK_TIMEOUT_MS, CheckTimeout, libraryTimeout, fail, oneLine, pass, skip, withTimeout, type CheckResult } from './check.ts';

type SlackConfig = NonNullable<Config['slack']>;

const QUIET: webApi.Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => webApi.LogLevel.ERROR,
  setName: () => undefined,
};

/** Slack's error codes for a token that is not (or no longer) good. */
const BAD_TOKEN = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

function client(token: string, apiUrl: string | undefined, timeoutMs: number): webApi.WebClient {
  const slackApiUrl = normaliseApiUrl(apiUrl);
  return new webApi.WebClient(token, {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    // The doctor reports what happens now: no retries, no waiting out a rate limit.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: libraryTimeout(timeoutMs),
    logger: QUIET,
  });
}

/** Why a Web API call failed; `tokenFix` is the advice when Slack rejected the token. */
function explain(name: string, err: unknown, where: string, tokenFix: string, otherFix: string): CheckResult {
  if (err instanceof CheckTimeout)
    return fail('slack', name, `no answer from ${where} within ${err.ms / 1000} s`, `check SLACK_API_URL and that this host can reach ${where}`);
  const e = err as { code?: string; data?: { error?: string }; statusCode?: number; original?: Error };
  if (e.code === webApi.ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown_error';
    return fail('slack', name, `Slack answered "${code}"`, BAD_TOKEN.has(code) ? tokenFix : otherFix);
  }
  if (e.code === webApi.ErrorCode.RequestError) {
    return fail('slack', name, `cannot reach ${where}: ${oneLine(e.original ?? err)}`, `check SLACK_API_URL and that this host can reach ${where}`);
  }
  if (e.code === webApi.ErrorCode.HTTPError)
    return fail('slack', name, `${where} answered HTTP ${e.statusCode}`, `check SLACK_API_URL (it must be the Web API base, e.g. https://slack.com/api/)`);
  if (e.code === webApi.ErrorCode.RateLimitedError) return fail('slack', name, 'Slack rate-limited the call', 'try again in a minute');
  return fail('slack', name, oneLine(err), otherFix);
}

export async function checkSlack(config: Config, timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckResult[]> {
  const slack = config.slack;
  if (!slack) return [skip('slack', 'configured', 'SLACK_BOT_TOKEN is not set: Slack is off')];
  const where = normaliseApiUrl(slack.apiUrl) ?? 'https://slack.com/api/';
  const results: CheckResult[] = [];

  // The connection mode does not depend on the bot token: ask Slack about both at once.
  const mode = modeCheck(slack, where, timeoutMs);
  const token = 'bot token (auth.test)';
  const scopes = 'granted scopes';
  let granted: string[] | undefined;
  try {
    const res = await withTimeout(timeoutMs, () => client(slack.botToken, slack.apiUrl, timeoutMs).auth.test());
    granted = res.response_metadata?.scopes;
    const bot = res.user ? `@${res.user}` : (res.user_id ?? 'unknown');
    results.push(pass('slack', token, `workspace "${res.team ?? '?'}" (${res.team_id ?? '?'}), bot ${bot}`));
  } catch (err) {
    const fix = "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page into SLACK_BOT_TOKEN (install the app first)";
    results.push(explain(token, err, where, fix, fix));
    results.push(skip('slack', scopes, 'needs a valid bot token'));
  }
  if (results[0]!.ok === true) results.push(scopeCheck(scopes, granted));

  results.push(await mode);
  return results;
}

/** Missing scopes are named; extra ones are fine (an app may do more than the bridge). */
export function scopeCheck(name: string, granted: readonly string[] | undefined): CheckResult {
  if (granted === undefined) {
    return fail(
      'slack',
      name,
      "Slack did not report the token's scopes (no x-oauth-scopes header)",
      "check that SLACK_API_URL is Slack's Web API and not a proxy that drops headers",
    );
  }
  const have = new Set(granted);
  const missing = BOT_SCOPES.filter((s) => !have.has(s));
  if (missing.length === 0) return pass('slack', name, `all ${BOT_SCOPES.length} scopes of the manifest`);
  return fail(
    'slack',
    name,
    `missing ${missing.length} of ${BOT_SCOPES.length}: ${missing.join(', ')}${missing.includes('files:read') ? ' (without files:read, files shared in mirrored threads reach Ouro only as links)' : ''}`,
    'add them under OAuth & Permissions → Bot Token Scopes (or recreate the app from `ouro-bridge manifest`), then reinstall the app to the workspace',
  );
}

async function modeCheck(slack: SlackConfig, where: string, timeoutMs: number): Promise<CheckResult> {
  if (!slack.appToken) {
    const name = 'HTTP mode (signing secret)';
    if (!slack.signingSecret)
      return fail(
        'slack',
        name,
        'SLACK_SIGNING_SECRET is not set',
        "copy the Signing Secret from the app's Basic Information page, or set SLACK_APP_TOKEN for Socket Mode",
      );
    return pass('slack', name, 'SLACK_SIGNING_SECRET is set; Slack must reach https://<your host>/slack/events');
  }
  const name = 'Socket Mode (apps.connections.open)';
  // Only the URL is asked for, no WebSocket is opened: Slack spreads events over every open
  // connection of the app, so a probe connection could take events from a running bridge.
  try {
    await withTimeout(timeoutMs, () => client(slack.appToken!, slack.apiUrl, timeoutMs).apps.connections.open());
    return pass('slack', name, 'the app token may open Socket Mode connections');
  } catch (err) {
    return explain(
      name,
      err,
      where,
      'create an app-level token with the connections:write scope (Basic Information → App-Level Tokens) and set SLACK_APP_TOKEN (xapp-…)',
      'enable Socket Mode in the app settings, and give SLACK_APP_TOKEN an app-level token with connections:write',
    );
  }
}
