import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ouroFetch, sandboxToken, withSandbox } from '../helpers/sandbox.ts';

describe('sandbox conversations and messages', () => {
  const sandbox = withSandbox();
  let token = '';
  let alice: { id: string; apiKey: string };
  let aliceToken = '';
  let convId = '';
  const call = (method: string, path: string, body?: unknown, as = token) => ouroFetch(sandbox(), as, method, path, body);

  beforeAll(async () => {
    token = await sandboxToken(sandbox());
    alice = sandbox().addUser('alice');
    aliceToken = await sandboxToken(sandbox(), alice.apiKey);
    const res = await call('POST', '/conversations/create', {
      conversation: { name: '#lab (Slack)', metadata: { members: [sandbox().bot.id, alice.id] }, attribution: { originality: 'original' } },
    });
    expect(res.status).toBe(200);
    convId = res.body.data.id;
  });

  it('creates a conversation in Ouro’s shape and lists it for members only', async () => {
    const got = await call('GET', `/conversations/${convId}`);
    expect(got.body).toEqual({ data: expect.any(Object), error: null });
    expect(got.body.data).toMatchObject({
      id: convId,
      asset_type: 'conversation',
      visibility: 'private',
      user_id: sandbox().bot.id,
      org_id: '00000000-0000-0000-0000-000000000000',
      metadata: { members: [sandbox().bot.id, alice.id] },
    });
    const list = await call('GET', '/conversations?limit=10&offset=0');
    expect(list.body.pagination).toEqual({ offset: 0, limit: 10, hasMore: false, total: 1 });
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([convId]);

    const carol = sandbox().addUser('carol');
    const outsider = await call('GET', `/conversations/${convId}`, undefined, await sandboxToken(sandbox(), carol.apiKey));
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.code).toBe('asset_not_found');
  });

  it('refuses unknown members and a body without the wrapper', async () => {
    const bad = await call('POST', '/conversations/create', { conversation: { metadata: { members: [randomUUID()] } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('unknown_member');
    const flat = await call('POST', '/conversations/create', { name: 'x' });
    expect(flat.status).toBe(400);
    expect(flat.body.error.message).toContain('"conversation"');
  });

  it('honours a client-chosen message id and refuses a duplicate with 409 duplicate_message_id', async () => {
    const id = randomUUID();
    const message = { id, type: 'message', text: 'hello **lab**', json: { type: 'doc', content: [] } };
    const first = await call('POST', `/conversations/${convId}/messages/create`, { message });
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ id, conversation_id: convId, user_id: sandbox().bot.id, text: 'hello **lab**', type: 'message' });
    const again = await call('POST', `/conversations/${convId}/messages/create`, { message });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ status: 409, code: 'duplicate_message_id' });
    expect(sandbox().state.messages.filter((m) => m.id === id)).toHaveLength(1);
  });

  it('pages messages backwards with before/nextCursor, each page oldest → newest', async () => {
    const conv = await call('POST', '/conversations/create', { conversation: { metadata: { members: [sandbox().bot.id] } } });
    const cid = conv.body.data.id;
    for (let i = 1; i <= 5; i++) {
      const r = await call('POST', `/conversations/${cid}/messages/create`, { message: { text: `m${i}` } });
      expect(r.status).toBe(200);
    }
    const texts: string[][] = [];
    let before: string | undefined;
    for (let guard = 0; guard < 5; guard++) {
      const page = await call('GET', `/conversations/${cid}/messages?limit=2${before ? `&before=${encodeURIComponent(before)}` : ''}`);
      expect(page.status).toBe(200);
      texts.push(page.body.data.map((m: { text: string }) => m.text));
      expect(page.body.pagination.limit).toBe(2);
      if (!page.body.pagination.hasMore) {
        expect(page.body.pagination.nextCursor).toBeNull();
        break;
      }
      before = page.body.pagination.nextCursor.before;
      expect(before).toBe(page.body.data[0].created_at);
    }
    expect(texts).toEqual([['m4', 'm5'], ['m2', 'm3'], ['m1']]);
  });

  it('caps limit at 200 and refuses a bad limit or cursor', async () => {
    const capped = await call('GET', `/conversations/${convId}/messages?limit=500`);
    expect(capped.body.pagination.limit).toBe(200);
    expect((await call('GET', `/conversations/${convId}/messages?limit=0`)).status).toBe(400);
    const cursor = await call('GET', `/conversations/${convId}/messages?before=yesterday`);
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.message).toContain('before');
  });

  it('lets the author edit with PATCH and refuses anyone else with 403 update_forbidden', async () => {
    const created = await call('POST', `/conversations/${convId}/messages/create`, { message: { text: 'draft' } });
    const mid = created.body.data.id;
    const edited = await call('PATCH', `/conversations/${convId}/messages/${mid}`, { message: { text: 'final' } });
    expect(edited.status).toBe(200);
    expect(edited.body.data.text).toBe('final');
    expect(edited.body.data.json).toEqual({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'final' }] }] });
    const other = await call('PATCH', `/conversations/${convId}/messages/${mid}`, { message: { text: 'hijack' } }, aliceToken);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('update_forbidden');
    expect(sandbox().state.messages.find((m) => m.id === mid)?.text).toBe('final');
  });

  it('replaces members with PUT and validates them', async () => {
    const res = await call('PUT', `/conversations/${convId}`, { conversation: { name: 'renamed', metadata: { members: [sandbox().bot.id] } } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: 'renamed', metadata: { members: [sandbox().bot.id] } });
    const orgChange = await call('PUT', `/conversations/${convId}`, { conversation: { org_id: randomUUID() } });
    expect(orgChange.status).toBe(400);
  });

  it('DELETE leaves a shared conversation and deletes it when the last member leaves', async () => {
    const conv = await call('POST', '/conversations/create', { conversation: { metadata: { members: [sandbox().bot.id, alice.id] } } });
    const cid = conv.body.data.id;
    await call('POST', `/conversations/${cid}/messages/create`, { message: { text: 'bye' } });
    const left = await call('DELETE', `/conversations/${cid}`);
    expect(left.body.data).toEqual({ id: cid, left: true, deleted: false });
    expect((await call('GET', `/conversations/${cid}`)).status).toBe(404);
    expect((await call('GET', `/conversations/${cid}`, undefined, aliceToken)).body.data.metadata.members).toEqual([alice.id]);
    const gone = await call('DELETE', `/conversations/${cid}`, undefined, aliceToken);
    expect(gone.body.data.deleted).toBe(true);
    expect(sandbox().state.conversations.some((c) => c.id === cid)).toBe(false);
    expect(sandbox().state.messages.some((m) => m.conversation_id === cid)).toBe(false);
  });

  it('converts Markdown without the envelope', async () => {
    const res = await call('POST', '/utilities/convert/from-markdown', { markdown: 'one **two**' });
    expect(res.status).toBe(200);
    expect(res.body.markdown).toBe('one **two**');
    expect(res.body.json).toEqual({
      type: 'doc',
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'one ' },
            { type: 'text', text: 'two', marks: [{ type: 'bold' }] },
          ],
        },
      ],
    });
    expect(res.body).not.toHaveProperty('data');
    expect((await call('POST', '/utilities/convert/from-markdown', {})).status).toBe(400);
  });
});
