import type { Route, Service } from '../ouro/index.ts';
import type { Block } from '../chat/reply.ts';
import { declaredInput, routeName } from './route-params.ts';
import type { CommandContext, CommandSpec, HandlerResult } from './spec.ts';

/** `routes [service or terms]`: the service routes runnable in this channel's scope. */

/** Routes listed: each costs a cost look-up, and 10 stays readable on Slack and Discord. */
const ROUTES_LISTED = 10;

function latency(route: Route): string | undefined {
  const ms = route.metrics?.avg_completion_ms;
  if (typeof ms !== 'number' || ms <= 0) return undefined;
  return ms < 1000 ? `~${Math.round(ms)} ms` : `~${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

function io(route: Route): string | undefined {
  const input = declaredInput(route);
  const outs = Object.values(route.route.output_assets ?? {}).map((o) => o.asset_type);
  const inText = input ? `${input.assetType}${input.extensions.length ? ` (${input.extensions.map((e) => `.${e}`).join(', ')})` : ''}` : undefined;
  if (!inText && !outs.length) return undefined;
  return `${inText ?? 'parameters'} → ${outs.length ? outs.join(', ') : 'response'}`;
}

const matches = (terms: string, ...texts: (string | null | undefined)[]) => texts.some((t) => (t ?? '').toLowerCase().includes(terms.toLowerCase()));

export async function routesInScope(ctx: CommandContext): Promise<{ service: Service; route: Route }[]> {
  const ouro = ctx.ouro;
  const inScope = (a: Service | Route) => ctx.scope.allows(a);
  const out: { service: Service; route: Route }[] = [];
  for (const service of (await ouro.services.list()).filter(inScope)) {
    for (const route of await ouro.services.routes(service.id)) if (inScope(route)) out.push({ service, route });
  }
  return out;
}

async function listRoutes(ctx: CommandContext): Promise<HandlerResult> {
  const terms = ctx.args.terms?.trim();
  const all = await routesInScope(ctx);
  const hits = terms
    ? all.filter(({ service, route }) => matches(terms, service.name, route.name, routeName(route), route.route.description, route.route.summary))
    : all;
  const where = ctx.link?.orgId ? ` in ${ctx.link.teamName ?? ctx.link.orgName ?? 'the linked org'}` : ' (public only: this channel is not linked)';
  if (!hits.length) {
    const text = `No service routes${terms ? ` matching “${terms}”` : ''}${where}.`;
    return { reply: { text, blocks: [{ type: 'text', markdown: text }] } };
  }
  const title = `Service routes${terms ? ` matching “${terms}”` : ''}${where}`;
  const blocks: Block[] = [{ type: 'heading', text: title }];
  const lines = [`**${title}**`];
  for (const { service, route } of hits.slice(0, ROUTES_LISTED)) {
    const cost = await ctx.ouro.services.cost(service.id, route.id).catch(() => null);
    const facts = [
      `${route.route.method} ${route.route.path}`,
      io(route),
      latency(route),
      cost ? `${cost.amount} ${cost.currency.toUpperCase()}${cost.unit ? ` a ${cost.unit}` : ''}` : undefined,
      route.route.execution_mode === 'async' ? 'async' : undefined,
    ].filter(Boolean);
    const about = (route.route.description ?? route.route.summary ?? '').replace(/\s+/g, ' ').trim().slice(0, 140);
    const line = `• \`${routeName(route)}\` — ${about || route.name}\n  ${facts.join(' · ')}`;
    blocks.push({ type: 'text', markdown: line });
    lines.push(line);
  }
  if (hits.length > ROUTES_LISTED) {
    const more = `…and ${hits.length - ROUTES_LISTED} more; add terms to narrow the list.`;
    blocks.push({ type: 'context', markdown: more });
    lines.push(more);
  }
  blocks.push({ type: 'context', markdown: 'Run one with `/ouro route <name> [name=value …]`.' });
  return { reply: { text: lines.join('\n'), blocks }, shows: hits.map((h) => h.route) };
}

export const routesSpec: CommandSpec = {
  name: 'routes',
  usage: 'routes [service or terms]',
  summary: 'List the service routes you can run from this channel',
  help: 'Lists routes of the Ouro services in this channel’s org/team (public ones only in an unlinked channel): method and path, what goes in and comes out, typical time and the cost when Ouro states one.',
  example: '/ouro routes relax',
  args: [{ name: 'terms', required: false, rest: 'words' }],
  admin: false,
  handler: listRoutes,
};
