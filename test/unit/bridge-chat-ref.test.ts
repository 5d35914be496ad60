import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChatRefError, chatLane, decodeChatRef, encodeChatRef, refOfThreadKey, threadKeyOf } from '../../src/bridge/chat-ref.ts';
import type { ChatRef } from '../../src/bridge/types.ts';

describe('ChatRef codec', () => {
  const cases: [ChatRef, string][] = [
    [{ platform: 'slack', workspace: 'T1', channel: 'C1', thread: '1712.0001' }, 'slack:T1:C1:1712.0001'],
    [{ platform: 'slack', workspace: 'T1', channel: 'C1' }, 'slack:T1:C1'],
    [{ platform: 'discord', workspace: '1234567890', channel: '987', thread: '555' }, 'discord:1234567890:987:555'],
    [{ platform: 'console', workspace: 'local', channel: 'main' }, 'console:local:main'],
    [{ platform: 'console', workspace: 'a:b', channel: 'c%d', thread: 'e/f g' }, 'console:a%3Ab:c%25d:e%2Ff%20g'],
  ];
  it.each(cases)('encodes %j as %s and back', (ref, encoded) => {
    expect(encodeChatRef(ref)).toBe(encoded);
    expect(decodeChatRef(encoded)).toEqual(ref);
  });

  it('treats an empty thread as the top level', () => {
    expect(encodeChatRef({ platform: 'slack', workspace: 'T', channel: 'C', thread: '' })).toBe('slack:T:C');
  });

  const bad: [string, RegExp][] = [
    ['slack:T1', /3 or 4 parts/],
    ['slack:T1:C1:t:extra', /3 or 4 parts/],
    ['teams:T1:C1', /unknown platform/],
    ['slack::C1', /empty workspace/],
    ['slack:T1:C1:', /empty thread/],
    ['slack:T1:%E0%A4%A:x', /percent-encoding/],
  ];
  it.each(bad)('rejects %s with a clear error', (encoded, message) => {
    expect(() => decodeChatRef(encoded)).toThrow(ChatRefError);
    expect(() => decodeChatRef(encoded)).toThrow(message);
  });

  it('refuses to encode a ref without a channel or with an unknown platform', () => {
    expect(() => encodeChatRef({ platform: 'slack', workspace: 'T', channel: '' })).toThrow(/workspace and a channel/);
    expect(() => encodeChatRef({ platform: 'irc' as 'slack', workspace: 'T', channel: 'C' })).toThrow(/unknown platform/);
  });

  it('round-trips any ids (property)', () => {
    const id = fc.string({ minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(
        fc.constantFrom('slack', 'discord', 'console' as const),
        id,
        id,
        fc.option(id, { nil: undefined }),
        (platform, workspace, channel, thread) => {
          const ref: ChatRef = thread === undefined ? { platform, workspace, channel } : { platform, workspace, channel, thread };
          expect(decodeChatRef(encodeChatRef(ref))).toEqual(ref);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives distinct refs distinct lanes', () => {
    const a = chatLane({ platform: 'slack', workspace: 'T', channel: 'C:1' });
    const b = chatLane({ platform: 'slack', workspace: 'T:C', channel: '1' });
    expect(a).not.toBe(b);
  });

  it('maps refs to store thread keys and back', () => {
    const top: ChatRef = { platform: 'discord', workspace: 'g', channel: 'c' };
    expect(threadKeyOf(top)).toEqual({ ...top, thread: '' });
    expect(refOfThreadKey(threadKeyOf(top))).toEqual(top);
    const inThread: ChatRef = { ...top, thread: 't' };
    expect(refOfThreadKey(threadKeyOf(inThread))).toEqual(inThread);
  });
});
