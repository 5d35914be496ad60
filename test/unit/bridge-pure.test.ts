import { describe, expect, it } from 'vitest';
import { checkEvent } from '../../src/bridge/inbox.ts';
import { usable } from '../../src/bridge/ouro-health.ts';
import { conversationName } from '../../src/bridge/threads.ts';
import { chatTextOf, isAfter, isoMicros } from '../../src/bridge/to-chat.ts';

describe('conversation names', () => {
  const cases: [Parameters<typeof conversationName>[0], string][] = [
    [{ channelName: 'materials-lab', channel: 'C1', platform: 'slack', firstLine: 'Is mae_ev right?\nmore' }, '#materials-lab (Slack) — Is mae_ev right?'],
    [{ channelName: '#general', channel: 'C1', platform: 'discord' }, '#general (Discord)'],
    [{ channel: 'C0123', platform: 'slack', firstLine: '\n\n  second line is first  ' }, '#C0123 (Slack) — second line is first'],
    [{ channelName: '  ', channel: 'main', platform: 'console', firstLine: '' }, '#main (Console)'],
  ];
  it.each(cases)('%j → %s', (input, expected) => {
    expect(conversationName(input)).toBe(expected);
  });

  it('cuts long names at 120 characters with an ellipsis', () => {
    const name = conversationName({ channelName: 'lab', channel: 'C', platform: 'slack', firstLine: 'x'.repeat(300) });
    expect(name).toHaveLength(120);
    expect(name.endsWith('…')).toBe(true);
  });
});

describe('relay cursor order', () => {
  const cursor = { createdAt: '2026-05-05T14:06:02.118000+00:00', messageId: '019e-b' };
  const cases: [{ created_at: string; id: string }, boolean][] = [
    [{ created_at: '2026-05-05T14:06:02.119000+00:00', id: '019e-a' }, true],
    [{ created_at: '2026-05-05T14:06:02.118Z', id: '019e-c' }, true],
    [{ created_at: '2026-05-05T14:06:02.118Z', id: '019e-b' }, false],
    [{ created_at: '2026-05-05T14:06:02.118Z', id: '019e-a' }, false],
    [{ created_at: '2026-05-05T14:06:01Z', id: '019e-z' }, false],
  ];
  it.each(cases)('%j after the cursor: %s', (m, expected) => {
    expect(isAfter(m, cursor)).toBe(expected);
  });
  it('orders by microseconds, not only milliseconds', () => {
    const c = { createdAt: '2026-05-05T14:06:02.118500+00:00', messageId: 'zzz' };
    expect(isAfter({ created_at: '2026-05-05T14:06:02.118501+00:00', id: 'aaa' }, c)).toBe(true);
    expect(isAfter({ created_at: '2026-05-05T14:06:02.118499+00:00', id: 'zzzz' }, c)).toBe(false);
  });
  const micros: [string, number][] = [
    ['2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:00:00Z') * 1000],
    ['2026-01-01T00:00:00.5Z', Date.parse('2026-01-01T00:00:00Z') * 1000 + 500_000],
    ['2026-01-01T02:00:00.000123+02:00', Date.parse('2026-01-01T00:00:00Z') * 1000 + 123],
    ['2026-01-01T00:00:00.1234567Z', Date.parse('2026-01-01T00:00:00Z') * 1000 + 123_456],
  ];
  it.each(micros)('isoMicros(%s) = %d', (iso, expected) => {
    expect(isoMicros(iso)).toBe(expected);
  });
  it('everything is after no cursor', () => {
    expect(isAfter({ created_at: '2000-01-01T00:00:00Z', id: 'x' }, undefined)).toBe(true);
  });
});

