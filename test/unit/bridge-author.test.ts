import { describe, expect, it } from 'vitest';
import { chatCopyAuthor, deletedText, escapeMarkdown, ouroAuthor, ouroAuthorId, ouroTextFor } from '../../src/bridge/author.ts';

describe('author attribution', () => {
  const texts: [Parameters<typeof ouroTextFor>, string][] = [
    [[{ name: 'Ada Lovelace' }, 'slack', 'hello'], '**Ada Lovelace** (Slack): hello'],
    [[{ name: 'bob' }, 'discord', 'line 1\nline 2'], '**bob** (Discord): line 1\nline 2'],
    [[{ name: '_ada*' }, 'console', 'x'], '**\\_ada\\*** (Console): x'],
    [[undefined, 'slack', 'later text', { edited: true }], '**Slack user** (Slack, edited): later text'],
    [[{ name: '  ' }, 'discord', 'x'], '**Discord user** (Discord): x'],
    [
      [{ name: 'Ada' }, 'slack', 'see files', { files: [{ name: 'data.csv', url: 'https://x/y' }, { name: 'notes' }] }],
      '**Ada** (Slack): see files\n📎 [data.csv](https://x/y)\n📎 notes',
    ],
  ];
  it.each(texts)('ouroTextFor(%j) = %s', (args, expected) => {
    expect(ouroTextFor(...args)).toBe(expected);
  });

  it('escapes every Markdown punctuation character in names', () => {
    expect(escapeMarkdown('a*b_c`d[e]f~g')).toBe('a\\*b\\_c\\`d\\[e]f\\~g');
  });

  it('never writes \\( or \\[…\\], which Ouro reads as math', () => {
    expect(escapeMarkdown('Ada (Lab) [x]')).toBe('Ada (Lab) \\[x]');
  });

  it('marks deletions visibly', () => {
    expect(deletedText('slack')).toBe('_(message deleted on Slack)_');
  });

  it('names chat copies with their platform', () => {
    expect(chatCopyAuthor({ id: 'U1', name: 'Ada', avatarUrl: 'https://a/b.png' }, 'slack')).toEqual({ name: 'Ada (Slack)', avatarUrl: 'https://a/b.png' });
    expect(chatCopyAuthor(undefined, 'discord')).toEqual({ name: 'Discord user (Discord)' });
  });

  const ouroUsers: [Record<string, unknown> | null, string | undefined, { name: string; avatarUrl?: string }][] = [
    [{ id: 'u1', name: 'Alice Chen', username: 'alice' }, undefined, { name: 'Alice Chen (Ouro)' }],
    [{ user_id: 'u1', name: null, username: 'alice' }, undefined, { name: 'alice (Ouro)' }],
    [{ username: 'alice', avatar_path: 'https://cdn/a.png' }, undefined, { name: 'alice (Ouro)', avatarUrl: 'https://cdn/a.png' }],
    [{ username: 'alice', avatar_path: 'avatars/a.png' }, undefined, { name: 'alice (Ouro)' }],
    [null, undefined, { name: 'Ouro user (Ouro)' }],
  ];
  it.each(ouroUsers)('shows Ouro user %j as %j', (user, _x, expected) => {
    expect(ouroAuthor({ id: 'm', created_at: '2026-01-01T00:00:00Z', user })).toEqual(expected);
  });

  it('finds the author id at the top level, then in the profile', () => {
    expect(ouroAuthorId({ id: 'm', created_at: '', user_id: 'top', user: { id: 'nested' } })).toBe('top');
    expect(ouroAuthorId({ id: 'm', created_at: '', user: { id: 'nested' } })).toBe('nested');
    expect(ouroAuthorId({ id: 'm', created_at: '', user: { user_id: 'legacy' } })).toBe('legacy');
    expect(ouroAuthorId({ id: 'm', created_at: '' })).toBeUndefined();
  });
});
