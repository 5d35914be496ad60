import { textReply } from '../../chat/reply.ts';
import { UserError, type CommandSpec } from '../spec.ts';
import { loadQuest } from './common.ts';

export const questCloseSpec: CommandSpec = {
  name: 'quest close',
  usage: 'quest close <quest>',
  summary: 'Close a quest: no more entries',
  help: 'Closing is final on Ouro (closed quests take no new entries). Watches keep reporting reviews of existing entries.',
  example: '/ouro quest close "Measure Curie temperatures"',
  args: [{ name: 'quest', required: true }],
  admin: true,
  ouroDecidesForLinked: true,
  async handler(ctx) {
    const quest = await loadQuest(ctx, ctx.args.quest!);
    const status = quest.quest?.status;
    if (status === 'closed' || status === 'cancelled') throw new UserError(`**${quest.name ?? quest.id}** is already ${status}.`);
    await ctx.ouro.quests.close(quest.id);
    return { reply: textReply(`Closed quest **${quest.name ?? quest.id}**.`), shows: [quest] };
  },
};
