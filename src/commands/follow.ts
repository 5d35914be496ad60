import { textReply } from '../chat/reply.ts';
import { OuroNotFoundError } from '../ouro/errors.ts';
import { fetchFollowed } from '../comments/fetch.ts';
import { FOLLOWABLE, type FollowableType } from '../comments/types.ts';
import { HEALTHY } from '../quests/types.ts';
import { candidateList, isUuid, scopeFilters } from './resolve.ts';
import { channelScope } from './scope.ts';
import { UserError, type CommandContext, type CommandSpec } from './spec.ts';

/** How many search hits to consider for a name (as resolve.ts): one request. */
const NAME_CANDIDATES = 25;
const UUID_IN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * The asset `ref` names: an id, an Ouro link holding one, or a name searched among datasets,
 * posts, files and quests (the channel's org/team first). Read with the bot's account, which
 * is the one that polls; admitted by the channel's scope, since the bot posts its comments
 * here whoever asked.
 */
export async function findFollowable(ctx: CommandContext, ref: string) {
  const { ouro, allowedOrgs } = ctx.deps;
  const scope = channelScope(ctx.link, allowedOrgs);
  const wanted = ref.trim();
  const id = isUuid(wanted) ? wanted : /^https?:\/\//.test(wanted) ? UUID_IN.exec(wanted)?.[0] : undefined;
  if (id) {
    for (const type of FOLLOWABLE) {
      try {
        return scope.admit(await fetchFollowed(ouro, type, id), type);
      } catch (err) {
        if (!(err instanceof OuroNotFoundError)) throw err;
      }
    }
    throw new UserError(`No dataset, post, file or quest with id \`${id}\` that the bridge can see.`);
  }
  const scoped = scopeFilters(ctx.link);
  for (const pass of Object.keys(scoped).length ? [scoped, {}] : [{}]) {
    const page = await ouro.assets.search({ query: wanted, limit: NAME_CANDIDATES, filters: { asset_type: [...FOLLOWABLE], ...pass } });
    const hits = scope.filter(page.items.filter((h) => (FOLLOWABLE as readonly string[]).includes(String(h.asset_type))));
    const exact = hits.filter((h) => (h.name ?? '').trim().toLowerCase() === wanted.toLowerCase());
    if (exact.length > 1) throw new UserError(`“${wanted}” names ${exact.length} assets — use the id:\n${candidateList(exact)}`);
    const only = exact[0] ?? (hits.length === 1 ? hits[0] : undefined);
    if (only) return scope.admit(await fetchFollowed(ouro, only.asset_type as FollowableType, only.id), String(only.asset_type));
    if (hits.length) throw new UserError(`No dataset, post, file or quest named exactly “${wanted}”. Did you mean:\n${candidateList(hits)}`);
  }
  throw new UserError(`No dataset, post, file or quest named “${wanted}” that this channel may see.`);
}

export const followSpec: CommandSpec = {
  name: 'follow',
  usage: 'follow <dataset|post|file|quest>',
  summary: 'Post new comments on an Ouro asset in this channel',
  help:
    'Name the asset by id, link or name. A card for it appears in the channel; each new comment or reply on Ouro goes in the card’s thread, and a reply in that thread answers on Ouro (as you when you linked your account with `/ouro login`). ' +
    'Existing comments are not replayed. The asset must be public or in this channel’s org/team. Following again resumes a follow paused because posting here kept failing.',
  example: '/ouro follow "Curie temperatures"',
  args: [{ name: 'asset', required: true, rest: 'words' }],
  admin: false,
  async handler(ctx) {
    const { input, deps } = ctx;
    const asset = await findFollowable(ctx, ctx.args.asset!);
    const key = { ...input.channel, assetId: asset.id };
    const [existing] = await deps.store.listFollows(key);
    // Following again resumes where a failing follow stopped: what it missed still follows.
    const resumed = (existing?.failures ?? 0) > 0;
    if (!existing && deps.comments) await deps.comments.baseline(key);
    await deps.store.addFollow({ ...key, assetType: asset.asset_type, createdBy: input.user.id });
    if (resumed) await deps.store.setFollowHealth(key, HEALTHY);
    // The card appears now rather than at the next tick; a failure here is retried by the schedule.
    await deps.comments?.pollNow(asset.id).catch((err: unknown) => ctx.log.warn({ err, assetId: asset.id }, 'first poll after follow failed'));
    const name = asset.name?.trim() || asset.id;
    const verb = resumed ? 'Resumed (what was missed follows): following' : existing ? 'Already following' : 'Following';
    return { reply: textReply(`${verb} comments on ${asset.asset_type} **${name}** here.`), shows: [asset] };
  },
};
