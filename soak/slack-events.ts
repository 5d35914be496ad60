/**
 * Plays Slack's Events API against the bridges' `POST /slack/events` (HTTP mode): signed
 * message events for a burst of threads, redelivered the way Slack does when it got no 200
 * (same `event_id` and payload, `X-Slack-Retry-Num` / `X-Slack-Retry-Reason`). Unlike Slack,
 * which gives up after three retries, a delivery here keeps trying until its deadline: the
 * suite asks whether the bridge loses what it acknowledged, not whether Slack gives up.
 */
import { BOT, signSlack, TEAM } from '../test/helpers/fake-slack.ts';
import { CHANNEL, SIGNING_SECRET } from './world.ts';

const USERS = ['U0ADA', 'U0BOB'];

/** A message's place in the burst: thread `t`, message `k` (0 = the thread's root). */
export interface Msg {
  t: number;
  k: number;
}

export const tagOf = (m: Msg) => `soak t${m.t} m${m.k}`;
/** Slack ts, "<seconds>.<6 digits>": unique per message, increasing within a thread. */
export const tsOf = (m: Msg) => `${1_700_000_000 + m.t * 10}.${String(m.k).padStart(6, '0')}`;

/** The Events API body for one message; the same message always gives the same body. */
export function eventBody(m: Msg): string {
  const ts = tsOf(m);
  const event = {
    type: 'message',
    channel: CHANNEL,
    channel_type: 'channel',
    user: USERS[(m.t + m.k) % USERS.length],
    text: tagOf(m),
    ts,
    event_ts: ts,
    ...(m.k > 0 ? { thread_ts: tsOf({ t: m.t, k: 0 }) } : {}),
  };
  return JSON.stringify({
    token: 'legacy',
    team_id: TEAM,
    api_app_id: BOT.app_id,
    event,
    type: 'event_callback',
    event_id: `EvSOAK${m.t}x${m.k}`,
    event_time: 1_700_000_000,
    authorizations: [{ team_id: TEAM, user_id: BOT.user_id, is_bot: true }],
  });
}

export type RetryReason = 'http_timeout' | 'http_error' | 'too_many_redirects';

/** One POST. Resolves with the HTTP status, or 0 when the connection failed or timed out. */
export async function postEvent(url: string, body: string, retry?: { num: number; reason: RetryReason }, timeoutMs = 3000): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...signSlack(SIGNING_SECRET, body) };
  if (retry) Object.assign(headers, { 'x-slack-retry-num': String(retry.num), 'x-slack-retry-reason': retry.reason });
  try {
    const res = await fetch(`${url}/slack/events`, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

export interface DeliveryStats {
  posts: number;
  /** Deliveries that needed more than one POST. */
  retried: number;
  /** Answers that were neither 200 nor a failure worth retrying (4xx): a bug. */
  refused: number;
  acked: number;
}

export const newStats = (): DeliveryStats => ({ posts: 0, retried: 0, refused: 0, acked: 0 });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Delivers one event until a bridge answers 200: `pick(attempt)` names the bridge to try
 * (undefined while none is up). Connection failures, timeouts and 5xx are retried with
 * Slack's headers; a 4xx is counted as refused and given up (retrying cannot help).
 */
export async function deliver(m: Msg, pick: (attempt: number) => string | undefined, stats: DeliveryStats, deadline: number, firstRetry = 0): Promise<boolean> {
  const body = eventBody(m);
  let reason: RetryReason = 'http_timeout';
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const url = pick(attempt);
    if (!url) {
      await sleep(25);
      continue;
    }
    const num = firstRetry + attempt;
    stats.posts++;
    const status = await postEvent(url, body, num > 0 ? { num, reason } : undefined);
    if (status === 200) {
      stats.acked++;
      if (attempt > 0) stats.retried++;
      return true;
    }
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      stats.refused++;
      return false;
    }
    reason = status === 0 ? 'http_timeout' : 'http_error';
    await sleep(Math.min(500, 20 * 2 ** attempt));
  }
  return false;
}

/** Every message of `threads` × `perThread`, thread by thread in parallel, each thread in order. */
export async function burst(threads: number, perThread: number, send: (m: Msg) => Promise<unknown>): Promise<void> {
  await Promise.all(
    Array.from({ length: threads }, async (_, t) => {
      for (let k = 0; k < perThread; k++) await send({ t, k });
    }),
  );
}
