import { describe, expect, it } from 'vitest';
import { compareTs, decodeSlackRef, encodeSlackRef, slackRef, threadOf, toSlackTarget, tsToMillis } from '../../src/adapters/slack/ids.ts';
import type { ChatRef } from '../../src/bridge/types.ts';

describe('Slack ids', () => {
  const refs: [string, ChatRef, string][] = [
    ['channel top level', { platform: 'slack', workspace: 'T0LAB', channel: 'C0LAB' }, 'slack:T0LAB/C0LAB'],
    ['thread', { platform: 'slack', workspace: 'T0LAB', channel: 'C0LAB', thread: '1700000000.000100' }, 'slack:T0LAB/C0LAB/1700000000.000100'],
    ['private channel', { platform: 'slack', workspace: 'E123', channel: 'G0PRIV', thread: '1.2' }, 'slack:E123/G0PRIV/1.2'],
  ];
  it.each(refs)('round-trips %s', (_name, ref, encoded) => {
    expect(encodeSlackRef(ref)).toBe(encoded);
    expect(decodeSlackRef(encoded)).toEqual(ref);
    expect(slackRef(ref.workspace, ref.channel, ref.thread)).toEqual(ref);
  });

  it('gives the post target for a ref', () => {
    expect(toSlackTarget(refs[0]![1])).toEqual({ channel: 'C0LAB' });
    expect(toSlackTarget(refs[1]![1])).toEqual({ channel: 'C0LAB', thread_ts: '1700000000.000100' });
    expect(toSlackTarget({ ...refs[0]![1], thread: '' })).toEqual({ channel: 'C0LAB' });
  });

  const bad: [string, () => unknown][] = [
    ['a Discord ref', () => toSlackTarget({ platform: 'discord', workspace: '1', channel: '2' })],
    ['a lower-case channel', () => slackRef('T1', 'general')],
    ['a thread that is no ts', () => slackRef('T1', 'C1', 'abc')],
    ['a garbled encoding', () => decodeSlackRef('slack:T1')],
    ['another platform encoding', () => decodeSlackRef('discord:1/2')],
    ['a ts with no fraction', () => tsToMillis('1700000000')],
  ];
  it.each(bad)('refuses %s with a clear error', (_name, f) => {
    expect(f).toThrow(/not a|not an/);
  });

  it('finds the thread of a message', () => {
    expect(threadOf({ ts: '1.1' })).toBeUndefined();
    expect(threadOf({ ts: '1.1', thread_ts: '1.1' })).toBeUndefined();
    expect(threadOf({ ts: '1.2', thread_ts: '1.1' })).toBe('1.1');
  });

  it('converts ts to milliseconds', () => {
    expect(tsToMillis('1700000000.123456')).toBe(1_700_000_000_123);
    expect(tsToMillis('1.5')).toBe(1500);
  });

  it.each([
    ['1700000000.000100', '1700000000.000099', 1],
    ['1700000000.000099', '1700000000.000100', -1],
    ['1700000001.000000', '1700000000.999999', 1],
    ['999999999.999999', '1000000000.000000', -1], // fewer digits of seconds: earlier, though larger as text
    ['1700000000.5', '1700000000.400000', 1], // a shorter fraction is padded
    ['1700000000.000100', '1700000000.000100', 0],
  ])('orders ts %s against %s', (a, b, sign) => expect(Math.sign(compareTs(a, b))).toBe(sign));
});
