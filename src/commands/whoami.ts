import { ouroIdentity } from '../accounts/types.ts';
import { brokenLinkText } from './acting.ts';
import { LINKING_OFF } from './login.ts';
import { textReply } from '../chat/reply.ts';
import type { CommandSpec } from './spec.ts';

export const whoamiSpec: CommandSpec = {
  name: 'whoami',
  usage: 'whoami',
  summary: 'Which Ouro account the bridge acts as for you',
  help: 'Answers only to you: your linked Ouro account and since when, whether its key still works, or how to link one.',
  example: '/ouro whoami',
  args: [],
  admin: false,
  ignoresBrokenLink: true,
  async handler({ input, deps }) {
    if (!deps.accounts?.enabled) return { reply: textReply(LINKING_OFF), visibility: 'invoker' };
    const link = await deps.accounts.whoami({ platform: input.channel.platform, workspace: input.channel.workspace, chatUserId: input.user.id });
    if (!link) {
      return {
        reply: textReply('Your Ouro account is not linked: the bridge acts with its own account for you. Link yours with `/ouro login`.'),
        visibility: 'invoker',
      };
    }
    if (link.brokenAt)
      return { reply: textReply(`Linked to Ouro as ${ouroIdentity(link)}, but the link is broken. ${brokenLinkText(link)}`), visibility: 'invoker' };
    const since = new Date(link.linkedAt).toISOString().slice(0, 10);
    return { reply: textReply(`Linked to Ouro as ${ouroIdentity(link)} since ${since}.`), visibility: 'invoker' };
  },
};
