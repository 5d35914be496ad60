/**
 * Delivery of quest notifications to one watching channel: the quest's parent card (posted
 * once, then edited in place) and, in the card's thread, one notice per queued entry event.
 * Jobs are taken from the store queue in order and completed one by one, so a crash repeats
 * at most the one notice in flight and loses none.
 */
import type { Logger } from '../../log.ts';
import type { Quest, QuestEntry } from '../../ouro/index.ts';
import type { CommandOuro } from '../../commands/spec.ts';
import { entryNotice, questCard, type EntryCounts } from '../../commands/render/quest.ts';
import { visibilityFor } from '../../commands/visibility.ts';
import type { Job, Store, Watch } from '../../store/types.ts';
import type { ChatAdapter, ChatRef } from '../types.ts';
import { itemOf, userName } from '../../commands/quest/common.ts';

/**
 * Notification jobs are parked: due in the year 9999, so the core's general worker (which
 * claims any lane's due jobs) never takes them; this module is their only consumer and
 * lists them by lane. A failed delivery stays parked for the next tick.
 */
export const PARKED_AT = Date.UTC(9999, 0, 1);
export const NOTIFY_KIND = 'quest.notify';
/** Deliveries tried before a notification goes dead (visible in `ouro-bridge jobs list`). */
export const MAX_ATTEMPTS = 5;
/** Pending notifications read per channel per tick; the rest wait for the next tick. */
const BATCH = 100;

export interface NotifyPayload {
  questId: string;
  entryId: string;
  status: string;
  entry: QuestEntry;
}

export const channelId = (w: Pick<Watch, 'platform' | 'workspace' | 'channel'>) => `${w.platform}/${w.workspace}/${w.channel}`;
export const laneOf = (w: Pick<Watch, 'platform' | 'workspace' | 'channel' | 'questId'>) => `quest:${w.questId}:${channelId(w)}`;
export const notifyKey = (entryId: string, status: string, w: Pick<Watch, 'platform' | 'workspace' | 'channel'>) =>
  `quest:${entryId}:${status}:${channelId(w)}`;

export interface DeliverContext {
  ouro: Pick<CommandOuro, 'users'>;
  store: Store;
  adapters: readonly ChatAdapter[];
  webBaseUrl: string;
  logger: Logger;
  /** Ouro user id → display name, for this tick. */
  names: Map<string, string>;
}

export interface DeliverResult {
  delivered: number;
  skipped: number;
  failed: number;
}

/**
 * Brings one channel up to date for one quest. `quest` is fetched by the caller at send
 * time (visibility is judged on it now, not when the watch was made); `changed` says the
 * quest's counts moved this tick, so the card needs an edit even without notices here.
 */
export async function deliverToWatch(
  ctx: DeliverContext,
  watch: Watch,
  quest: Quest,
  counts: EntryCounts,
  changed: boolean,
): Promise<DeliverResult> {
  const result: DeliverResult = { delivered: 0, skipped: 0, failed: 0 };
  const log = ctx.logger.child({ questId: watch.questId, channel: channelId(watch) });
  const jobs = (await ctx.store.listJobs({ state: 'pending', lane: laneOf(watch), limit: BATCH })).sort((a, b) => a.id - b.id);
  if (!jobs.length && watch.cardMessageId && !changed) return result;

  const link = await ctx.store.getChannelLink(watch);
  if (visibilityFor(quest, link) !== 'public') {
    log.warn(
      { visibility: quest.visibility, questOrg: quest.org_id, questTeam: quest.team_id, linkOrg: link?.orgId ?? null, linkTeam: link?.teamId ?? null, notices: jobs.length },
      'quest notification not sent: the quest is neither public nor in the org/team this channel is linked to',
    );
    for (const job of jobs) await ctx.store.completeJob(job.id);
    result.skipped += jobs.length;
    return result;
  }
  const adapter = ctx.adapters.find((a) => a.platform === watch.platform);
  if (!adapter) {
    log.warn({ platform: watch.platform, notices: jobs.length }, 'quest notifications wait: no adapter for this platform is running');
    return result;
  }

  const channel: ChatRef = { platform: watch.platform, workspace: watch.workspace, channel: watch.channel };
  const card = questCard(quest, counts, ctx.webBaseUrl);
  let cardId = watch.cardMessageId;
  if (!cardId) {
    const posted = await adapter.post(channel, { text: card.text, rich: card });
    cardId = posted.thread ?? posted.messageId;
    await ctx.store.setWatchCard(watch, cardId);
  } else if (changed || jobs.length) {
    await adapter.edit(channel, cardId, { text: card.text, rich: card }).catch((err: unknown) => log.warn({ err }, 'quest card edit failed'));
  }

  for (const job of jobs) {
    const ok = await deliverOne(ctx, adapter, { ...channel, thread: cardId }, quest, job, log);
    if (!ok) {
      result.failed++;
      break; // keep the thread in order: later notices wait for this one
    }
    result.delivered++;
  }
  return result;
}

async function deliverOne(ctx: DeliverContext, adapter: ChatAdapter, ref: ChatRef, quest: Quest, job: Job, log: Logger): Promise<boolean> {
  const p = job.payload as NotifyPayload;
  try {
    const submitter = await userName(ctx, p.entry.user_id, ctx.names);
    const entry = { ...p.entry, status: p.status };
    const notice = entryNotice({ quest, entry, ...itemOf(quest, entry), submitter, webBaseUrl: ctx.webBaseUrl });
    await adapter.post(ref, { text: notice.text, rich: notice });
    await ctx.store.completeJob(job.id);
    return true;
  } catch (err) {
    const attempts = job.attempts + 1;
    const dead = attempts >= MAX_ATTEMPTS;
    log.warn({ err, jobId: job.id, attempts, dead }, 'quest notification failed');
    await ctx.store.failJob(job.id, err instanceof Error ? err.message : String(err), dead ? null : PARKED_AT);
    return false;
  }
}
