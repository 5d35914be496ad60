import { ouroIdentity } from '../accounts/types.ts';
import { textReply } from '../chat/reply.ts';
import { UserError, type CommandSpec } from './spec.ts';

export const LINKING_OFF =
  'Linking Ouro accounts is switched off on this bridge: its operator has not set `BRIDGE_SECRET_KEY`. Everything else works, done by the bridge’s own Ouro account.';

/**
 * `login <api-key>`: links the invoker's chat account to their Ouro account. Slack and
 * Discord open a private form for `/ouro login` and hand its value here; the console types it.
 * The key is checked with Ouro before anything is stored, and never appears in an answer.
 */
export const loginSpec: CommandSpec = {
  name: 'login',
  usage: 'login <api-key>',
  summary: 'Link your Ouro account: the bridge then acts as you on Ouro',
  help: 'Create an API key on Ouro (Settings → API keys). On Slack and Discord, `/ouro login` opens a private form for it; never paste a key into a channel. Your mirrored messages, quest entries and reviews are then yours on Ouro, and queries see what you may see. `/ouro logout` removes the key.',
  example: '/ouro login',
  args: [{ name: 'api-key', required: false }],
  admin: false,
  ignoresBrokenLink: true,
  async handler({ args, input, deps }) {
    if (!deps.accounts?.enabled) return { reply: textReply(LINKING_OFF), visibility: 'invoker' };
    const key = args['api-key'];
    if (!key) throw new UserError('Give your Ouro API key: `/ouro login <api-key>` (on Slack and Discord, `/ouro login` alone opens a private form).');
    const person = { platform: input.channel.platform, workspace: input.channel.workspace, chatUserId: input.user.id };
    const r = await deps.accounts.login(person, key, { name: input.user.name, ...(input.user.avatarUrl ? { avatarUrl: input.user.avatarUrl } : {}) });
    if (!r.ok) return { reply: textReply(`Could not link your Ouro account: ${r.reason}. Nothing was stored.`), visibility: 'invoker' };
    return {
      reply: textReply(`Linked to Ouro as ${ouroIdentity(r.link)}. What you do through the bridge is now done as you on Ouro. \`/ouro logout\` undoes it.`),
      visibility: 'invoker',
    };
  },
};
