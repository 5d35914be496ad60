import type { AssetSummary } from '../ouro/index.ts';
import type { Block, RichReply } from '../chat/reply.ts';
import { assetUrl, scopeFilters } from './resolve.ts';
import { UserError, type CommandContext, type CommandSpec, type HandlerResult } from './spec.ts';
import { head } from '../text/cut.ts';

/** `search <terms> [--type T]` and `datasets [terms]`: one search, listed as asset links. */

export const SEARCH_TYPES = ['dataset', 'post', 'file', 'quest', 'route'] as const;
/** Hits listed: Slack allows 50 blocks a message and Discord 25 fields, so 10 stays readable on both. */
export const SEARCH_LIMIT = 10;

export async function searchAssets(ctx: CommandContext, terms: string | undefined, type: string | undefined, what: string): Promise<HandlerResult> {
  const { deps, link, scope, ouro } = ctx;
  const filters = { ...scopeFilters(link), ...(type ? { asset_type: type } : {}) };
  const found = await ouro.assets.search({ query: terms, limit: SEARCH_LIMIT, filters });
  // Hits outside the channel's scope are not named at all (not even to the invoker).
  const page = { ...found, items: scope.filter(found.items) };
  const where = link?.orgId ? ` in ${link.teamName ?? link.orgName ?? 'the linked org'}` : '';
  const about = terms ? ` for “${terms}”` : '';
  if (!page.items.length) {
    return { reply: { text: `No ${what}${about}${where}.`, blocks: [{ type: 'text', markdown: `No ${what}${about}${where}.` }] } };
  }
  return { reply: hitsReply(page.items, `${what[0]!.toUpperCase()}${what.slice(1)}${about}${where}`, deps.webBaseUrl, page.hasMore), shows: page.items };
}

export function hitsReply(hits: readonly AssetSummary[], title: string, webBaseUrl: string, more: boolean): RichReply {
  const blocks: Block[] = [{ type: 'heading', text: title }];
  const lines: string[] = [`**${title}**`];
  for (const h of hits) {
    const name = h.name ?? '(unnamed)';
    const url = assetUrl(webBaseUrl, h);
    const summary = head((h.snippet ?? h.description?.text ?? '').replace(/\s+/g, ' ').trim(), 140);
    blocks.push({ type: 'asset', asset: { id: h.id, type: h.asset_type, name, url, visibility: h.visibility }, summary: summary || undefined });
    lines.push(`• [${name}](${url}) — ${h.asset_type}, id \`${h.id}\``);
  }
  if (more) {
    blocks.push({ type: 'context', markdown: 'More results on Ouro; narrow the terms to see others.' });
    lines.push('More results on Ouro; narrow the terms to see others.');
  }
  return { text: lines.join('\n'), blocks };
}

export const searchSpec: CommandSpec = {
  name: 'search',
  usage: 'search <terms> [--type dataset|post|file|quest|route]',
  summary: 'Search Ouro (in this channel’s org/team when linked)',
  help: 'Searches assets by meaning and text. `--type` narrows to one kind. Lists public assets and those of the org/team this channel is linked to.',
  example: '/ouro search screening --type dataset',
  args: [{ name: 'terms', required: true, rest: 'words' }],
  flags: { type: 'string' },
  admin: false,
  async handler(ctx) {
    const types = ctx.flags.get('type') ?? [];
    if (types.length > 1) throw new UserError('Give --type once.');
    const type = types[0]?.toLowerCase();
    if (type !== undefined && !(SEARCH_TYPES as readonly string[]).includes(type)) {
      throw new UserError(`--type must be one of ${SEARCH_TYPES.join(', ')} — not “${types[0]}”.`);
    }
    return searchAssets(ctx, ctx.args.terms, type, type ? `${type}s` : 'results');
  },
};

export const datasetsSpec: CommandSpec = {
  name: 'datasets',
  usage: 'datasets [terms]',
  summary: 'List datasets (in this channel’s org/team when linked)',
  help: 'Without terms, the newest datasets; with terms, the best matches. Use a name or id with `/ouro query`.',
  example: '/ouro datasets screening',
  args: [{ name: 'terms', required: false, rest: 'words' }],
  admin: false,
  handler: (ctx) => searchAssets(ctx, ctx.args.terms, 'dataset', 'datasets'),
};
