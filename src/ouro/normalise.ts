/**
 * Response validation and normalisation at the client boundary. Only what the bridge
 * relies on is checked (ids, required strings); extra fields pass through untouched. The
 * variants of docs/ouro-api.md are folded into one form here (item description string or
 * `{json,text}`, entry `assets: []`, progress `done` → `resolved`, profile `user_id`/`id`).
 * A response missing a required field is an `OuroError` with code `unexpected_response`.
 */
import { z } from 'zod';
import { docToMarkdown } from './convert/doc-to-markdown.ts';
import { OuroError } from './errors.ts';
import type { Conversation, Doc, Message, OuroProfile, Page, QuestEntry, QuestItem, Quest, RichText, DatasetColumn } from './types.ts';

export interface Where {
  method: string;
  path: string;
}

// Schemas are built once: constructing a zod schema per call costs more than the HTTP round trip on loopback.
const withId = z.looseObject({ id: z.union([z.string().min(1), z.number()]).transform(String) });
const anyArray = z.array(z.unknown());
const profileSchema = z.looseObject({ id: z.string().optional(), user_id: z.string().optional(), username: z.string() });
const profileNeedsId = z.object({ user_id: z.string() });
const columnSchema = z.looseObject({ column_name: z.string().optional(), name: z.string().optional() });
const columnNeedsName = z.object({ column_name: z.string() });

export function check<T>(schema: z.ZodType<T>, value: unknown, where: Where, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = [what, ...issue.path].join('.');
  throw new OuroError({
    status: 200,
    method: where.method,
    url: where.path,
    code: 'unexpected_response',
    message: `unexpected response from ${where.method} ${where.path}: ${path}: ${issue.message}`,
  });
}

/** An object with a string `id` (the minimum every asset and row has). */
export function asObject<T>(value: unknown, where: Where, what = 'data'): T & { id: string } {
  return check(withId, value, where, what) as unknown as T & { id: string };
}

export function asArray(value: unknown, where: Where, what = 'data'): unknown[] {
  return check(anyArray, value, where, what);
}

export function isDoc(v: unknown): v is Doc {
  return v !== null && typeof v === 'object' && (v as { type?: unknown }).type === 'doc';
}

function normaliseDoc(v: unknown): Doc | null {
  if (!isDoc(v)) return null;
  return Array.isArray(v.content) ? v : { ...v, content: [] };
}

/** `{json, text}`, a plain string, or nothing → RichText | null. Missing text is rendered from json. */
export function richText(v: unknown): RichText | null {
  if (typeof v === 'string') return { json: null, text: v };
  if (v === null || typeof v !== 'object') return null;
  const o = v as { json?: unknown; text?: unknown };
  const json = normaliseDoc(o.json);
  const text = typeof o.text === 'string' ? o.text : json ? docToMarkdown(json) : '';
  return { json, text };
}

export function profile(v: unknown, where: Where): OuroProfile {
  const o = check(profileSchema, v, where, 'user');
  const id = o.user_id ?? o.id;
  if (!id) check(profileNeedsId, v, where, 'user');
  return { ...o, id: id!, user_id: id! } as OuroProfile;
}

export function conversation(v: unknown, where: Where): Conversation {
  const o = asObject<Record<string, unknown>>(v, where);
  const meta = o.metadata && typeof o.metadata === 'object' ? (o.metadata as Record<string, unknown>) : {};
  const members = Array.isArray(meta.members) ? meta.members.filter((m): m is string => typeof m === 'string') : [];
  return { ...o, name: typeof o.name === 'string' ? o.name : null, metadata: { ...meta, members }, members } as Conversation;
}

const messageSchema = z.looseObject({
  id: z.string().min(1),
  created_at: z.string().min(1),
  conversation_id: z.string().optional(),
  user_id: z.string().nullish(),
  type: z.string().nullish(),
  text: z.string().nullish(),
});

export function message(v: unknown, where: Where, conversationId: string): Message {
  const o = check(messageSchema, v, where, 'message');
  const user = o.user as { user_id?: string; id?: string } | null | undefined;
  return {
    ...o,
    conversation_id: o.conversation_id ?? conversationId,
    user_id: o.user_id ?? user?.user_id ?? user?.id ?? '',
    type: o.type ?? 'message',
    text: o.text ?? '',
    json: normaliseDoc(o.json),
  } as Message;
}

/** Ascending by `created_at` (then id, so equal stamps keep a stable order). */
export function byCreatedAt(a: Message, b: Message): number {
  const ta = Date.parse(a.created_at);
  const tb = Date.parse(b.created_at);
  if (ta !== tb && !Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  return a.created_at === b.created_at ? a.id.localeCompare(b.id) : a.created_at.localeCompare(b.created_at);
}

export function questItem(v: unknown, where: Where): QuestItem {
  const o = asObject<Record<string, unknown>>(v, where, 'item');
  return {
    ...o,
    quest_id: String(o.quest_id ?? ''),
    description: richText(o.description) ?? { json: null, text: '' },
    status: String(o.status ?? 'pending'),
  } as QuestItem;
}

export function quest(v: unknown, where: Where): Quest {
  const o = asObject<Record<string, unknown>>(v, where);
  const items = Array.isArray(o.items) ? o.items.map((i) => questItem(i, where)) : [];
  const info = o.quest && typeof o.quest === 'object' ? (o.quest as Quest['quest']) : {};
  const out = { ...o, quest: info, items, description: richText(o.description) } as Quest;
  const p = o.progress as Record<string, unknown> | undefined;
  if (p && typeof p === 'object') {
    const resolved = Number(p.resolved ?? p.done ?? 0);
    const total = Number(p.total ?? items.length);
    out.progress = { ...p, total, resolved, remaining: Number(p.remaining ?? total - resolved) } as Quest['progress'];
  }
  return out;
}

export function entry(v: unknown, where: Where): QuestEntry {
  const o = asObject<Record<string, unknown>>(v, where, 'entry');
  const assets = o.assets && typeof o.assets === 'object' && !Array.isArray(o.assets) ? o.assets : null;
  return {
    ...o,
    quest_id: String(o.quest_id ?? ''),
    user_id: String(o.user_id ?? ''),
    item_id: String(o.item_id ?? ''),
    assets: assets && Object.keys(assets).length ? assets : null,
    description: richText(o.description),
    review: richText(o.review),
    status: String(o.status ?? 'submitted'),
  } as QuestEntry;
}

export function column(v: unknown, where: Where): DatasetColumn {
  const o = check(columnSchema, v, where, 'column');
  const name = o.column_name ?? o.name;
  if (!name) check(columnNeedsName, v, where, 'column');
  const type = String(o.data_type ?? o.type ?? '');
  return { ...o, column_name: name!, name: o.name ?? name!, data_type: type, type: String(o.type ?? type) } as DatasetColumn;
}

/** Offset pagination (docs/ouro-api.md §2.4 style 1). Without `pagination`, the list is taken as complete. */
export function page<T>(items: T[], body: Record<string, unknown>, asked: { limit?: number; offset?: number }): Page<T> {
  const p = (body.pagination && typeof body.pagination === 'object' ? body.pagination : {}) as Record<string, unknown>;
  const out: Page<T> = {
    items,
    hasMore: p.hasMore === true || body.hasMore === true,
    offset: typeof p.offset === 'number' ? p.offset : (asked.offset ?? 0),
    limit: typeof p.limit === 'number' ? p.limit : (asked.limit ?? items.length),
  };
  if (typeof p.total === 'number') out.total = p.total;
  return out;
}
