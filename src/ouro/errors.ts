/**
 * Typed failures of the Ouro client (docs/ouro-api.md §2.2–2.3). The class follows the
 * status: the HTTP status, or `error.status`/`statusCode` from the body when present (a
 * 200-with-error body can be a 404). `url` is the request path only: it never carries the
 * token or the query string.
 */
import { RETRYABLE_STATUS } from '../retry.ts';

export interface OuroErrorInit {
  status: number;
  method: string;
  url: string;
  message: string;
  code?: string;
  hint?: string;
  details?: unknown;
  requestId?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

export class OuroError extends Error {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  /** Machine code (`asset_not_found`) or a Postgres SQLSTATE (`42703`) for SQL errors. */
  readonly code?: string;
  readonly hint?: string;
  readonly details?: unknown;
  /** The response's `x-request-id`, for support. */
  readonly requestId?: string;
  /** From `Retry-After` (seconds or HTTP date), when the server sent one. */
  readonly retryAfterMs?: number;

  constructor(init: OuroErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    if (init.code !== undefined) this.code = init.code;
    if (init.hint !== undefined) this.hint = init.hint;
    if (init.details !== undefined) this.details = init.details;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }
}

export class OuroBadRequestError extends OuroError {}
export class OuroAuthenticationError extends OuroError {}
export class OuroPermissionDeniedError extends OuroError {}
export class OuroNotFoundError extends OuroError {}
export class OuroConflictError extends OuroError {}
export class OuroUnprocessableError extends OuroError {}
export class OuroRateLimitError extends OuroError {}
export class OuroServerError extends OuroError {}

/** No response within the time allowed (status 0). */
export class OuroTimeoutError extends OuroError {}
/** The connection failed or broke before a response arrived (status 0). */
export class OuroConnectionError extends OuroError {}

/** The answer was larger than the caller reads (`maxBytes`); reading stopped there. */
export class OuroTooLargeError extends OuroError {
  constructor(init: OuroErrorInit & { maxBytes: number }) {
    super(init);
    this.maxBytes = init.maxBytes;
  }
  readonly maxBytes: number;
}

type ErrorClass = new (init: OuroErrorInit) => OuroError;

const BY_STATUS: Record<number, ErrorClass> = {
  400: OuroBadRequestError,
  401: OuroAuthenticationError,
  403: OuroPermissionDeniedError,
  404: OuroNotFoundError,
  409: OuroConflictError,
  422: OuroUnprocessableError,
  429: OuroRateLimitError,
};

/** The class for a status; anything unlisted below 500 (e.g. 200, 408, 413) is the base class. */
export function errorClassFor(status: number): ErrorClass {
  if (status >= 500) return OuroServerError;
  return BY_STATUS[status] ?? OuroError;
}

export function createOuroError(init: OuroErrorInit): OuroError {
  const Cls = errorClassFor(init.status);
  return new Cls(init);
}

/** True for timeouts, connection failures and the statuses of the retry policy (src/retry.ts). */
export function isRetryable(err: unknown): boolean {
  if (err instanceof OuroTimeoutError || err instanceof OuroConnectionError) return true;
  return err instanceof OuroError && RETRYABLE_STATUS.has(err.status);
}

/**
 * A file over the size the bridge moves (FILE_MAX_BYTES, a platform's upload limit): thrown
 * by the downloads and uploads of Ouro files and chat files alike, and answered with a link.
 */
export class FileTooLargeError extends Error {
  constructor(
    readonly maxBytes: number,
    readonly size?: number,
  ) {
    super(`file is larger than ${maxBytes} bytes${size !== undefined ? ` (${size})` : ''}`);
    this.name = 'FileTooLargeError';
  }
}
