/**
 * Judging `Retry-After` from the sandbox's request log (arrival times, logged before the
 * answer is sent; `/_sandbox/*` is not logged). During a storm window every request gets a
 * 429 with that window's Retry-After.
 *
 * - Per retry (the verdict): after a 429 on a message create for a conversation, the next
 *   create on that path must come at least Retry-After later. Only that thread's lane creates
 *   messages in its conversation, so the next request is the refused job trying again.
 * - Per shared path (reported): conversation reads, which the thread's lane (checking a
 *   retried create) and the conversation's sync lane both make.
 * - Client-wide (reported): requests of any kind sent while an earlier 429's Retry-After was
 *   still running; non-zero means the bridge backs off per job, not per client.
 */
import type { Sandbox } from '../src/sandbox/index.ts';

export interface Window {
  from: number;
  to: number;
  retryAfterMs: number;
}

export const ONE_LANE_PATHS = /^POST \/conversations\/(?!create$)[^/]+\/messages\/create$/;
export const SHARED_PATHS = /^GET \/conversations\/[^/]+(\/messages)?$/;

/** Only requests well inside a window surely got its 429 (a window's edges are fuzzy by a tick). */
const windowOf = (windows: Window[], at: number, marginMs: number) => windows.find((x) => at >= x.from + marginMs && at <= x.to - marginMs);

export function retryAfterViolations(
  requests: Sandbox['requests'],
  windows: Window[],
  paths: RegExp = ONE_LANE_PATHS,
  marginMs = 5,
): { checked: number; violations: number; minSlackMs: number; samples: string[] } {
  const byKey = new Map<string, { at: number }[]>();
  for (const r of requests) {
    const key = `${r.method} ${r.path}`;
    if (!paths.test(key)) continue;
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key)!.push(r);
  }
  let checked = 0;
  let violations = 0;
  let minSlackMs = Number.POSITIVE_INFINITY;
  const samples: string[] = [];
  for (const [key, list] of byKey) {
    for (let i = 0; i + 1 < list.length; i++) {
      const at = list[i]!.at;
      const w = windowOf(windows, at, marginMs);
      if (!w) continue;
      checked++;
      const gap = list[i + 1]!.at - at;
      // Date.now() has 1 ms steps and Node timers may fire up to 1 ms early: 2 ms of tolerance.
      if (gap < w.retryAfterMs - 2) {
        violations++;
        if (samples.length < 3) samples.push(`${key.replace(/[0-9a-f-]{36}/, ':id')} again after ${gap} ms (Retry-After ${w.retryAfterMs / 1000} s)`);
      }
      minSlackMs = Math.min(minSlackMs, gap - w.retryAfterMs);
    }
  }
  return { checked, violations, minSlackMs, samples };
}

export function clientWide(requests: Sandbox['requests'], windows: Window[], marginMs = 5): { requests: number; inside: number } {
  let until = Number.NEGATIVE_INFINITY;
  let inStorm = 0;
  let inside = 0;
  for (const r of [...requests].sort((a, b) => a.at - b.at)) {
    const w = windowOf(windows, r.at, marginMs);
    if (!w) continue;
    inStorm++;
    if (r.at < until - 2) inside++;
    until = Math.max(until, r.at + w.retryAfterMs);
  }
  return { requests: inStorm, inside };
}
