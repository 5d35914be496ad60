import type { Quest } from '../../ouro/index.ts';
import type { Block } from '../../chat/reply.ts';
import { questUrl } from '../render/quest.ts';
import { scopeFilters } from '../resolve.ts';
import type { CommandSpec } from '../spec.ts';

/** Quests looked at per `quest list`: each needs its own GET for status, so keep it to one screen. */
const LIST_LIMIT = 15;

export const questListSpec: CommandSpec = {
  name: 'quest list',
  usage: 'quest list [open|closed|all]',
  summary: 'List quests (in this channel’s org/team when linked)',
  help: 'Open quests by default; `closed` also covers cancelled ones; `all` lists every status, newest first.',
  example: '/ouro quest list all',
  args: [{ name: 'status', required: false, choices: ['open', 'closed', 'all'] }],
  admin: false,
  async handler({ args, link, scope, deps, ouro }) {
    const want = args.status ?? 'open';
    const page = await ouro.assets.search({ limit: LIST_LIMIT, sort: 'recent', filters: { asset_type: 'quest', ...scopeFilters(link) } });
    // Search hits may omit `quest.status` (docs/ouro-api.md §9.5): fetch the quest when they do.
    const quests = await Promise.all(
      scope.filter(page.items).map(async (hit) => ((hit as Partial<Quest>).quest?.status ? (hit as unknown as Quest) : ouro.quests.get(hit.id))),
    );
    const matches = quests.filter((q) => {
      const s = q.quest?.status ?? 'open';
      return want === 'all' || (want === 'open' ? s === 'open' : s === 'closed' || s === 'cancelled');
    });
    const title = `${want === 'all' ? 'Quests' : `${want[0]!.toUpperCase()}${want.slice(1)} quests`}${link?.orgId ? ` in ${link.teamName ?? link.orgName ?? 'the linked org'}` : ''}`;
    if (!matches.length)
      return {
        reply: {
          text: `No ${want === 'all' ? '' : `${want} `}quests found.`,
          blocks: [{ type: 'text', markdown: `No ${want === 'all' ? '' : `${want} `}quests found.` }],
        },
      };
    const lines = matches.map((q) => {
      const p = q.progress ? ` — ${q.progress.resolved}/${q.progress.total} items done` : '';
      return `• [${q.name ?? q.id}](${questUrl(deps.webBaseUrl, q)}) (${q.quest?.status ?? 'open'})${p} · id \`${q.id}\``;
    });
    const blocks: Block[] = [
      { type: 'heading', text: title },
      { type: 'text', markdown: lines.join('\n') },
    ];
    return { reply: { text: `**${title}**\n${lines.join('\n')}`, blocks }, shows: matches };
  },
};
