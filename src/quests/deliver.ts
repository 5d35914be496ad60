/**
 * Bringing one watching channel up to date for one quest: the quest's parent card (posted
 * once, then edited in place) and, in the card's thread, one notice per entry change the
 * channel watches. Each notice is recorded as told (the channel's entry snapshots) right
 * after it is posted; a failed post stops the channel's run so the thread stays in order,
 * and the next tick tries again from there.
 */
import type { Logger } from '../log.ts';
import type { Quest, QuestEntry } from '../ouro/index.ts';
import type { CommandOuro } from '../commands/spec.ts';
import { itemOf, userName } from '../commands/quest/common.ts';
import { entryNotice, questCard, type EntryCounts } from '../commands/render/quest.ts';
import { channelScope } from '../commands/scope.ts';
import { noticeKey, snapshotOf } from '../commands/watch-baseline.ts';
import type { Store } from '../store/types.ts';
import type { Watch } from './types.ts';
import type { ChatAdapter, ChatRef } from '../bridge/types.ts';
import { isMessageGone } from '../bridge/message-gone.ts';
import type { EntryEvent } from './diff.ts';

export const channelId = (w: Pick<Watch, 'platform' | 'workspace' | 'channel'>) => `${w.platform}/${w.workspace}/${w.channel}`;

export interface DeliverContext {
  ouro: Pick<CommandOuro, 'users'>;
  store: Store;
  adapters: readonly ChatAdapter[];
  webBaseUrl: string;
  /** OURO_ALLOWED_ORGS: a channel linked to an org no longer allowed counts as unlinked. */
  allowedOrgs?: readonly string[];
  logger: Logger;
  /** Ouro user id → display name, shared by the channels of one poll. */
  names: Map<string, string>;
}

export interface DeliverResult {
  delivered: number;
  /** Notices not sent because the channel may not see the quest. */
  skipped: number;
  /** A post failed: the rest waits for the next tick. */
  failed: boolean;
  /** What the failed post threw. */
  error?: unknown;
}

/**
 * `events` are this channel's unseen changes (diffed against its own snapshots), oldest
 * first. `quest` was fetched now, at send time, so visibility is judged on the quest as it
 * is, not as it was when the watch was made.
 */
export async function deliverToWatch(
  ctx: DeliverContext,
  watch: Watch,
  quest: Quest,
  counts: EntryCounts,
  events: readonly EntryEvent[],
): Promise<DeliverResult> {
  const result: DeliverResult = { delivered: 0, skipped: 0, failed: false };
  const log = ctx.logger.child({ questId: watch.questId, channel: channelId(watch) });
  const record = (evs: readonly EntryEvent[]) => ctx.store.putSnapshots(evs.map((e) => snapshotOf(watch, e.entry, e.status)));
  const wanted = events.filter((e) => watch.statuses.includes(e.status));

  const link = await ctx.store.getChannelLink(watch);
  if (!channelScope(link, ctx.allowedOrgs).allows(quest)) {
    log.warn(
      {
        visibility: quest.visibility,
        questOrg: quest.org_id,
        questTeam: quest.team_id,
        linkOrg: link?.orgId ?? null,
        linkTeam: link?.teamId ?? null,
        notices: wanted.length,
      },
      'quest notifications not sent: the quest is neither public nor in the org/team this channel is linked to',
    );
    await record(events);
    result.skipped = wanted.length;
    return result;
  }
  const adapter = ctx.adapters.find((a) => a.platform === watch.platform);
  if (!adapter) {
    log.warn({ platform: watch.platform, notices: wanted.length }, 'quest notifications wait: no adapter for this platform is running');
    return result;
  }

  const channel: ChatRef = { platform: watch.platform, workspace: watch.workspace, channel: watch.channel };
  const card = questCard(quest, counts, ctx.webBaseUrl);
  const postCard = async () => {
    const posted = await adapter.post(channel, { text: card.text, rich: card });
    const id = posted.thread ?? posted.messageId;
    await ctx.store.setWatchCard(watch, id);
    return id;
  };
  let cardId = watch.cardMessageId;
  if (!cardId) {
    cardId = await postCard();
  } else if (events.length) {
    try {
      await adapter.edit(channel, cardId, { text: card.text, rich: card });
    } catch (err) {
      if (isMessageGone(err)) {
        // Someone deleted the card: its notices need a card to hang under, so a new one is
        // posted and the watch follows it. A failure here is a failed post, retried next tick.
        log.info({ card: cardId }, 'the quest card was deleted; posting a new one');
        cardId = await postCard();
      } else log.warn({ err }, 'quest card edit failed');
    }
  }

  // Changes the channel does not watch are recorded as seen without a notice.
  const quiet: EntryEvent[] = events.filter((e) => !watch.statuses.includes(e.status));
  for (const ev of wanted) {
    try {
      await postNotice(ctx, adapter, { ...channel, thread: cardId }, quest, ev.entry, ev.status, watch);
    } catch (err) {
      log.debug({ err, entryId: ev.entry.id, status: ev.status }, 'quest notice failed');
      result.failed = true;
      result.error = err;
      break;
    }
    await record([ev]);
    result.delivered++;
  }
  if (quiet.length) await record(quiet);
  return result;
}

/** Posts one notice and records it, so its Review buttons are honoured (commands/index.ts). */
async function postNotice(
  ctx: DeliverContext,
  adapter: ChatAdapter,
  ref: ChatRef,
  quest: Quest,
  entry: QuestEntry,
  status: string,
  watch: Watch,
): Promise<void> {
  const submitter = await userName(ctx, entry.user_id, ctx.names);
  const shown = { ...entry, status };
  const notice = entryNotice({ quest, entry: shown, ...itemOf(quest, shown), submitter, webBaseUrl: ctx.webBaseUrl });
  const posted = await adapter.post(ref, { text: notice.text, rich: notice });
  for (const id of [posted.messageId, ...(posted.parts ?? [])]) await ctx.store.setState(noticeKey(watch, id), `${quest.id}:${entry.id}`);
}
