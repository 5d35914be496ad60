import { textReply } from '../chat/reply.ts';
import { findFollowable } from './follow.ts';
import { UserError, type CommandSpec } from './spec.ts';

export const unfollowSpec: CommandSpec = {
  name: 'unfollow',
  usage: 'unfollow <dataset|post|file|quest>',
  summary: 'Stop posting an asset’s comments in this channel',
  help: 'The asset goes by id, link or name. The card and its thread stay as they are; replies there no longer reach Ouro.',
  example: '/ouro unfollow "Curie temperatures"',
  args: [{ name: 'asset', required: true, rest: 'words' }],
  admin: false,
  async handler(ctx) {
    const { input, deps } = ctx;
    const ref = ctx.args.asset!.trim();
    // A followed asset's id is known here even if it was deleted or renamed on Ouro.
    const follows = await deps.store.listFollows({ ...input.channel });
    const assetId = follows.find((f) => f.assetId === ref)?.assetId ?? (await findFollowable(ctx, ref)).id;
    const key = { ...input.channel, assetId };
    const removed = await deps.store.removeFollow(key);
    // What the channel knew goes too (a later follow starts afresh).
    await deps.store.deleteCommentCopies(key);
    if (!removed) throw new UserError('This channel does not follow that asset. See `/ouro watches`.');
    return { reply: textReply(`Stopped following comments on \`${assetId}\` here.`) };
  },
};
