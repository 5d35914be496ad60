import type { App, RouteModule } from '../app.ts';
import { isOrgMember, presentAsset, profile } from '../present.ts';
import { ApiError, intParam, notFound, objectField, ok, optString } from '../router.ts';
import { GLOBAL_ID, parseMicros, uuidv7 } from '../state.ts';
import type { ConversationRec, Doc, MessageRec, UserRec } from '../state.ts';

/** Conversations and messages (docs/ouro-api.md §4.2). */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Message ids per messages array, as Ouro's primary key would index them: a scan of every
 * message per create made each create cost O(all messages) (about 0.2 ms at 26k, which the
 * mirror bench charged to the bridge). Ids are unique, so the set is in step exactly while
 * its size equals the array's length; a push elsewhere (the seed) or a delete is caught by
 * that check or by `forgetMessageIds`, and the set is rebuilt.
 */
const messageIds = new WeakMap<MessageRec[], Set<string>>();
function messageIdTaken(messages: MessageRec[], id: string): boolean {
  let ids = messageIds.get(messages);
  if (!ids || ids.size !== messages.length) {
    ids = new Set(messages.map((m) => m.id));
    messageIds.set(messages, ids);
  }
  return ids.has(id);
}
const forgetMessageIds = (messages: MessageRec[]) => messageIds.delete(messages);

export interface MessageInput {
  id?: string;
  type?: string;
  text?: string;
  json?: unknown;
  metadata?: Record<string, unknown> | null;
}

/**
 * Stores a message by `author` and fires the webhook. Shared by the HTTP route and
 * `postAs`. The author is always the authenticated caller: a `user_id` in the body is ignored
 * (whether Ouro honours it is not documented, so the sandbox takes the safe reading).
 */
export function createMessage(app: App, conv: ConversationRec, author: UserRec, input: MessageInput): MessageRec {
  const s = app.state;
  if (!conv.metadata.members.includes(author.id)) {
    throw new ApiError(403, 'not_a_member', `${author.username} is not a member of conversation ${conv.id}`);
  }
  if (input.id !== undefined && !UUID.test(input.id)) throw new ApiError(400, 'invalid_body', 'message.id must be a UUID');
  // Ouro's behaviour for a repeated client-chosen id is not documented. The sandbox refuses it
  // with 409 `duplicate_message_id` so a client retry is visible rather than silently doubled.
  if (input.id !== undefined && messageIdTaken(s.messages, input.id)) {
    throw new ApiError(409, 'duplicate_message_id', `A message with id ${input.id} already exists`);
  }
  if (input.text === undefined && input.json === undefined) {
    throw new ApiError(400, 'invalid_body', 'message needs text (and json, the TipTap document)');
  }
  const text = input.text ?? '';
  const type = input.type ?? 'message';
  const json = input.json ?? (type === 'message' ? app.convert(text) : null);
  const id = input.id ?? uuidv7();
  const at = app.clock.iso();
  const msg: MessageRec = {
    id,
    conversation_id: conv.id,
    turn_id: id,
    seq: 0,
    user_id: author.id,
    type,
    json,
    text,
    viewers: [author.id],
    metadata: input.metadata ?? null,
    created_at: at,
    last_updated: at,
  };
  s.messages.push(msg);
  messageIds.get(s.messages)?.add(id);
  conv.last_updated = at;
  app.changed();
  app.webhooks.newMessage(conv, msg, author, app.bot());
  return msg;
}

export function presentMessage(app: App, m: MessageRec): Record<string, unknown> {
  const u = app.state.users.find((x) => x.id === m.user_id);
  return { ...m, user: u ? profile(u) : null };
}

function messageInput(body: Record<string, unknown>): MessageInput {
  const m = objectField(body, 'message');
  const text = optString(m, 'text');
  const type = optString(m, 'type');
  const id = optString(m, 'id');
  if (m.json !== undefined && m.json !== null && typeof m.json !== 'object') throw new ApiError(400, 'invalid_body', 'message.json must be an object');
  return { id, type, text, json: m.json ?? undefined, metadata: (m.metadata as Record<string, unknown> | undefined) ?? null };
}

