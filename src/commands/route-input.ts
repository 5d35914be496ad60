/**
 * The asset a route runs on (`--input`): an asset id, or "the file above" — the newest file
 * of this thread that the mirror carried to Ouro (thread-file.ts). Either way the asset is
 * read with the acting account and admitted by the channel's scope, like any asset a command
 * uses: the bot never runs a route on a private asset of another org, and a linked person
 * only on what Ouro lets them read.
 */
import { OuroNotFoundError, OuroPermissionDeniedError } from '../ouro/errors.ts';
import type { Route } from '../ouro/index.ts';
import type { AssetScope } from './visibility.ts';
import { findAsset, isUuid } from './resolve.ts';
import { declaredInput } from './route-params.ts';
import { UserError, type CommandContext } from './spec.ts';
import { latestThreadFile, meansFileAbove } from './thread-file.ts';

export interface RouteInputAsset {
  id: string;
  /** What was read of it (for the reply's visibility check). */
  asset: AssetScope & { id: string };
}

function noFileAbove(ctx: CommandContext): UserError {
  const here = ctx.input.thread ? 'this thread' : 'this channel’s top level';
  const lines = [
    `No file shared in ${here} has reached Ouro, so there is no “file above” to run on.`,
    'Share the file in a mirrored thread (`/ouro mirror threads`, or `/ouro mirror status` to check) and run this there, or give its asset id: `--input <file id>`.',
  ];
  if (!ctx.input.thread && ctx.input.channel.platform === 'slack')
    lines.push(
      'Slack runs no slash command inside a thread: mention the bridge’s app in the thread instead, e.g. `@Ouro route <route> --input "the file above"`.',
    );
  return new UserError(lines.join('\n'));
}

async function read(ctx: CommandContext, type: string, id: string): Promise<AssetScope & { id: string }> {
  if (type === 'file') return ctx.ouro.files.get(id);
  return findAsset(ctx.ouro, id, type);
}

/** Undefined when no `--input` was given; the route's own checks then say whether it needs one. */
export async function resolveRouteInput(ctx: CommandContext, route: Route, value: string | undefined): Promise<RouteInputAsset | undefined> {
  if (value === undefined) return undefined;
  const slot = declaredInput(route);
  const type = slot?.assetType ?? 'asset';
  let id = value.trim();
  let above: string | undefined;
  if (meansFileAbove(id)) {
    const file = await latestThreadFile(ctx.deps.store, { ...ctx.input.channel, thread: ctx.input.thread ?? '' });
    if (!file) throw noFileAbove(ctx);
    id = file.assetId;
    above = file.name;
  } else if (!isUuid(id)) {
    throw new UserError(`\`--input\` takes an Ouro asset id (a UUID, as in the asset’s URL) or "the file above" — not “${value}”.`);
  }
  // A route without an input slot is refused by its own checks (route-params.ts), in its words.
  if (!slot) return { id, asset: { id } };
  let asset: AssetScope & { id: string };
  try {
    asset = await read(ctx, type, id);
  } catch (err) {
    if (!(err instanceof OuroNotFoundError || err instanceof OuroPermissionDeniedError)) throw err;
    throw new UserError(
      above
        ? `The file above (“${above}”) is no longer on Ouro, or ${ctx.actingAs === 'person' ? 'your account' : 'the bridge'} may not read it. Share it again, or give an asset id.`
        : `No Ouro ${type} with id \`${id}\` that ${ctx.actingAs === 'person' ? 'your account' : 'the bridge'} can read.`,
    );
  }
  return { id, asset: ctx.scope.admit(asset, type) };
}
