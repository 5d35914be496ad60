import { requirePlatform, requireText, type StoreContext } from './context.ts';
import type { ExpressionBuilder } from 'kysely';
import type { AccountLinksTable, Database } from './schema.ts';
import type { AccountLink, PersonKey, Platform } from './types.ts';

/** Account links (migration 0004). Values are checked without echoing them: one is a sealed key. */

function check(person: PersonKey): void {
  requirePlatform(person.platform);
  requireText('workspace', person.workspace);
  requireText('chatUserId', person.chatUserId);
}

const toLink = (r: AccountLinksTable): AccountLink => ({
  platform: r.platform,
  workspace: r.workspace,
  chatUserId: r.chat_user_id,
  sealedKey: r.sealed_key,
  ouroUserId: r.ouro_user_id,
  ouroUsername: r.ouro_username,
  ouroName: r.ouro_name,
  chatName: r.chat_name,
  chatAvatarUrl: r.chat_avatar_url,
  linkedAt: Number(r.linked_at),
  brokenAt: r.broken_at === null ? null : Number(r.broken_at),
});

const wherePerson = (p: PersonKey) => (eb: ExpressionBuilder<Database, 'account_links'>) =>
  eb.and([eb('platform', '=', p.platform), eb('workspace', '=', p.workspace), eb('chat_user_id', '=', p.chatUserId)]);

export async function getAccountLink(ctx: StoreContext, person: PersonKey): Promise<AccountLink | undefined> {
  check(person);
  const row = await ctx.db.selectFrom('account_links').selectAll().where(wherePerson(person)).executeTakeFirst();
  return row && toLink(row);
}

export async function putAccountLink(ctx: StoreContext, l: Omit<AccountLink, 'brokenAt'>): Promise<void> {
  check(l);
  if (typeof l.sealedKey !== 'string' || !l.sealedKey.startsWith('v1.')) throw new TypeError('sealedKey: expected a sealed value');
  requireText('ouroUserId', l.ouroUserId);
  requireText('ouroUsername', l.ouroUsername);
  const values = {
    sealed_key: l.sealedKey,
    ouro_user_id: l.ouroUserId,
    ouro_username: l.ouroUsername,
    ouro_name: l.ouroName,
    chat_name: l.chatName,
    chat_avatar_url: l.chatAvatarUrl,
    linked_at: l.linkedAt,
    broken_at: null,
  };
  await ctx.db
    .insertInto('account_links')
    .values({ platform: l.platform, workspace: l.workspace, chat_user_id: l.chatUserId, ...values })
    .onConflict((oc) => oc.columns(['platform', 'workspace', 'chat_user_id']).doUpdateSet(values))
    .execute();
}

export async function deleteAccountLink(ctx: StoreContext, person: PersonKey): Promise<boolean> {
  check(person);
  const r = await ctx.db.deleteFrom('account_links').where(wherePerson(person)).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function markAccountLinkBroken(ctx: StoreContext, person: PersonKey, at: number): Promise<boolean> {
  check(person);
  const r = await ctx.db.updateTable('account_links').set({ broken_at: at }).where(wherePerson(person)).where('broken_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function listAccountLinks(ctx: StoreContext): Promise<AccountLink[]> {
  const rows = await ctx.db.selectFrom('account_links').selectAll().orderBy('linked_at').execute();
  return rows.map(toLink);
}

export async function resealAccountLinks(ctx: StoreContext, rows: readonly (PersonKey & { sealedKey: string })[]): Promise<void> {
  rows.forEach(check);
  await ctx.db.transaction().execute(async (tx) => {
    for (const r of rows) {
      await tx.updateTable('account_links').set({ sealed_key: r.sealedKey }).where(wherePerson(r)).execute();
    }
  });
}

export async function accountLinksOfOuroUser(ctx: StoreContext, platform: Platform, ouroUserId: string): Promise<AccountLink[]> {
  requirePlatform(platform);
  const rows = await ctx.db
    .selectFrom('account_links')
    .selectAll()
    .where('platform', '=', platform)
    .where('ouro_user_id', '=', requireText('ouroUserId', ouroUserId))
    .execute();
  return rows.map(toLink);
}
