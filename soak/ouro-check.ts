/**
 * What Ouro holds, judged from the sandbox's own data (its `/_sandbox/state` control route,
 * over HTTP; never the bridge's store): per soak thread, how many of its messages arrived,
 * how many twice, whether they sit in one conversation, and in the order they were sent.
 */
import type { Sandbox } from '../src/sandbox/index.ts';

const TAG = /\bsoak t(\d+) m(\d+)\b/;

export interface OuroCheck {
  expected: number;
  /** Distinct messages found. */
  found: number;
  /** Copies beyond the first. */
  doubles: number;
  /** A later message stored before an earlier one of the same thread (adjacent inversions). */
  orderBreaks: number;
  /** Threads spread over more than one conversation, or conversations mixing threads. */
  split: number;
  /** A few of the faults, e.g. "t7: m12 after m13", "t3 m40 missing", for the report. */
  samples: string[];
}

interface StateMessage {
  conversation_id: string;
  text: string;
}

/** Soak messages the sandbox holds now (in-process count, cheap; for waiting, not judging). */
export function countInOuro(sandbox: Sandbox): number {
  let n = 0;
  for (const m of sandbox.state.messages) if (TAG.test(m.text)) n++;
  return n;
}

export async function checkOuro(sandbox: Sandbox, expectedPerThread: ReadonlyMap<number, number>): Promise<OuroCheck> {
  const res = await fetch(`${sandbox.url}/_sandbox/state`);
  if (!res.ok) throw new Error(`sandbox state: HTTP ${res.status}`);
  const state = (await res.json()) as { messages: StateMessage[] };
  const seen = new Map<string, number>();
  const convsOfThread = new Map<number, Set<string>>();
  const threadsOfConv = new Map<string, Set<number>>();
  const lastK = new Map<string, number>();
  let orderBreaks = 0;
  const samples: string[] = [];
  const missing: string[] = [];
  let lost = 0;
  let lostRoots = 0;
  const doubled: string[] = [];
  // The sandbox keeps messages in the order it stored them.
  for (const m of state.messages) {
    const hit = TAG.exec(m.text);
    if (!hit) continue;
    const t = Number(hit[1]);
    const k = Number(hit[2]);
    const key = `${t}/${k}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    if (!convsOfThread.has(t)) convsOfThread.set(t, new Set());
    convsOfThread.get(t)!.add(m.conversation_id);
    if (!threadsOfConv.has(m.conversation_id)) threadsOfConv.set(m.conversation_id, new Set());
    threadsOfConv.get(m.conversation_id)!.add(t);
    const lk = `${m.conversation_id}/${t}`;
    const prev = lastK.get(lk);
    if (prev !== undefined && k < prev) {
      orderBreaks++;
      if (samples.length < 3) samples.push(`t${t}: m${k} after m${prev}`);
    }
    lastK.set(lk, k);
  }
  let expected = 0;
  let found = 0;
  let doubles = 0;
  for (const [t, n] of expectedPerThread) {
    expected += n;
    for (let k = 0; k < n; k++) {
      const c = seen.get(`${t}/${k}`) ?? 0;
      if (c > 0) found++;
      else {
        lost++;
        if (k === 0) lostRoots++;
        if (missing.length < 3) missing.push(`t${t} m${k} missing`);
      }
      if (c > 1 && doubled.length < 3) doubled.push(`t${t} m${k} ×${c}`);
      doubles += Math.max(0, c - 1);
    }
  }
  // Messages of threads or numbers nobody sent would be a bug too: count them as doubles.
  for (const [key, c] of seen) {
    const [t, k] = key.split('/').map(Number) as [number, number];
    if (k >= (expectedPerThread.get(t) ?? 0)) doubles += c;
  }
  const split = [...convsOfThread.values()].filter((s) => s.size > 1).length + [...threadsOfConv.values()].filter((s) => s.size > 1).length;
  const summary = lost ? [`${lost} missing, ${lostRoots} of them thread roots (m0)`] : [];
  return { expected, found, doubles, orderBreaks, split, samples: [...summary, ...missing, ...doubled, ...samples] };
}

export const uniform = (threads: number, perThread: number) => new Map(Array.from({ length: threads }, (_, t) => [t, perThread] as const));

/** Longer than a job lease (30 s, src/bridge/index.ts): a killed process's jobs wait that long. */
export const QUIET_MS = 45_000;

/**
 * Polls until the sandbox holds `n` soak messages; gives up at the deadline, or once the
 * count has not moved for `quietMs` (something is lost: waiting longer only burns the budget).
 * `quietMs` must outlast anything that legitimately stalls delivery (a 30 s job lease, a
 * retry's backoff). True when `n` was reached.
 */
export async function waitForOuro(sandbox: Sandbox, n: number, deadline: number, quietMs = Number.POSITIVE_INFINITY): Promise<boolean> {
  let last = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    const c = countInOuro(sandbox);
    if (c >= n) return true;
    if (c !== last) {
      last = c;
      since = Date.now();
    } else if (Date.now() - since > quietMs) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return countInOuro(sandbox) >= n;
}

/** The row's count columns. */
export const counts = (c: OuroCheck) => ({ expected: c.expected, found: c.found, doubles: c.doubles, orderBreaks: c.orderBreaks });

/** What the note adds when something is off: splits and a few examples. */
export function faultNote(c: OuroCheck): string {
  return (c.split ? `; ${c.split} threads/conversations split` : '') + (c.samples.length ? `; e.g. ${c.samples.join(', ')}` : '');
}
