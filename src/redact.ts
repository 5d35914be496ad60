/**
 * Tokens out of text: what is logged and what is shown in chat passes through `stripTokens`.
 * Every pattern is linear (bounded or single quantifiers, no nested repetition).
 */

const PATTERNS: [RegExp, string][] = [
  // Discord webhook and interaction URLs carry their token as a path segment (a webhook's never expires).
  [/(\/(?:webhooks|interactions)\/\d+\/)[A-Za-z0-9._~-]+/g, '$1[token]'],
  // Slack response_url / incoming-webhook paths: …/commands|actions|services/T…/…/<token>.
  [/(\/(?:commands|actions|services|workflows|triggers)\/T[A-Z0-9]+\/)[^\s"'<>]+/g, '$1[token]'],
  // Slack tokens: bot, user, app-level, refresh, config.
  [/\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+/g, '[token]'],
  // JWTs (Ouro access tokens).
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[jwt]'],
  // Discord bot tokens: base64 user id . timestamp . HMAC.
  [/\b[A-Za-z0-9_-]{23,30}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}/g, '[token]'],
  // Authorization header values.
  [/\b(Bot|Bearer) [A-Za-z0-9._~+/=-]+/g, '$1 [token]'],
  // Token-named fields inside serialized JSON (request bodies, interaction payloads).
  [/("(?:token|access_token|refresh_token|pat|apiKey|api_key|authorization|client_secret)"\s*:\s*")[^"]*"/gi, '$1[Redacted]"'],
];

export function stripTokens(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const [re, to] of PATTERNS) out = out.replace(re, to);
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[Redacted]');
  return out;
}

/**
 * An error as a log line may carry it: its class, status and message (tokens stripped from
 * any URL in them), and the stack only for errors of our own code. A platform error's
 * request body, headers and raw answer are left out: they carry tokens and people's text.
 */
export function safeError(err: unknown): Record<string, unknown> | string {
  if (!(err instanceof Error)) return stripTokens(typeof err === 'string' ? err : safeJson(err));
  const e = err as Error & {
    status?: unknown;
    httpStatus?: unknown;
    statusCode?: unknown;
    code?: unknown;
    method?: unknown;
    url?: unknown;
    data?: { error?: unknown };
  };
  const status = [e.status, e.httpStatus, e.statusCode].find((v) => typeof v === 'number') as number | undefined;
  const platform = status !== undefined || typeof e.url === 'string' || typeof e.code === 'string';
  const out: Record<string, unknown> = { type: e.name, message: stripTokens(e.message) };
  if (status !== undefined) out.status = status;
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  if (typeof e.method === 'string') out.method = e.method;
  if (typeof e.url === 'string') out.url = stripTokens(e.url.split('?')[0]!);
  if (typeof e.data?.error === 'string') out.error = e.data.error; // Slack's `error` code
  if (!platform && e.stack) out.stack = stripTokens(e.stack);
  if (e.cause !== undefined) out.cause = safeError(e.cause);
  return out;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