function validMembers(app: App, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new ApiError(400, 'invalid_body', 'metadata.members must be an array of user ids');
  }
  for (const id of value as string[]) {
    if (!app.state.users.some((u) => u.id === id)) throw new ApiError(400, 'unknown_member', `No user with id ${id}`);
  }
  return [...new Set(value as string[])];
}

export function getConversation(app: App, id: string, user: UserRec): ConversationRec {
  const c = app.state.conversations.find((x) => x.id === id);
  // Non-members get the same 404 as a missing id: a conversation's existence is private.
  if (!c?.metadata.members.includes(user.id)) throw notFound('Conversation', id);
  return c;
}

export const conversationsRoutes: RouteModule = (r, app) => {
  const s = app.state;

  r.add('POST', '/conversations/create', async (ctx) => {
    const c = objectField(await ctx.body(), 'conversation');
    const orgId = optString(c, 'org_id') ?? GLOBAL_ID;
    const teamId = optString(c, 'team_id') ?? GLOBAL_ID;
    if (!s.orgs.some((o) => o.id === orgId)) throw new ApiError(400, 'invalid_org', `No organization ${orgId}`);
    if (!isOrgMember(s, orgId, ctx.user.id)) throw new ApiError(403, 'forbidden', `You are not a member of organization ${orgId}`);
    if (teamId !== GLOBAL_ID && !s.teams.some((t) => t.id === teamId && t.org_id === orgId)) {
      throw new ApiError(400, 'invalid_team', `No team ${teamId} in organization ${orgId}`);
    }
    const meta = (c.metadata ?? {}) as Record<string, unknown>;
    const members = validMembers(app, meta.members ?? []);
    // Whether Ouro adds the creator itself is not documented; a conversation its creator
    // cannot read would be useless, so the sandbox adds them.
    if (!members.includes(ctx.user.id)) members.unshift(ctx.user.id);
    const at = app.clock.iso();
    const conv: ConversationRec = {
      id: uuidv7(),
      asset_type: 'conversation',
      user_id: ctx.user.id,
      org_id: orgId,
      team_id: teamId,
      name: optString(c, 'name') ?? null,
      summary: optString(c, 'summary') ?? null,
      description: null,
      visibility: 'private',
      source: 'api',
      license_id: optString(c, 'license_id') ?? null,
      attribution: (c.attribution as Record<string, unknown>) ?? { originality: 'original' },
      metadata: { ...meta, members },
      created_at: at,
      last_updated: at,
    };
    s.conversations.push(conv);
    app.changed();
    return ok(presentAsset(s, conv));
  });

  r.add('GET', '/conversations', (ctx) => {
    const limit = intParam(ctx.query, 'limit', 20, 1, 200);
    const offset = intParam(ctx.query, 'offset', 0, 0);
    const org = ctx.query.get('org_id');
    const mine = s.conversations
      .filter((c) => c.metadata.members.includes(ctx.user.id) && (!org || c.org_id === org))
      .sort((a, b) => b.last_updated.localeCompare(a.last_updated));
    const page = mine.slice(offset, offset + limit);
    return ok(
      page.map((c) => presentAsset(s, c)),
      { pagination: { offset, limit, hasMore: offset + page.length < mine.length, total: mine.length } },
    );
  });

  r.add('GET', '/conversations/:id', (ctx) => ok(presentAsset(s, getConversation(app, ctx.params.id!, ctx.user))));

  r.add('PUT', '/conversations/:id', async (ctx) => {
    const conv = getConversation(app, ctx.params.id!, ctx.user);
    const c = objectField(await ctx.body(), 'conversation');
    for (const k of ['id', 'org_id', 'team_id', 'user_id']) {
      if (c[k] !== undefined && c[k] !== (conv as unknown as Record<string, unknown>)[k]) {
        throw new ApiError(400, 'invalid_body', `${k} cannot be changed`);
      }
    }
    if (c.name !== undefined) conv.name = optString(c, 'name') ?? null;
    if (c.summary !== undefined) conv.summary = optString(c, 'summary') ?? null;
    if (c.license_id !== undefined) conv.license_id = optString(c, 'license_id') ?? null;
    if (c.metadata !== undefined) {
      const meta = objectField(c, 'metadata');
      // Replace, not merge (Ouro's semantics are not documented; clients send the full list).
      conv.metadata = { ...conv.metadata, ...meta, members: meta.members !== undefined ? validMembers(app, meta.members) : conv.metadata.members };
    }
    conv.last_updated = app.clock.iso();
    app.changed();
    return ok(presentAsset(s, conv));
  });

  // Doubles as "leave": the last member leaving deletes the conversation and its messages.
  r.add('DELETE', '/conversations/:id', (ctx) => {
    const conv = getConversation(app, ctx.params.id!, ctx.user);
    conv.metadata.members = conv.metadata.members.filter((m) => m !== ctx.user.id);
    const deleted = conv.metadata.members.length === 0;
    if (deleted) {
      s.conversations.splice(s.conversations.indexOf(conv), 1);
      for (let i = s.messages.length - 1; i >= 0; i--) if (s.messages[i]!.conversation_id === conv.id) s.messages.splice(i, 1);
      forgetMessageIds(s.messages);
    } else {
      conv.last_updated = app.clock.iso();
    }
    app.changed();
    return ok({ id: conv.id, left: true, deleted });
  });

  r.add('POST', '/conversations/:id/messages/create', async (ctx) => {
    const conv = getConversation(app, ctx.params.id!, ctx.user);
    const msg = createMessage(app, conv, ctx.user, messageInput(await ctx.body()));
    return ok(presentMessage(app, msg));
  });

  r.add('GET', '/conversations/:id/messages', (ctx) => {
    const conv = getConversation(app, ctx.params.id!, ctx.user);
    const limit = intParam(ctx.query, 'limit', 50, 1, 200);
    const beforeRaw = ctx.query.get('before');
    let before = Number.POSITIVE_INFINITY;
    if (beforeRaw) {
      before = parseMicros(beforeRaw);
      if (Number.isNaN(before)) throw new ApiError(400, 'invalid_parameter', `before must be an ISO timestamp, got "${beforeRaw}"`);
    }
    const older = s.messages
      .filter((m) => m.conversation_id === conv.id && parseMicros(m.created_at) < before)
      .sort((a, b) => parseMicros(a.created_at) - parseMicros(b.created_at));
    // The newest `limit` messages before the cursor, each page oldest → newest.
    const page = older.slice(Math.max(0, older.length - limit));
    const hasMore = older.length > page.length;
    return ok(
      page.map((m) => presentMessage(app, m)),
      { pagination: { limit, hasMore, nextCursor: hasMore && page[0] ? { before: page[0].created_at } : null } },
    );
  });

  r.add('PATCH', '/conversations/:id/messages/:messageId', async (ctx) => {
    const conv = getConversation(app, ctx.params.id!, ctx.user);
    const msg = s.messages.find((m) => m.id === ctx.params.messageId && m.conversation_id === conv.id);
    if (!msg) throw new ApiError(404, 'message_not_found', `Message ${ctx.params.messageId} not found in conversation ${conv.id}`);
    if (msg.user_id !== ctx.user.id) throw new ApiError(403, 'update_forbidden', 'Only the author can edit a message');
    const m = objectField(await ctx.body(), 'message');
    const text = optString(m, 'text');
    if (text === undefined && m.json === undefined && m.metadata === undefined) {
      throw new ApiError(400, 'invalid_body', 'message needs text, json or metadata to change');
    }
    if (text !== undefined) msg.text = text;
    if (m.json !== undefined) msg.json = m.json as Doc;
    else if (text !== undefined && msg.type === 'message') msg.json = app.convert(text);
    if (m.metadata !== undefined) msg.metadata = m.metadata as Record<string, unknown> | null;
    msg.last_updated = app.clock.iso();
    app.changed();
    return ok(presentMessage(app, msg));
  });
};
