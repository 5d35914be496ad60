/**
 * One doctor check's outcome and the guard every check runs under. A check never throws
 * and never hangs: an error becomes a failed result, and a check that has not answered
 * within its time limit is reported as timed out (whatever it was waiting on is left to
 * its own timeout; the report does not wait for it).
 */

export type Part = 'config' | 'ouro' | 'slack' | 'discord' | 'store' | 'webhook';

export interface CheckResult {
  part: Part;
  name: string;
  /** 'skipped': the part is not configured, or a check it depends on failed. */
  ok: boolean | 'skipped';
  detail: string;
  /** What the operator should do; set on every failure. */
  fix?: string;
}

/** Each check's time limit: long enough for a slow TLS handshake, short enough to wait for. */
export const CHECK_TIMEOUT_MS = 5_000;

/**
 * The clients' own request timeouts are set this much longer than the check's limit, so
 * the check's guard always answers first (every timeout reads the same) and the client's
 * limit then ends the abandoned request.
 */
export const libraryTimeout = (checkMs: number): number => checkMs + 1_000;

export class CheckTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms / 1000} s`);
    this.name = 'CheckTimeout';
  }
}

/**
 * Runs `fn` with an AbortSignal that fires after `ms`, and rejects with `CheckTimeout` at
 * that moment even if `fn` ignores the signal.
 */
export async function withTimeout<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctrl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new CheckTimeout(ms);
      ctrl.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([fn(ctrl.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export const pass = (part: Part, name: string, detail: string): CheckResult => ({ part, name, ok: true, detail });
export const fail = (part: Part, name: string, detail: string, fix: string): CheckResult => ({ part, name, ok: false, detail, fix });
export const skip = (part: Part, name: string, detail: string): CheckResult => ({ part, name, ok: 'skipped', detail });

/** The first line of an error's message, for a one-line detail. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0]!.trim() || (err instanceof Error ? err.name : 'unknown error');
}
