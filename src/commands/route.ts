import type { Route } from '../ouro/index.ts';
import { parseArgs, tokenize } from './parse.ts';
import type { Block } from '../chat/reply.ts';
import { isUuid } from './resolve.ts';
import { buildRouteInput, declaredInput, declaredParams, paramLines, routeName, RouteParamError, routeUsage } from './route-params.ts';
import { routeForm } from './route-form.ts';
import { resolveRouteInput } from './route-input.ts';
import { executeRun, savePending } from './route-run.ts';
import { routesInScope } from './routes.ts';
import { UserError, type CommandContext, type CommandSpec, type HandlerResult } from './spec.ts';

/** `route <route> [name=value …] [--input <asset id>|"the file above"]`: runs a service route (docs/ouro-api.md §4.8). */

async function findRoute(ctx: CommandContext, ref: string): Promise<Route> {
  const ouro = ctx.ouro;
  if (isUuid(ref)) return ouro.services.route(ref);
  const slash = ref.indexOf('/');
  if (slash > 0) return ouro.services.route(await ouro.services.routeId(ref.slice(0, slash), ref.slice(slash + 1)));
  const wanted = ref.toLowerCase();
  const hits = (await routesInScope(ctx)).filter(({ route }) => routeName(route).endsWith(`/${wanted}`) || (route.name ?? '').toLowerCase() === wanted);
  if (hits.length === 1) return hits[0]!.route;
  if (hits.length > 1)
    throw new UserError(`“${ref}” names ${hits.length} routes — use the full name:\n${hits.map(({ route }) => `• \`${routeName(route)}\``).join('\n')}`);
  throw new UserError(`No route named “${ref}” in this channel’s scope. \`/ouro routes\` lists them.`);
}

function usageText(route: Route): string {
  return [`Usage: \`${routeUsage(route)}\``, ...paramLines(route)].join('\n');
}

async function runRoute(ctx: CommandContext): Promise<HandlerResult> {
  // The bot runs routes only inside the channel's org/team (or public ones); a linked person, where Ouro lets them.
  const route = ctx.scope.admit(await findRoute(ctx, ctx.args.route!), 'route');
  const serviceId = route.parent_id ?? (route.route.service_id as string | undefined);
  if (!serviceId) throw new UserError(`Ouro did not say which service \`${routeName(route)}\` belongs to.`);
  const words = parseArgs(tokenize(ctx.input.text), { input: 'string' })
    .positionals.slice(2)
    .map((t) => t.value);
  const inputFlag = ctx.flags.get('input')?.[0];
  const title = routeName(route);
  // Named alone but needing answers: the usage, and a form where the platform has them.
  if (!words.length && inputFlag === undefined && (declaredParams(route).some((p) => p.required) || declaredInput(route))) {
    return {
      reply: {
        text: usageText(route),
        blocks: [
          { type: 'text', markdown: `**${title}** — ${route.route.description ?? route.name}` },
          { type: 'text', markdown: usageText(route) },
        ],
        form: routeForm(route),
      },
      visibility: 'invoker',
    };
  }
  let input;
  try {
    input = buildRouteInput(route, words, inputFlag);
  } catch (err) {
    if (err instanceof RouteParamError) throw new UserError(`${err.message}\n${usageText(route)}`);
    throw err;
  }
  // Checked and read only once the words are right: a typo costs no Ouro call.
  const given = await resolveRouteInput(ctx, route, inputFlag);
  const slot = declaredInput(route);
  if (given && slot) input.inputAssets = { [slot.name]: given.id };
  const inputId = given?.id;
  const person =
    ctx.actingAs === 'person' ? { platform: ctx.input.channel.platform, workspace: ctx.input.channel.workspace, chatUserId: ctx.input.user.id } : undefined;
  const run = {
    ouro: ctx.ouro,
    ...(person ? { person } : {}),
    route,
    serviceId,
    title,
    input,
    channel: ctx.input.channel,
    ...(ctx.input.thread ? { thread: ctx.input.thread } : {}),
  };
  const cost = await ctx.ouro.services.cost(serviceId, route.id, inputId);
  const shows = given ? [route, given.asset] : [route];
  if (!cost) return { ...(await executeRun(ctx.deps, run)), shows };
  const price = `${cost.amount} ${cost.currency.toUpperCase()}${cost.unit ? ` a ${cost.unit}` : ''}`;
  const id = await savePending(ctx.deps, {
    serviceId,
    routeId: route.id,
    title,
    input,
    userId: ctx.input.user.id,
    channel: run.channel,
    thread: run.thread,
    createdAt: Date.now(),
  });
  const text = `**${title}** costs ${price}, charged to ${ctx.actingAs === 'person' ? 'your' : 'the bridge’s'} Ouro account. Run it?`;
  const blocks: Block[] = [
    { type: 'text', markdown: text },
    {
      type: 'buttons',
      buttons: [
        { actionId: 'route.confirm', label: `Run for ${price}`, value: id, style: 'primary' },
        { actionId: 'route.cancel', label: 'Cancel', value: id },
      ],
    },
  ];
  return { reply: { text, blocks }, visibility: 'invoker', shows };
}

export const routeSpec: CommandSpec = {
  name: 'route',
  usage: 'route <route> [name=value …] [--input <asset id>|"the file above"]',
  summary: 'Run a service route on Ouro and show its result here',
  help:
    'Runs a route of an Ouro service in this channel’s org/team. Name it as `entity/route-slug` (see `/ouro routes`) or by id. ' +
    'Parameters are `name=value` words, checked against the route’s declaration before anything is sent; `--input` names the asset it runs on: ' +
    'its id, or `"the file above"` for the newest file shared in this thread and mirrored to Ouro (on Slack, mention the app in the thread: `@Ouro route …`). ' +
    'A route with a price asks you to confirm first. A long run posts a message here that follows it to the end. ' +
    'Named alone, a route that needs parameters answers with its usage; on Slack it opens a form of them instead.',
  example: '/ouro route alice/relax-structure temperature=300 --input "the file above"',
  args: [
    { name: 'route', required: true },
    { name: 'params', required: false, rest: 'words' },
  ],
  flags: { input: 'string' },
  admin: false,
  handler: runRoute,
};
