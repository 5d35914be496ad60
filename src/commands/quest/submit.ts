import { textReply } from '../../chat/reply.ts';
import { findAsset, isUuid } from '../resolve.ts';
import { UserError, type CommandSpec } from '../spec.ts';
import { itemByNumber, loadQuest } from './common.ts';

const PLATFORM: Record<string, string> = { slack: 'Slack', discord: 'Discord', console: 'the console' };

export const questSubmitSpec: CommandSpec = {
  name: 'quest submit',
  usage: 'quest submit <quest> <item-number> <asset-id> [note]',
  summary: 'Submit an asset as an entry for a quest item',
  help: 'Item numbers are those of `/ouro quest show`. With your Ouro account linked (`/ouro login`) the entry is yours, with its XP and reward; otherwise the bridge’s account makes it, the note records who submitted it from chat, and an item with a reward is refused (link first). On a closable quest one person keeps one active entry per item.',
  example: '/ouro quest submit "Measure Curie temperatures" 2 0195a1b2-0000-7000-8000-000000000004 Tc = 866 K',
  args: [
    { name: 'quest', required: true },
    { name: 'item-number', required: true },
    { name: 'asset-id', required: true },
    { name: 'note', required: false, rest: 'words' },
  ],
  admin: false,
  async handler(ctx) {
    const { args, input, ouro } = ctx;
    const assetId = args['asset-id']!;
    if (!isUuid(assetId)) throw new UserError(`<asset-id> must be an Ouro asset id (a UUID, as in the asset’s URL) — not “${assetId}”.`);
    const quest = await loadQuest(ctx, args.quest!);
    const status = quest.quest?.status ?? 'open';
    if (status !== 'open') throw new UserError(`**${quest.name ?? quest.id}** is ${status}; it takes entries only while open.`);
    const { item, number } = itemByNumber(quest, args['item-number']!);
    ctx.scope.admit(await findAsset(ouro, assetId, typeof item.expected_asset_type === 'string' ? item.expected_asset_type : undefined), 'asset');
    const reward = Number((item as { reward_amount?: unknown }).reward_amount ?? 0);
    if (ctx.actingAs === 'bot' && reward > 0) {
      throw new UserError(
        `Item ${number} carries a reward, which must go to you, not to the bridge’s account. Link your Ouro account first: \`/ouro login\` (with an API key from Ouro → Settings → API keys), then submit again.`,
      );
    }
    // As the bot, the note names who submitted; a linked person is the entry's author on Ouro.
    const by = ctx.actingAs === 'person' ? undefined : `Submitted by ${input.user.name} from ${PLATFORM[input.channel.platform] ?? input.channel.platform}`;
    const description = [args.note, by].filter(Boolean).join('\n\n') || undefined;
    const key = Object.keys((item as { submission_assets?: Record<string, unknown> | null }).submission_assets ?? {})[0] ?? 'asset';
    const entry = await ouro.quests.submit(quest.id, { itemId: item.id, assets: { [key]: assetId }, description });
    return {
      reply: textReply(
        `Submitted entry \`${entry.id}\` for item ${number} (“${item.description?.text ?? ''}”) of **${quest.name ?? quest.id}**. Reviewers will see it.`,
      ),
      shows: [quest],
    };
  },
};
