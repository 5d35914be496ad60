import { textReply } from '../chat/reply.ts';
import { loadQuest } from './quest/common.ts';
import { UserError, type CommandSpec } from './spec.ts';
import { HEALTHY, type WatchHealth } from '../quests/types.ts';
import { baselineQuest } from './watch-baseline.ts';
import { fetchFollowed } from '../comments/fetch.ts';
import type { AssetScope } from './visibility.ts';

export const WATCH_STATUSES = ['submitted', 'accepted', 'rejected'] as const;

/** `submitted,accepted` / `submitted accepted` → validated, deduplicated, in canonical order. */
export function parseStatuses(raw: string | undefined): string[] {
  if (!raw) return ['accepted'];
  const given = raw
    .split(/[\s,]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const bad = given.filter((s) => !(WATCH_STATUSES as readonly string[]).includes(s));
  if (bad.length) throw new UserError(`Unknown status ${bad.map((b) => `“${b}”`).join(', ')}: choose from ${WATCH_STATUSES.join(', ')} (comma-separated).`);
  return WATCH_STATUSES.filter((s) => given.includes(s));
}

export const watchSpec: CommandSpec = {
  name: 'watch',
  usage: 'watch <quest> [submitted,accepted,rejected]',
  summary: 'Post a quest’s entries in this channel as they happen',
  help: 'Default: accepted entries only. A card for the quest appears in the channel and is kept up to date; each new or reviewed entry goes in its thread. Existing entries are not replayed. The quest must be public or in this channel’s org/team. Watching a quest again resumes a watch paused because posting here kept failing, and posts what it missed.',
  example: '/ouro watch "Measure Curie temperatures" submitted,accepted',
  args: [
    { name: 'quest', required: true },
    { name: 'statuses', required: false, rest: 'words' },
  ],
  admin: false,
  async handler(ctx) {
    const { input, deps } = ctx;
    const statuses = parseStatuses(ctx.args.statuses);
    // Admitted by the channel's scope (loadQuest), and again at every notice (bridge/quests/deliver.ts).
    const quest = await loadQuest(ctx, ctx.args.quest!);
    const name = quest.name ?? quest.id;
    const existing = await deps.store.listWatches({ ...input.channel, questId: quest.id });
    // Watching again resumes a watch whose deliveries failed (quests/watch-health.ts) where
    // it stopped: what it missed is still to be posted, so it is not baselined away.
    const resumed = (existing[0]?.failures ?? 0) > 0;
    if (!resumed) await baselineQuest(deps, quest.id, input.channel);
    await deps.store.addWatch({ ...input.channel, questId: quest.id, statuses, createdBy: input.user.id });
    if (resumed) await deps.store.setWatchHealth({ ...input.channel, questId: quest.id }, HEALTHY);
    if (deps.notifier) {
      // The card appears now rather than at the next tick; a failure here is retried by the schedule.
      await deps.notifier.pollNow(quest.id).catch((err: unknown) => ctx.log.warn({ err, questId: quest.id }, 'first poll after watch failed'));
    }
    const verb = resumed ? 'Resumed (what was missed follows): watching' : existing.length ? 'Now watching' : 'Watching';
    return { reply: textReply(`${verb} **${name}** here for ${statuses.join(', ')} entries.`), shows: [quest] };
  },
};

export const unwatchSpec: CommandSpec = {
  name: 'unwatch',
  usage: 'unwatch <quest>',
  summary: 'Stop posting a quest’s entries in this channel',
  help: 'The quest goes by id or name. The card stays as it is.',
  example: '/ouro unwatch "Measure Curie temperatures"',
  args: [{ name: 'quest', required: true }],
  admin: false,
  async handler(ctx) {
    const { input, deps } = ctx;
    const watches = await deps.store.listWatches({ ...input.channel });
    const ref = ctx.args.quest!;
    // A watched quest's id is known here even if the quest was deleted or renamed on Ouro.
    const direct = watches.find((w) => w.questId === ref);
    const questId = direct?.questId ?? (await loadQuest(ctx, ref)).id;
    const removed = await deps.store.removeWatch({ ...input.channel, questId });
    // The channel's record of what it was told goes too (a later watch baselines afresh);
    // also when no watch stood, which clears a record an earlier unwatch left behind.
    await deps.store.deleteSnapshots({ ...input.channel, questId });
    if (!removed) throw new UserError(`This channel does not watch that quest. See \`/ouro watches\`.`);
    return { reply: textReply(`Stopped watching quest \`${questId}\` here.`) };
  },
};

export const watchesSpec: CommandSpec = {
  name: 'watches',
  usage: 'watches',
  summary: 'List the quests this channel watches and the assets whose comments it follows',
  help: 'Shows each watched quest with the entry statuses that are posted, and each followed asset, with any trouble posting here.',
  example: '/ouro watches',
  args: [],
  admin: false,
  async handler(ctx) {
    const { input, deps } = ctx;
    const [watches, follows] = await Promise.all([deps.store.listWatches({ ...input.channel }), deps.store.listFollows({ ...input.channel })]);
    if (!watches.length && !follows.length) {
      return { reply: textReply('This channel watches no quests and follows no comments. Start with `/ouro watch <quest>` or `/ouro follow <asset>`.') };
    }
    // An asset the channel's scope no longer allows (its link changed) is listed by id only.
    const visible = <T extends AssetScope>(p: Promise<T>) =>
      p.then(
        (a) => (ctx.scope.allows(a) ? a : undefined),
        () => undefined,
      );
    const quests = await Promise.all(watches.map((w) => visible(deps.ouro.quests.get(w.questId))));
    const assets = await Promise.all(follows.map((f) => visible(fetchFollowed(deps.ouro, f.assetType, f.assetId))));
    const sections: string[] = [];
    if (watches.length) {
      const lines = watches.map(
        (w, i) => `• ${quests[i]?.name ?? '(quest unavailable here)'} — ${w.statuses.join(', ')} · id \`${w.questId}\`${healthNote(w)}`,
      );
      sections.push(`**Watched quests**\n${lines.join('\n')}`);
    }
    if (follows.length) {
      const lines = follows.map(
        (f, i) => `• ${assets[i]?.name ?? '(unavailable here)'} — ${f.assetType} comments · id \`${f.assetId}\`${healthNote(f, 'follow')}`,
      );
      sections.push(`**Followed comments**\n${lines.join('\n')}`);
    }
    return {
      reply: textReply(sections.join('\n\n')),
      shows: [...quests, ...assets].filter((a) => a !== undefined),
    };
  },
};

/** A watch whose deliveries fail, as `/ouro watches` says it. */
function healthNote(t: WatchHealth, resumeWith: 'watch' | 'follow' = 'watch'): string {
  if (t.failures === 0) return '';
  const since = new Date(t.failingSince ?? t.pausedAt ?? 0).toISOString().slice(0, 16).replace('T', ' ');
  const paused = t.pausedAt !== null;
  const state = paused ? '**paused**: posting here failed' : `posting here has failed ${t.failures} time${t.failures === 1 ? '' : 's'}`;
  const resume = paused ? `; \`/ouro ${resumeWith}\` it again to resume` : '';
  return `\n  ⚠ ${state} since ${since} UTC (${t.lastError})${resume}`;
}
