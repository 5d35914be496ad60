import { ApiError } from './router.ts';

/**
 * Fault injection. A fault matches a request by its key `"METHOD /path"` (no query string):
 * a RegExp is tested against the key; a string matches the key exactly, or the path alone,
 * or — ending in `*` — as a prefix of either. `times` limits how many requests it hits,
 * `forMs` how long it stays active; with neither it lasts until `clear()`.
 */

export type FaultMode = '429' | '500' | 'slow' | '200-error' | 'drop' | 'huge';

export interface FaultSpec {
  route: RegExp | string;
  mode: FaultMode;
  /** 429 only: the `Retry-After` header in seconds (default 1). */
  retryAfterSeconds?: number;
  /** slow only: delay before the request is served normally (default 1000). */
  delayMs?: number;
  /** 200-error only: the `status` inside the error object (default 500). */
  errorStatus?: number;
  /** huge only: the size of the streamed answer, rows of 1,000 characters (default 150 MB). */
  bytes?: number;
  times?: number;
  forMs?: number;
}

export interface FaultControl {
  add(spec: FaultSpec): void;
  clear(): void;
  /** Active faults, for inspection. */
  list(): readonly FaultSpec[];
}

interface Active {
  spec: FaultSpec;
  remaining: number;
  until: number;
}

export const FAULT_MODES: readonly FaultMode[] = ['429', '500', 'slow', '200-error', 'drop', 'huge'];

/** What the server should do for a request a fault hit. */
export type FaultAction =
  | { kind: 'error'; error: ApiError }
  | { kind: 'error-200'; body: Record<string, unknown> }
  | { kind: 'drop' }
  | { kind: 'delay'; ms: number }
  | { kind: 'huge'; bytes: number };

export class Faults implements FaultControl {
  private active: Active[] = [];

  add(spec: FaultSpec): void {
    if (!FAULT_MODES.includes(spec.mode)) throw new Error(`unknown fault mode ${String(spec.mode)}`);
    if (typeof spec.route !== 'string' && !(spec.route instanceof RegExp)) throw new Error('fault route must be a string or RegExp');
    this.active.push({
      spec,
      remaining: spec.times ?? Number.POSITIVE_INFINITY,
      until: spec.forMs !== undefined ? Date.now() + spec.forMs : Number.POSITIVE_INFINITY,
    });
  }

  clear(): void {
    this.active = [];
  }

  list(): readonly FaultSpec[] {
    this.prune();
    return this.active.map((a) => a.spec);
  }

  /** Consumes one use of the first matching fault and says what to do, or undefined. */
  take(method: string, path: string): FaultAction | undefined {
    this.prune();
    const key = `${method} ${path}`;
    const hit = this.active.find((a) => matches(a.spec.route, key, path));
    if (!hit) return undefined;
    hit.remaining--;
    this.prune();
    const s = hit.spec;
    switch (s.mode) {
      case '429': {
        const secs = s.retryAfterSeconds ?? 1;
        return {
          kind: 'error',
          error: new ApiError(429, 'rate_limited', 'Too many requests', `Retry after ${secs} s`, { 'retry-after': String(secs) }),
        };
      }
      case '500':
        return { kind: 'error', error: new ApiError(500, 'internal_error', 'Internal server error (injected fault)') };
      case '200-error':
        // Ouro has answered HTTP 200 with data null and an error object; clients must treat it as failure.
        return {
          kind: 'error-200',
          body: {
            data: null,
            error: { name: 'HttpError', message: 'Injected 200-with-error fault', status: s.errorStatus ?? 500, code: 'sandbox_fault' },
          },
        };
      case 'drop':
        return { kind: 'drop' };
      case 'slow':
        return { kind: 'delay', ms: s.delayMs ?? 1000 };
      case 'huge':
        return { kind: 'huge', bytes: s.bytes ?? 150_000_000 };
    }
  }

  private prune(): void {
    const now = Date.now();
    this.active = this.active.filter((a) => a.remaining > 0 && a.until > now);
  }
}

function matches(route: RegExp | string, key: string, path: string): boolean {
  if (route instanceof RegExp) return route.test(key);
  if (route.endsWith('*')) {
    const prefix = route.slice(0, -1);
    return key.startsWith(prefix) || path.startsWith(prefix);
  }
  return route === key || route === path;
}

/** A fault from JSON (the HTTP control route): `route` is a string; `regex: true` makes it a RegExp. */
export function faultFromJson(body: Record<string, unknown>): FaultSpec {
  const { route, regex, mode } = body;
  if (typeof route !== 'string' || route === '') throw new ApiError(400, 'invalid_body', 'route must be a non-empty string');
  if (typeof mode !== 'string' || !(FAULT_MODES as readonly string[]).includes(mode)) {
    throw new ApiError(400, 'invalid_body', `mode must be one of ${FAULT_MODES.join(', ')}`);
  }
  const spec: FaultSpec = { route: regex === true ? new RegExp(route) : route, mode: mode as FaultMode };
  for (const k of ['retryAfterSeconds', 'delayMs', 'errorStatus', 'times', 'forMs', 'bytes'] as const) {
    const v = body[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ApiError(400, 'invalid_body', `${k} must be a non-negative number`);
    spec[k] = v;
  }
  return spec;
}

/**
 * A `huge` answer: a 200 `{"data": [rows…], "error": null}` of about `bytes` bytes, written
 * as it is read (never held whole), stopped when the client goes away. For load tests of
 * what a client keeps of a very large query result.
 */
export async function streamHuge(res: import('node:http').ServerResponse, bytes: number): Promise<void> {
  const row = `{"s":"${'x'.repeat(1000)}"}`;
  const chunk = Array.from({ length: 64 }, () => row).join(',');
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"data":[');
  let sent = 0;
  let first = true;
  while (sent < bytes && !res.destroyed) {
    const ok = res.write(first ? chunk : `,${chunk}`);
    first = false;
    sent += chunk.length + 1;
    if (!ok) {
      await new Promise<void>((resolve) => {
        const go = () => {
          res.off('drain', go);
          res.off('close', go);
          resolve();
        };
        res.on('drain', go);
        res.on('close', go);
      });
    }
  }
  if (!res.destroyed) res.end('],"error":null}');
}
