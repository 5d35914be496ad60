import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OuroError } from '../../src/ouro/errors.ts';
import { byCreatedAt, column, conversation, entry, message, page, profile, quest, questItem, richText } from '../../src/ouro/normalise.ts';

const where = { method: 'GET', path: '/x' };
const fixture = (name: string) => (JSON.parse(readFileSync(new URL(`../fixtures/ouro/${name}`, import.meta.url), 'utf8')) as { data: unknown }).data;

describe('richText', () => {
  const d = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'hi' }] }] };
  it.each([
    ['plain string (older data)', 'Relax Fe2Ni', { json: null, text: 'Relax Fe2Ni' }],
    ['{json,text}', { json: d, text: 'hi' }, { json: d, text: 'hi' }],
    ['json only: text rendered', { json: d }, { json: d, text: 'hi' }],
    ['doc without content', { json: { type: 'doc' }, text: '' }, { json: { type: 'doc', content: [] }, text: '' }],
    ['null', null, null],
    ['number', 3, null],
  ])('%s', (_n, v, want) => expect(richText(v)).toEqual(want));
});

describe('normalising variants', () => {
  it('quest item description as a string', () => {
    expect(questItem({ id: 'i', quest_id: 'q', description: 'Measure Tc', status: 'pending' }, where).description).toEqual({ json: null, text: 'Measure Tc' });
  });
  it('entry assets [] → null, {} → null, keyed object kept', () => {
    expect(entry({ id: 'e', assets: [] }, where).assets).toBeNull();
    expect(entry({ id: 'e', assets: {} }, where).assets).toBeNull();
    expect(entry({ id: 'e', assets: { file: { asset_id: 'a' } } }, where).assets).toEqual({ file: { asset_id: 'a' } });
  });
  it('progress `done` → `resolved`', () => {
    expect(quest({ id: 'q', progress: { total: 3, done: 1 } }, where).progress).toMatchObject({ total: 3, resolved: 1, remaining: 2 });
  });
  it('quest fixture: items and info', () => {
    const q = quest(fixture('get-quests-id.json'), where);
    expect(q.quest.status).toBe('open');
    expect(q.items[0]?.description.text).toBe('Wait for reply');
  });
  it('profile: search hits with only user_id or only id', () => {
    expect(profile({ user_id: 'u1', username: 'a' }, where)).toMatchObject({ id: 'u1', user_id: 'u1' });
    expect(profile({ id: 'u2', username: 'b' }, where)).toMatchObject({ id: 'u2', user_id: 'u2' });
    expect(() => profile({ username: 'c' }, where)).toThrow(OuroError);
  });
  it('conversation members copied from metadata', () => {
    const c = conversation(fixture('post-conversations-create.json'), where);
    expect(c.members).toEqual(['847f4445-78ee-41b1-913b-5bd155c71b13', 'fab63291-9f4a-4437-a823-9a4bfcf52e27']);
    expect(conversation({ id: 'c', name: null }, where)).toMatchObject({ members: [], metadata: { members: [] } });
  });
  it('message: defaults and non-doc json', () => {
    const m = message({ id: 'm', created_at: '2026-01-01T00:00:00Z', type: 'tool_call', json: { name: 'f' }, user: { user_id: 'u' } }, where, 'c');
    expect(m).toMatchObject({ conversation_id: 'c', user_id: 'u', type: 'tool_call', text: '', json: null });
  });
  it('message without created_at is an unexpected response', () => {
    expect(() => message({ id: 'm' }, where, 'c')).toThrow(/unexpected response from GET \/x: message.created_at/);
  });
  it('column aliases', () => {
    expect(column({ column_name: 'a', data_type: 'text' }, where)).toMatchObject({ name: 'a', type: 'text' });
  });
  it('sorts by created_at across timestamp forms', () => {
    const ms = ['2026-05-05T14:06:03Z', '2026-05-05T14:06:02.118000+00:00', '2026-05-05T16:06:02.500+02:00'].map((created_at, i) =>
      message({ id: `m${i}`, created_at }, where, 'c'),
    );
    expect(ms.sort(byCreatedAt).map((m) => m.id)).toEqual(['m1', 'm2', 'm0']);
  });
  it('page: pagination and legacy hasMore', () => {
    expect(page([1], { pagination: { offset: 5, limit: 1, hasMore: true, total: 9 } }, {})).toEqual({
      items: [1],
      hasMore: true,
      offset: 5,
      limit: 1,
      total: 9,
    });
    expect(page([1], { hasMore: true }, { limit: 10, offset: 0 })).toEqual({ items: [1], hasMore: true, offset: 0, limit: 10 });
    expect(page([], {}, { limit: 10 })).toMatchObject({ hasMore: false });
  });
});
