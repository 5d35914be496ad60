/**
 * Who a command acts as on Ouro: the invoker's own linked account, else the bot. One rule
 * for typed commands and buttons (registry.ts and index.ts both call `actingFor`).
 */
import { ouroIdentity, type AccountLink } from '../accounts/types.ts';
import { looksLikeOuroKey } from '../accounts/key-shape.ts';
import type { ChannelKey } from '../store/types.ts';
import type { CommandContext, CommandDeps } from './spec.ts';
import type { CommandUser } from './types.ts';

export type Acting = Pick<CommandContext, 'ouro' | 'actingAs' | 'account'>;

export async function actingFor(deps: CommandDeps, user: CommandUser, channel: ChannelKey): Promise<Acting> {
  if (!deps.accounts?.enabled) return { ouro: deps.ouro, actingAs: 'bot' };
  const a = await deps.accounts.actingClient({ platform: channel.platform, workspace: channel.workspace, chatUserId: user.id });
  return { ouro: a.as === 'person' ? a.ouro : deps.ouro, actingAs: a.as, ...(a.link ? { account: a.link } : {}) };
}

/** Why a person with a broken link is refused, and what to do. */
export function brokenLinkText(link: AccountLink): string {
  const since = link.brokenAt ? ` since ${new Date(link.brokenAt).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
  return `Ouro no longer accepts the API key you linked for ${ouroIdentity(link)}${since} (it was revoked or expired), so the bridge will not act for you. Link a new key with \`/ouro login\`, or run \`/ouro logout\` to use the bridge without your account.`;
}

/**
 * After a 401 on the person's own client (it had exchanged the key again already): the link
 * is marked broken. Returns the words for the person.
 */
export async function keyStoppedWorking(deps: CommandDeps, user: CommandUser, channel: ChannelKey, link: AccountLink): Promise<string> {
  await deps.accounts?.markBroken({ platform: channel.platform, workspace: channel.workspace, chatUserId: user.id });
  return brokenLinkText({ ...link, brokenAt: Date.now() });
}

/** The words of a command for a log line: never an argument that looks like a key. */
export function commandForLog(text: string): string {
  const words = text.trim().split(/\s+/, 2);
  return words.filter((w) => !looksLikeOuroKey(w)).join(' ');
}
