import { describe, expect, it } from 'vitest';
import { isBridgeAdmin, hasManageServer } from '../../src/adapters/discord/admin.ts';
import {
  decodeCustomId,
  decodeDiscordRef,
  discordRef,
  DiscordRefError,
  encodeCustomId,
  encodeDiscordRef,
  toDiscordTarget,
} from '../../src/adapters/discord/ids.ts';

describe('discord ids', () => {
  it.each([
    ['top level', discordRef('1', '2'), 'discord:1/2', { channelId: '2', parentId: '2' }],
    ['thread', discordRef('1', '3', { parentId: '2' }), 'discord:1/2/3', { channelId: '3', parentId: '2', threadId: '3' }],
    // A thread started from message 999 has id 999: the same ref names both.
    [
      'thread from a message',
      { platform: 'discord' as const, workspace: '1', channel: '2', thread: '999' },
      'discord:1/2/999',
      { channelId: '999', parentId: '2', threadId: '999' },
    ],
  ])('%s: encodes, decodes and targets', (_n, ref, encoded, target) => {
    expect(encodeDiscordRef(ref)).toBe(encoded);
    expect(decodeDiscordRef(encoded)).toEqual(ref);
    expect(toDiscordTarget(ref)).toEqual(target);
  });

  it('a thread message ref has the parent as channel and the thread channel as thread', () => {
    expect(discordRef('10', '30', { parentId: '20' })).toEqual({ platform: 'discord', workspace: '10', channel: '20', thread: '30' });
  });

  it('treats an empty thread as the top level', () => {
    expect(toDiscordTarget({ platform: 'discord', workspace: '1', channel: '2', thread: '' })).toEqual({ channelId: '2', parentId: '2' });
  });

  it.each([
    ['a Slack ref', () => toDiscordTarget({ platform: 'slack', workspace: 'T1', channel: 'C1' })],
    ['a non-numeric channel', () => discordRef('1', 'general')],
    ['a non-numeric thread', () => toDiscordTarget({ platform: 'discord', workspace: '1', channel: '2', thread: '1700000000.0001' })],
    ['a malformed encoding', () => decodeDiscordRef('discord:1')],
    ['another platform encoding', () => decodeDiscordRef('slack:T1/C2')],
  ])('rejects %s with a clear error', (_n, f) => {
    expect(f).toThrow(DiscordRefError);
  });

  it.each([
    ['entry.accept', 'q1:e1', 'entry.accept|q1:e1'],
    ['x', 'a|b', 'x|a|b'],
    ['noop', '', 'noop|'],
  ])('custom id %s + %s round-trips', (actionId, value, id) => {
    expect(encodeCustomId(actionId, value)).toBe(id);
    expect(decodeCustomId(id)).toEqual({ actionId, value });
  });

  it('refuses a custom id over 100 characters instead of sending one Discord rejects', () => {
    expect(encodeCustomId('entry.accept', 'v'.repeat(87))).toHaveLength(100);
    expect(encodeCustomId('entry.accept', 'v'.repeat(88))).toBeUndefined();
    expect(() => encodeCustomId('a|b', 'v')).toThrow(DiscordRefError);
  });
});

describe('discord admin', () => {
  it.each([
    ['Manage Server', String(1 << 5), [], true],
    ['Administrator', String(1 << 3), [], true],
    ['both among others', String((1 << 5) | (1 << 10) | (1 << 11)), [], true],
    ['Send Messages only', String(1 << 11), [], false],
    ['nothing', '0', [], false],
    ['missing permissions', undefined, [], false],
    ['garbage', 'lots', [], false],
    ['listed in BRIDGE_ADMINS', '0', ['42'], true],
    ['someone else listed', '0', ['43'], false],
    ['a huge bitfield with Manage Server', ((1n << 50n) | (1n << 5n)).toString(), [], true],
  ] as const)('%s → %s', (_n, perms, admins, expected) => {
    expect(isBridgeAdmin('42', perms, admins)).toBe(expected);
  });

  it('reads bigint bitfields as discord.js gives them', () => {
    expect(hasManageServer(1n << 5n)).toBe(true);
    expect(hasManageServer(1n << 6n)).toBe(false);
  });
});
