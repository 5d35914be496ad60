/**
 * ChatRef ↔ Slack coordinates. A Slack message is named by (channel, ts); a thread by the
 * `ts` of its root (`thread_ts`). The workspace is the team id. Slack ids are upper-case
 * letters and digits (T…, C…/G…/D…, U…/W…); a ts is "<seconds>.<6 digits>".
 *
 * `encodeSlackRef`/`decodeSlackRef` give a ChatRef a one-line string form
 * (`slack:T1/C2/1700000000.000100`) for logs and store keys; they round-trip exactly.
 */
import type { ChatRef } from '../../bridge/types.ts';

const ID = /^[A-Z0-9][A-Z0-9_-]*$/;
const TS = /^\d{1,12}\.\d{1,9}$/;

export class SlackRefError extends Error {}

/** Builds a ChatRef. A thread equal to '' means top level; anything else must be a ts. */
export function slackRef(team: string, channel: string, threadTs?: string | null): ChatRef {
  if (!ID.test(team)) throw new SlackRefError(`not a Slack team id: ${JSON.stringify(team)}`);
  if (!ID.test(channel)) throw new SlackRefError(`not a Slack channel id: ${JSON.stringify(channel)}`);
  if (threadTs !== undefined && threadTs !== null && threadTs !== '' && !TS.test(threadTs)) {
    throw new SlackRefError(`not a Slack thread ts: ${JSON.stringify(threadTs)}`);
  }
  return threadTs ? { platform: 'slack', workspace: team, channel, thread: threadTs } : { platform: 'slack', workspace: team, channel };
}

/** Where to post for a ref: `channel` plus `thread_ts` when the ref is inside a thread. */
export function toSlackTarget(ref: ChatRef): { channel: string; thread_ts?: string } {
  if (ref.platform !== 'slack') throw new SlackRefError(`not a Slack ref (platform ${ref.platform})`);
  if (!ID.test(ref.channel)) throw new SlackRefError(`not a Slack channel id: ${JSON.stringify(ref.channel)}`);
  if (ref.thread !== undefined && ref.thread !== '') {
    if (!TS.test(ref.thread)) throw new SlackRefError(`not a Slack thread ts: ${JSON.stringify(ref.thread)}`);
    return { channel: ref.channel, thread_ts: ref.thread };
  }
  return { channel: ref.channel };
}

/**
 * The thread a message belongs to: a reply carries `thread_ts` ≠ its own `ts`; a thread root
 * carries `thread_ts` = `ts` (once it has replies) and counts as the channel's top level.
 */
export function threadOf(message: { ts?: string; thread_ts?: string }): string | undefined {
  const t = message.thread_ts;
  return t && t !== message.ts ? t : undefined;
}

/** Slack ts → milliseconds since epoch. */
export function tsToMillis(ts: string): number {
  if (!TS.test(ts)) throw new SlackRefError(`not a Slack ts: ${JSON.stringify(ts)}`);
  const [sec, frac] = ts.split('.') as [string, string];
  return Number(sec) * 1000 + Math.floor(Number(`0.${frac}`) * 1000);
}

/** Slack ts order: seconds, then the fraction (both decimal). */
export function compareTs(a: string, b: string): number {
  const [as, af = ''] = a.split('.');
  const [bs, bf = ''] = b.split('.');
  return Number(as) - Number(bs) || af.padEnd(9, '0').localeCompare(bf.padEnd(9, '0'));
}

export function encodeSlackRef(ref: ChatRef): string {
  const { channel, thread_ts } = toSlackTarget(ref);
  if (!ID.test(ref.workspace)) throw new SlackRefError(`not a Slack team id: ${JSON.stringify(ref.workspace)}`);
  return `slack:${ref.workspace}/${channel}${thread_ts ? `/${thread_ts}` : ''}`;
}

export function decodeSlackRef(value: string): ChatRef {
  const m = /^slack:([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(value);
  if (!m) throw new SlackRefError(`not an encoded Slack ref: ${JSON.stringify(value)}`);
  return slackRef(m[1]!, m[2]!, m[3]);
}
