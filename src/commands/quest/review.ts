import type { Quest, QuestEntry } from '../../ouro/index.ts';
import type { RichReply } from '../../chat/reply.ts';
import { entryNotice } from '../render/quest.ts';
import { UserError, type CommandDeps, type CommandOuro, type CommandSpec } from '../spec.ts';
import type { CommandUser } from '../types.ts';
import { itemOf, loadQuest, userName } from './common.ts';

export type Decision = 'accept' | 'reject';

export interface ReviewOutcome {
  quest: Quest;
  entry: QuestEntry;
  /** The entry notice as it reads after the decision (no buttons, "Accepted by …"). */
  notice: RichReply;
}

/**
 * The one review path: `quest review` and the Accept/Reject buttons both land here, after the
 * registry has checked the reviewer may review. An entry already decided is not re-reviewed.
 */
export async function reviewEntry(
  deps: CommandDeps,
  ouro: CommandOuro,
  quest: Quest,
  entryId: string,
  decision: Decision,
  reviewer: CommandUser,
  comment?: string,
  personal = false,
): Promise<ReviewOutcome> {
  const current = (await ouro.quests.entries(quest.id)).find((e) => e.id === entryId);
  if (!current) throw new UserError(`**${quest.name ?? quest.id}** has no entry \`${entryId}\`.`);
  const submitter = await userName(deps, current.user_id);
  const view = { quest, ...itemOf(quest, current), submitter, webBaseUrl: deps.webBaseUrl };
  if (current.status !== 'submitted') {
    throw new UserError(`That entry was already ${current.status}${current.reviewed_at ? ` (${current.reviewed_at.slice(0, 10)})` : ''}; nothing changed.`);
  }
  // As the bot, the review names who decided; a linked reviewer is the reviewer on Ouro.
  const by = personal ? undefined : `${decision === 'accept' ? 'Accepted' : 'Rejected'} by ${reviewer.name} from chat`;
  const review = [comment, by].filter(Boolean).join('\n\n') || undefined;
  const entry = await ouro.quests.review(quest.id, entryId, { status: decision === 'accept' ? 'accepted' : 'rejected', review });
  return { quest, entry, notice: entryNotice({ ...view, entry, decidedBy: reviewer.name }) };
}

export const questReviewSpec: CommandSpec = {
  name: 'quest review',
  usage: 'quest review <quest> <entry-id> accept|reject [comment]',
  summary: 'Accept or reject a quest entry',
  help: 'The entry id is on its notice (and on Ouro). The comment is sent to the contributor with the decision. The Accept/Reject buttons on a notice do the same.',
  example: '/ouro quest review "Measure Curie temperatures" 0195a1b2-0000-7000-8000-000000000101 accept nice work',
  args: [
    { name: 'quest', required: true },
    { name: 'entry-id', required: true },
    { name: 'decision', required: true, choices: ['accept', 'reject'] },
    { name: 'comment', required: false, rest: 'words' },
  ],
  admin: true,
  ouroDecidesForLinked: true,
  async handler(ctx) {
    const quest = await loadQuest(ctx, ctx.args.quest!);
    const { notice } = await reviewEntry(
      ctx.deps,
      ctx.ouro,
      quest,
      ctx.args['entry-id']!,
      ctx.args.decision as Decision,
      ctx.input.user,
      ctx.args.comment,
      ctx.actingAs === 'person',
    );
    return { reply: notice, shows: [quest] };
  },
};
