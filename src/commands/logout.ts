import { LINKING_OFF } from './login.ts';
import { textReply } from '../chat/reply.ts';
import type { CommandSpec } from './spec.ts';

export const logoutSpec: CommandSpec = {
  name: 'logout',
  usage: 'logout',
  summary: 'Unlink your Ouro account: the stored key is deleted at once',
  help: 'The bridge then acts with its own account for you again. The key itself still works on Ouro until you revoke it there (Settings → API keys).',
  example: '/ouro logout',
  args: [],
  admin: false,
  ignoresBrokenLink: true,
  async handler({ input, deps }) {
    if (!deps.accounts?.enabled) return { reply: textReply(LINKING_OFF), visibility: 'invoker' };
    const removed = await deps.accounts.logout({ platform: input.channel.platform, workspace: input.channel.workspace, chatUserId: input.user.id });
    return {
      reply: textReply(
        removed
          ? 'Unlinked: your Ouro key is deleted from the bridge. It still works on Ouro until you revoke it there.'
          : 'Your Ouro account was not linked; nothing changed.',
      ),
      visibility: 'invoker',
    };
  },
};
