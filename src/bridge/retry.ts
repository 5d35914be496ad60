/**
 * What a failure means for a job: retry later (and when), give up now, or count as done.
 * Classification is structural (status, code, retryAfterMs, name) so the core does not
 * import the Ouro client's error classes. The timing is the shared policy's (src/retry.ts).
 */
import { RETRYABLE_STATUS } from '../retry.ts';

export interface Disposition {
  retry: boolean;
  /** Server-requested wait (Retry-After), when given. */
  retryAfterMs?: number;
}

/** Errors a job throws on purpose to wait for something (e.g. a thread root not yet recorded). */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  /** False for a wait on other work (not a failure): the run is not counted against the retry budget. */
  readonly countsAsAttempt: boolean;
  constructor(
    message: string,
    readonly retryAfterMs: number,
    opts: { countsAsAttempt?: boolean } = {},
  ) {
    super(message);
    this.countsAsAttempt = opts.countsAsAttempt ?? true;
  }
}

/** A failure no retry can fix (bad input, a 4xx): the job goes dead at once, error kept. */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

function statusOf(err: Record<string, unknown>): number | undefined {
  const s = err.status ?? err.statusCode;
  const n = typeof s === 'string' ? Number(s) : s;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

export function classify(err: unknown): Disposition {
  if (err instanceof PermanentError) return { retry: false };
  if (!err || typeof err !== 'object') return { retry: true };
  const e = err as Record<string, unknown>;
  const retryAfterMs = typeof e.retryAfterMs === 'number' && e.retryAfterMs >= 0 ? e.retryAfterMs : undefined;
  const status = statusOf(e);
  if (status !== undefined && status >= 400 && status < 500 && !RETRYABLE_STATUS.has(status)) return { retry: false };
  // Everything else — 5xx, 429, timeouts, connection resets, and errors we cannot place —
  // is retried until the budget runs out: a dead job with its error beats a lost message.
  return retryAfterMs === undefined ? { retry: true } : { retry: true, retryAfterMs };
}

/** The sandbox (and, we assume, Ouro) answers 409 `duplicate_message_id` to a reused message id. */
export function isDuplicateMessage(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as Record<string, unknown>;
  if (statusOf(e) !== 409) return false;
  const text = `${String(e.code ?? '')} ${String(e.message ?? '')}`;
  return /duplicate/i.test(text);
}
