/**
 * Quest cards and entry notices, shared by `quest show`, the review button and the quest
 * notifier (src/quests), so a card looks the same whichever path produced it. Pure.
 */
import type { Quest, QuestEntry, QuestItem } from '../../ouro/index.ts';
import type { Block, Button, RichReply } from '../../chat/reply.ts';
import { truncate } from '../../text/cut.ts';
import { escapeMarkdown } from '../../text/markdown.ts';

export type EntryCounts = Record<'submitted' | 'accepted' | 'rejected', number>;

export function entryCounts(entries: readonly Pick<QuestEntry, 'status'>[]): EntryCounts {
  const counts: EntryCounts = { submitted: 0, accepted: 0, rejected: 0 };
  for (const e of entries) if (e.status in counts) counts[e.status as keyof EntryCounts]++;
  return counts;
}

/** Items in display order (`sort_order`, then as listed); numbers shown to people are 1-based. */
export function orderedItems(items: readonly QuestItem[]): QuestItem[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => (a.item.sort_order ?? a.i + 1) - (b.item.sort_order ?? b.i + 1) || a.i - b.i)
    .map((x) => x.item);
}

export const questUrl = (webBaseUrl: string, quest: { id: string; url?: string }) =>
  quest.url && /^https?:\/\//.test(quest.url) ? quest.url : `${webBaseUrl.replace(/\/+$/, '')}/assets/${quest.id}`;

export const assetLink = (webBaseUrl: string, assetId: string) => `${webBaseUrl.replace(/\/+$/, '')}/assets/${assetId}`;

/** The parent card a watching channel keeps per quest, edited in place as counts change. */
export function questCard(quest: Quest, counts: EntryCounts, webBaseUrl: string): RichReply {
  const name = quest.name ?? quest.id;
  const shown = escapeMarkdown(name);
  const status = quest.quest?.status ?? 'open';
  const url = questUrl(webBaseUrl, quest);
  const line = `${counts.submitted} submitted · ${counts.accepted} accepted · ${counts.rejected} rejected`;
  return {
    text: `Quest **${shown}** (${status}): ${line} — ${url}`,
    blocks: [
      { type: 'heading', text: `Quest: ${name}` },
      {
        type: 'fields',
        fields: [
          { label: 'Status', value: String(status) },
          { label: 'Submitted', value: String(counts.submitted) },
          { label: 'Accepted', value: String(counts.accepted) },
          { label: 'Rejected', value: String(counts.rejected) },
        ],
      },
      { type: 'context', markdown: `[Open on Ouro](${url}) · new and reviewed entries appear in this thread` },
    ],
  };
}

export interface EntryView {
  quest: Pick<Quest, 'id' | 'name'>;
  entry: QuestEntry;
  /** 1-based; undefined when the item is not on the quest any more. */
  itemNumber?: number;
  itemText?: string;
  submitter: string;
  webBaseUrl: string;
  /** Set after a review from chat: who decided (the card then loses its buttons). */
  decidedBy?: string;
}

const VERB: Record<string, string> = { submitted: 'submitted', accepted: 'accepted', rejected: 'rejected' };

/** One entry, as posted beneath the card; a submitted entry carries Accept / Reject. */
export function entryNotice(v: EntryView): RichReply {
  const { entry } = v;
  const item = v.itemNumber ? `item ${v.itemNumber}${v.itemText ? ` (“${clip(v.itemText, 80)}”)` : ''}` : 'an item';
  const submitter = escapeMarkdown(v.submitter);
  const decidedBy = v.decidedBy === undefined ? undefined : escapeMarkdown(v.decidedBy);
  const assets = Object.values(entry.assets ?? {}).map((a) => a.asset_id);
  if (typeof entry.asset_id === 'string' && !assets.includes(entry.asset_id)) assets.push(entry.asset_id);
  const links = assets.map((id) => `[${id.slice(0, 8)}](${assetLink(v.webBaseUrl, id)})`);
  const quest = escapeMarkdown(v.quest.name ?? v.quest.id);
  let head: string;
  if (entry.status === 'submitted') head = `**${submitter}** submitted ${links.join(', ') || 'an entry'} for ${item} of **${quest}**`;
  else head = `Entry by **${submitter}** for ${item} of **${quest}** was **${VERB[entry.status] ?? entry.status}**`;
  const blocks: Block[] = [{ type: 'text', markdown: head }];
  const note = entry.description?.text?.trim();
  if (note) blocks.push({ type: 'context', markdown: `Note: ${clip(note, 300)}` });
  const review = entry.review?.text?.trim();
  if (entry.status !== 'submitted' && review) blocks.push({ type: 'context', markdown: `Review: ${clip(review, 300)}` });
  if (entry.status !== 'submitted' && links.length) blocks.push({ type: 'context', markdown: `Asset: ${links.join(', ')}` });
  if (decidedBy) blocks.push({ type: 'context', markdown: `${capital(VERB[entry.status] ?? entry.status)} by ${decidedBy}` });
  else if (entry.status === 'submitted') blocks.push({ type: 'buttons', buttons: reviewButtons(v.quest.id, entry.id) });
  const text = [head, note ? `Note: ${clip(note, 300)}` : '', decidedBy ? `${capital(VERB[entry.status] ?? entry.status)} by ${decidedBy}` : '']
    .filter(Boolean)
    .join('\n');
  return { text, blocks };
}

export function reviewButtons(questId: string, entryId: string): Button[] {
  const value = `${questId}:${entryId}`;
  return [
    { actionId: 'entry.accept', label: 'Accept', value, style: 'primary' },
    { actionId: 'entry.reject', label: 'Reject', value, style: 'danger' },
  ];
}

/** People's text on one line, cut, and escaped so it cannot add links or formatting to the card. */
function clip(s: string, n: number): string {
  return escapeMarkdown(truncate(s.replace(/\s+/g, ' '), n));
}
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