describe('Ouro message → chat text', () => {
  const doc = {
    type: 'doc',
    content: [
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: 'hi ' },
          { type: 'text', text: 'there', marks: [{ type: 'bold' }] },
        ],
      },
    ],
  };
  const cases: [string, Parameters<typeof chatTextOf>[0], string][] = [
    ['the doc, as Markdown', { id: 'm', created_at: '', json: doc, text: 'ignored' }, 'hi **there**'],
    ['text when there is no doc', { id: 'm', created_at: '', json: null, text: 'plain' }, 'plain'],
    ['text when json is not a doc', { id: 'm', created_at: '', json: { name: 'tool' }, text: 'fallback' }, 'fallback'],
    ['text when the doc is empty', { id: 'm', created_at: '', json: { type: 'doc', content: [] }, text: 'fallback' }, 'fallback'],
    ['empty when nothing', { id: 'm', created_at: '' }, ''],
  ];
  it.each(cases)('%s', (_name, m, expected) => {
    expect(chatTextOf(m)).toBe(expected);
  });
});

describe('inbound event validation', () => {
  const ref = { platform: 'slack', workspace: 'T', channel: 'C' };
  const posted = { kind: 'message.posted', key: 'k', ref, messageId: 'm', author: { id: 'U', name: 'Ada' }, text: 'hi', at: 1 };
  const cases: [string, unknown, string | undefined][] = [
    ['a good message', posted, undefined],
    ['not an object', 'x', 'event is not an object'],
    ['no key', { ...posted, key: '' }, 'event.key must be a non-empty string'],
    ['bad platform', { ...posted, ref: { ...ref, platform: 'irc' } }, 'event.ref.platform "irc" is not slack, discord or console'],
    ['empty thread', { ...posted, ref: { ...ref, thread: '' } }, 'event.ref.thread must be a non-empty string when present'],
    ['no author', { ...posted, author: undefined }, 'message.posted: author needs an id and a name'],
    ['text not a string', { ...posted, text: 5 }, 'message.posted: text must be a string'],
    ['no time', { ...posted, at: 'now' }, 'message.posted: at must be a number (ms since epoch)'],
    ['files not a list', { ...posted, files: 'a.csv' }, 'message.posted: files must be a list of { name, url? }'],
    ['a file without a name', { ...posted, files: [{ url: 'https://x' }] }, 'message.posted: files must be a list of { name, url? }'],
    ['files named', { ...posted, files: [{ name: 'a.csv' }] }, undefined],
    ['edit without author is fine', { ...posted, kind: 'message.edited', author: undefined }, undefined],
    ['delete', { kind: 'message.deleted', key: 'k', ref, messageId: 'm', at: 1 }, undefined],
    ['unknown kind', { ...posted, kind: 'reaction.added' }, 'unknown event kind "reaction.added"'],
    [
      'command with a foreign replyTo',
      { kind: 'command.invoked', key: 'k', ref, invoker: { id: 'U', name: 'A', isPlatformAdmin: false }, text: 'help', replyTo: { platform: 'discord' } },
      "command.invoked: replyTo must name the event's platform",
    ],
    [
      'a good command',
      { kind: 'command.invoked', key: 'k', ref, invoker: { id: 'U', name: 'A', isPlatformAdmin: false }, text: 'help', replyTo: { platform: 'slack' } },
      undefined,
    ],
    [
      'button without action',
      { kind: 'button.pressed', key: 'k', ref, invoker: { id: 'U', name: 'A' }, value: 'v', replyTo: { platform: 'slack' } },
      'button.pressed: actionId and value are required',
    ],
  ];
  it.each(cases)('%s', (_name, event, expected) => {
    expect(checkEvent(event)).toBe(expected);
  });
});

describe('Ouro health from a failure', () => {
  const cases: [unknown, boolean][] = [
    [{ status: 404 }, true],
    [{ status: 409 }, true],
    [{ status: 429 }, true],
    [{ status: 401 }, false],
    [{ status: 500 }, false],
    [{ status: 0 }, false],
    [new Error('socket hang up'), false],
    [null, false],
  ];
  it.each(cases)('%o leaves Ouro usable: %s', (err, expected) => {
    expect(usable(err)).toBe(expected);
  });
});
