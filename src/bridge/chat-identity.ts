/**
 * Whom an Ouro message is shown as in chat: a person who linked their Ouro account in that
 * workspace appears under their chat name and avatar (Slack `username`/`icon_url`, a Discord
 * webhook's name and avatar); anyone else under their Ouro name, as `Name (Ouro)`.
 */
import type { Store, ThreadKey } from '../store/types.ts';
import { ouroAuthor, ouroAuthorId } from './author.ts';
import type { OuroMessageLike } from './ports.ts';

export function createChatIdentity(store: Store) {
  return async function authorIn(m: OuroMessageLike, target: Pick<ThreadKey, 'platform' | 'workspace'>): Promise<{ name: string; avatarUrl?: string }> {
    const fallback = ouroAuthor(m);
    const userId = ouroAuthorId(m);
    if (!userId) return fallback;
    const link = (await store.accountLinksOfOuroUser(target.platform, userId)).find((l) => l.workspace === target.workspace && l.chatName);
    if (!link?.chatName) return fallback;
    return link.chatAvatarUrl ? { name: link.chatName, avatarUrl: link.chatAvatarUrl } : { name: link.chatName };
  };
}
