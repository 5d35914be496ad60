import type { MirrorMode } from '../store/types.ts';
import { textReply } from '../chat/reply.ts';
import { isUuid } from './resolve.ts';
import { UserError, type CommandSpec } from './spec.ts';

/**
 * `mirror threads|channel|off|status` and `mirror attach <conversation-id>`.
 * Decision: mirroring needs a linked channel (conversations are created in the linked
 * org/team), so `mirror threads|channel` on an unlinked channel asks for `link` first rather
 * than guessing an org.
 */

const MODE_TEXT: Record<MirrorMode, string> = {
  threads: 'each thread becomes its own Ouro conversation once it gets a reply',
  channel: 'the channel’s top-level messages go to one Ouro conversation',
  off: 'nothing is mirrored',
};

function modeSpec(mode: MirrorMode): CommandSpec {
  return {
    name: `mirror ${mode}`,
    usage: `mirror ${mode}`,
    summary: mode === 'off' ? 'Stop mirroring this channel' : `Mirror this channel: ${MODE_TEXT[mode]}`,
    help: `Sets this channel’s mirror mode to \`${mode}\`: ${MODE_TEXT[mode]}. The channel must be linked first (\`/ouro link\`).`,
    example: `/ouro mirror ${mode}`,
    args: [],
    admin: true,
    async handler({ input, link, deps }) {
      if (!link) {
        if (mode === 'off') return { reply: textReply('This channel is not linked, so nothing is mirrored; nothing changed.') };
        throw new UserError('Link this channel to an Ouro org first — conversations are created there: `/ouro link <org> [team]`.');
      }
      await deps.store.upsertChannelLink({ ...link, ...input.channel, mirrorMode: mode, updatedBy: input.user.id });
      return { reply: textReply(`Mirror mode is now **${mode}**: ${MODE_TEXT[mode]}.`) };
    },
  };
}

export const mirrorStatusSpec: CommandSpec = {
  name: 'mirror status',
  usage: 'mirror status',
  summary: 'Show how this channel is mirrored',
  help: 'Shows the channel’s link, its mirror mode, and the conversation this thread is attached to.',
  example: '/ouro mirror status',
  args: [],
  admin: false,
  async handler({ input, link, deps }) {
    const thread = await deps.store.getThreadLink({ ...input.channel, thread: input.thread ?? '' });
    const where = link?.orgId ? `${link.orgName ?? link.orgId}${link.teamId ? ` / ${link.teamName ?? link.teamId}` : ''}` : 'not linked';
    const fields = [
      { label: 'Linked to', value: where },
      { label: 'Mirror mode', value: link?.mirrorMode ?? 'off' },
      { label: input.thread ? 'This thread' : 'Top level', value: thread ? `conversation \`${thread.conversationId}\`` : 'not attached' },
    ];
    const text = fields.map((f) => `${f.label}: ${f.value}`).join('\n');
    return { reply: { text, blocks: [{ type: 'fields', fields }] } };
  },
};

export const mirrorAttachSpec: CommandSpec = {
  name: 'mirror attach',
  usage: 'mirror attach <conversation-id>',
  summary: 'Attach this thread to an existing Ouro conversation',
  help: 'Links the thread you type this in (or the channel’s top level) to an Ouro conversation that already exists — e.g. one a Slack thread already mirrors, so a Discord thread can share it. The conversation must be in this channel’s org/team.',
  example: '/ouro mirror attach 0195a1b2-0000-7000-8000-000000000001',
  args: [{ name: 'conversation-id', required: true }],
  admin: true,
  async handler({ input, args, scope, deps }) {
    const id = args['conversation-id']!;
    if (!isUuid(id)) throw new UserError(`“${id}” is not a conversation id (a UUID, as in the conversation’s Ouro URL).`);
    const conversation = await deps.ouro.conversations.get(id);
    if (!scope.allows(conversation)) {
      throw new UserError(
        'That conversation is not in the org/team this channel is linked to, so it cannot be mirrored here (its messages would reach people outside it).',
      );
    }
    const key = { ...input.channel, thread: input.thread ?? '' };
    const stands = await deps.store.linkThread({ ...key, conversationId: conversation.id });
    const name = conversation.name ?? conversation.id;
    if (stands.conversationId !== conversation.id) {
      throw new UserError(
        `This ${input.thread ? 'thread' : 'channel’s top level'} is already attached to conversation \`${stands.conversationId}\`; a thread mirrors one conversation.`,
      );
    }
    return {
      reply: textReply(`This ${input.thread ? 'thread' : 'channel’s top level'} is now attached to the Ouro conversation **${name}**.`),
      shows: [conversation],
    };
  },
};

export const mirrorSpecs: CommandSpec[] = [modeSpec('threads'), modeSpec('channel'), modeSpec('off'), mirrorStatusSpec, mirrorAttachSpec];
