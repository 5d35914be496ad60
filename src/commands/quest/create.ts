import { textReply } from '../../chat/reply.ts';
import { questUrl } from '../render/quest.ts';
import { effectiveLink } from '../scope.ts';
import { UserError, type CommandSpec } from '../spec.ts';

/** Ouro's name limit is not documented; 200 keeps names readable in cards and URLs. */
const MAX_NAME = 200;

export const questCreateSpec: CommandSpec = {
  name: 'quest create',
  usage: 'quest create "<name>" [--item "<text>"]… [--continuous]',
  summary: 'Create an open quest in this channel’s org/team',
  help: 'Each `--item` adds an item, in order. A quest is *closable* (one active entry per person and item) unless `--continuous` is given. The quest is created in the org/team this channel is linked to, visible to that org.',
  example: '/ouro quest create "Measure anisotropy" --item "Fe2B thin film" --item "MnBi bulk"',
  args: [{ name: 'name', required: true }],
  flags: { item: 'string', continuous: 'boolean' },
  admin: true,
  ouroDecidesForLinked: true,
  async handler({ args, flags, link: channelLink, deps, ouro }) {
    // A link to an org the operator no longer allows (OURO_ALLOWED_ORGS) counts as none.
    const link = effectiveLink(channelLink, deps.allowedOrgs);
    if (!link?.orgId) throw new UserError('Link this channel to an Ouro org first, so the quest has a home: `/ouro link <org> [team]`.');
    const name = args.name!.trim();
    if (name.length > MAX_NAME) throw new UserError(`A quest name can have at most ${MAX_NAME} characters (this one has ${name.length}).`);
    const items = (flags.get('item') ?? []).map((t) => t.trim());
    if (items.some((t) => t === '')) throw new UserError('An --item needs text.');
    const quest = await ouro.quests.create({
      name,
      type: flags.has('continuous') ? 'continuous' : 'closable',
      status: 'open',
      visibility: 'organization',
      items: items.map((description) => ({ description })),
      orgId: link.orgId,
      teamId: link.teamId ?? undefined,
    });
    const url = questUrl(deps.webBaseUrl, quest);
    const list = items.map((t, i) => `${i + 1}. ${t}`).join('\n');
    return {
      reply: textReply(
        `Created quest **${name}** (${flags.has('continuous') ? 'continuous' : 'closable'}, open) — [open on Ouro](${url}) · id \`${quest.id}\`${list ? `\n${list}` : ''}`,
      ),
      shows: [quest],
    };
  },
};
