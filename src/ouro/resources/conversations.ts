/** Conversations and their messages (docs/ouro-api.md §4.2, §9.2). */
import { markdownToDoc } from '../convert/markdown-to-doc.ts';
import type { OuroClient } from '../client-types.ts';
import { asArray, byCreatedAt, conversation, message, page } from '../normalise.ts';
import { seg } from '../query.ts';
import type { Transport } from '../transport.ts';
import { uuid7 } from '../uuid7.ts';

/** The server's cap per page (docs/ouro-api.md §2.4). */
const MAX_MESSAGES_PER_PAGE = 200;

export function conversationsResource(t: Transport): OuroClient['conversations'] {
  return {
    async create(input, signal) {
      const path = '/conversations/create';
      const body = {
        conversation: {
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.summary !== undefined ? { summary: input.summary } : {}),
          org_id: input.orgId,
          ...(input.teamId ? { team_id: input.teamId } : {}),
          metadata: { members: [...new Set(input.members)] },
          attribution: { originality: 'original' },
        },
      };
      return conversation(await t.call({ method: 'POST', path, body, signal }), { method: 'POST', path });
    },
    async get(id, signal) {
      const path = `/conversations/${seg(id)}`;
      return conversation(await t.call({ method: 'GET', path, signal }), { method: 'GET', path });
    },
    async list(opts = {}, signal) {
      const where = { method: 'GET', path: '/conversations' };
      const query = { limit: opts.limit ?? 20, offset: opts.offset ?? 0, org_id: opts.orgId };
      const res = await t.send<unknown>({ method: 'GET', path: where.path, query, signal });
      return page(
        asArray(res.data, where).map((c) => conversation(c, where)),
        res.body,
        query,
      );
    },
    async update(id, partial, signal) {
      const path = `/conversations/${seg(id)}`;
      const { members, ...rest } = partial;
      const body = { conversation: { ...rest, ...(members ? { metadata: { members: [...new Set(members)] } } : {}) } };
      return conversation(await t.call({ method: 'PUT', path, body, signal }), { method: 'PUT', path });
    },
  };
}

export function messagesResource(t: Transport): OuroClient['messages'] {
  return {
    async create(conversationId, input, signal) {
      const path = `/conversations/${seg(conversationId)}/messages/create`;
      const body = {
        message: {
          id: input.id ?? uuid7(),
          type: input.type ?? 'message',
          text: input.text,
          json: input.json ?? markdownToDoc(input.text),
        },
      };
      // Retrying is safe only because the message carries its client id.
      const data = await t.call({ method: 'POST', path, body, signal, idempotent: true });
      return message(data, { method: 'POST', path }, conversationId);
    },
    async update(conversationId, messageId, input, signal) {
      const path = `/conversations/${seg(conversationId)}/messages/${seg(messageId)}`;
      const body = { message: { text: input.text, json: input.json ?? markdownToDoc(input.text) } };
      return message(await t.call({ method: 'PATCH', path, body, signal }), { method: 'PATCH', path }, conversationId);
    },
    async list(conversationId, opts = {}, signal) {
      const where = { method: 'GET', path: `/conversations/${seg(conversationId)}/messages` };
      const limit = Math.min(Math.max(opts.limit ?? 50, 1), MAX_MESSAGES_PER_PAGE);
      const res = await t.send<unknown>({ method: 'GET', path: where.path, query: { limit, before: opts.before }, signal });
      const messages = asArray(res.data, where)
        .map((m) => message(m, where, conversationId))
        .sort(byCreatedAt);
      const p = (res.body.pagination ?? {}) as { hasMore?: unknown; nextCursor?: { before?: unknown } };
      // Older backends put `hasMore` at the top level (docs/ouro-api.md §2.1).
      const hasMore = p.hasMore === true || res.body.hasMore === true;
      const cursor = typeof p.nextCursor?.before === 'string' ? p.nextCursor.before : undefined;
      const nextBefore = cursor ?? (hasMore ? messages[0]?.created_at : undefined);
      return nextBefore ? { messages, hasMore, nextBefore } : { messages, hasMore };
    },
  };
}
