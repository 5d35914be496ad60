/**
 * Any failure → words for the person who ran the command. Ouro's typed errors carry status,
 * code and hint (src/ouro/errors.ts); SQL errors keep the Postgres message and hint. What
 * only the operator can act on (a connection error's address, a 5xx's or our own error's
 * message, a stack) stays in the log: chat gets words, never internals or tokens.
 */
import {
  OuroConnectionError,
  OuroError,
  OuroNotFoundError,
  OuroPermissionDeniedError,
  OuroRateLimitError,
  OuroTimeoutError,
  OuroTooLargeError,
} from '../ouro/errors.ts';
import { stripTokens } from '../redact.ts';
import { ParseError } from './parse.ts';
import { UserError } from './spec.ts';

// SQLSTATE 57014 = query_canceled: what Postgres (and Ouro) report when statement_timeout fires.
const QUERY_CANCELED = '57014';

/** What chat is told about a failure inside the bridge; the details go to the log. */
export const INTERNAL_FAILURE =
  'Something went wrong inside the bridge, so this was not done. Try again; if it keeps failing, tell the bridge’s operator (the details are in its log).';

export interface Described {
  text: string;
  /** Unexpected: worth an error log line. */
  unexpected: boolean;
}

export function describeError(err: unknown, opts: { isQuery?: boolean; actingAs?: 'person' | 'bot' } = {}): Described {
  const noRetry = opts.isQuery ? ' The query was not retried.' : '';
  if (err instanceof UserError || err instanceof ParseError) return { text: err.message, unexpected: false };
  if (
    err instanceof OuroTimeoutError ||
    (err instanceof OuroError && (err.code === QUERY_CANCELED || /statement timeout|canceling statement/i.test(err.message)))
  ) {
    const text = opts.isQuery
      ? 'The query took longer than Ouro’s 10-second limit and was cancelled. Narrow it (a WHERE clause, an aggregate, a smaller LIMIT) and try again. It was not retried.'
      : 'Ouro did not answer in time. Try again in a moment.';
    return { text, unexpected: false };
  }
  if (err instanceof OuroTooLargeError) {
    const mb = Math.round(err.maxBytes / (1024 * 1024));
    return {
      text: `The answer is larger than the ${mb} MB the bridge reads from Ouro at once, so it was not read to the end. Narrow your query: fewer columns, a WHERE clause, an aggregate or a smaller LIMIT.`,
      unexpected: false,
    };
  }
  if (err instanceof OuroConnectionError) {
    return { text: `Ouro is unreachable right now. Try again in a moment.${noRetry}`, unexpected: false };
  }
  if (err instanceof OuroRateLimitError) {
    const s = err.retryAfterMs ? ` Try again in ${Math.ceil(err.retryAfterMs / 1000)} s.` : ' Try again shortly.';
    return { text: `Ouro is rate limiting the bridge.${s}`, unexpected: false };
  }
  if (err instanceof OuroNotFoundError) return { text: `Not found on Ouro: ${stripTokens(err.message)}`, unexpected: false };
  if (err instanceof OuroPermissionDeniedError) {
    const whose = opts.actingAs === 'person' ? 'your Ouro account may not do this' : "the bridge's Ouro account lacks access";
    return { text: `Ouro refused: ${stripTokens(err.message)} (${whose}).`, unexpected: false };
  }
  if (err instanceof OuroError && err.status >= 400 && err.status < 500) {
    const hint = err.hint ? `\nHint: ${err.hint}` : '';
    const code = err.code && /^[0-9A-Z]{5}$/.test(err.code) ? ` (SQLSTATE ${err.code})` : '';
    return { text: stripTokens(`Ouro rejected it: ${err.message}${code}${hint}`), unexpected: false };
  }
  if (err instanceof OuroError) {
    return { text: `Ouro answered with an error${err.status ? ` (HTTP ${err.status})` : ''}. Try again in a moment.${noRetry}`, unexpected: true };
  }
  return { text: INTERNAL_FAILURE, unexpected: true };
}
