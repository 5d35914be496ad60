import type { Quest, QuestEntry } from '../../ouro/index.ts';
import { orderedItems } from '../render/quest.ts';
import { resolveAssetId } from '../resolve.ts';
import { UserError, type CommandContext, type CommandOuro } from '../spec.ts';

/** The quest named by id or name (channel's org/team first), with its items; admitted by the command's scope. */
export async function loadQuest(ctx: Pick<CommandContext, 'ouro' | 'link' | 'scope'>, ref: string): Promise<Quest> {
  const id = await resolveAssetId(ctx.ouro, 'quest', ref, ctx.link, ctx.scope);
  return ctx.scope.admit(await ctx.ouro.quests.get(id), 'quest');
}

/** The item by 1-based number, with a clear answer when out of range. */
export function itemByNumber(quest: Quest, raw: string) {
  const items = orderedItems(quest.items ?? []);
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n)) {
    throw new UserError(`<item-number> must be a number from 1 to ${items.length} — not “${raw}”. See \`/ouro quest show ${quest.name ?? quest.id}\`.`);
  }
  const item = items[n - 1];
  if (!item) throw new UserError(`**${quest.name ?? quest.id}** has ${items.length} item${items.length === 1 ? '' : 's'}; there is no item ${n}.`);
  return { item, number: n };
}

/** Display name of an Ouro user (falls back to the id: a lookup failure must not block a card). */
export async function userName(deps: { ouro: Pick<CommandOuro, 'users'> }, userId: string, cache?: Map<string, string>): Promise<string> {
  const hit = cache?.get(userId);
  if (hit) return hit;
  const name = await deps.ouro.users
    .get(userId)
    .then((u) => u.name || u.username || userId)
    .catch(() => userId);
  cache?.set(userId, name);
  return name;
}

export function itemOf(quest: Quest, entry: QuestEntry): { itemNumber?: number; itemText?: string } {
  const items = orderedItems(quest.items ?? []);
  const i = items.findIndex((it) => it.id === entry.item_id);
  return i < 0 ? {} : { itemNumber: i + 1, itemText: items[i]!.description?.text };
}
