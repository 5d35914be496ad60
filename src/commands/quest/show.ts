import { progressAlt, progressSpec, type QuestProgressCounts } from '../../charts/progress.ts';
import { renderPng } from '../../charts/render.ts';
import type { Block, FileAttachment } from '../../chat/reply.ts';
import { entryCounts, orderedItems, questUrl } from '../render/quest.ts';
import type { CommandSpec } from '../spec.ts';
import { loadQuest } from './common.ts';

export const questShowSpec: CommandSpec = {
  name: 'quest show',
  usage: 'quest show <quest>',
  summary: 'Show a quest: items, progress and entries by status',
  help: 'The quest goes by id or name (quote a name with spaces). Item numbers shown here are the ones `quest submit` takes.',
  example: '/ouro quest show "Measure Curie temperatures"',
  args: [{ name: 'quest', required: true }],
  admin: false,
  async handler(ctx) {
    const { deps } = ctx;
    const quest = await loadQuest(ctx, ctx.args.quest!);
    const counts = entryCounts(await ctx.ouro.quests.entries(quest.id));
    const items = orderedItems(quest.items ?? []);
    const name = quest.name ?? quest.id;
    const p = quest.progress;
    const itemLines = items.map((it, i) => `${i + 1}. ${it.description?.text || '(no description)'} — ${it.status}`);
    const fields = [
      { label: 'Status', value: `${quest.quest?.status ?? 'open'} (${quest.quest?.type ?? 'closable'})` },
      { label: 'Progress', value: p ? `${p.resolved} of ${p.total} items done` : `${items.length} items` },
      { label: 'Entries', value: `${counts.submitted} submitted · ${counts.accepted} accepted · ${counts.rejected} rejected` },
    ];
    const url = questUrl(deps.webBaseUrl, quest);
    const blocks: Block[] = [
      { type: 'heading', text: `Quest: ${name}` },
      { type: 'fields', fields },
      { type: 'text', markdown: itemLines.length ? itemLines.join('\n') : '_No items yet._' },
      { type: 'context', markdown: `[Open on Ouro](${url}) · id \`${quest.id}\`` },
    ];
    const text = [`**Quest: ${name}**`, ...fields.map((f) => `${f.label}: ${f.value}`), ...itemLines, url].join('\n');
    const done = p ? p.resolved : items.filter((it) => it.status === 'done' || it.status === 'skipped').length;
    const total = p ? p.total : items.length;
    const picture = await progressPicture({ itemsDone: done, itemsOpen: Math.max(0, total - done), ...counts }, name);
    return { reply: { text, blocks, ...(picture ? { files: [picture] } : {}) }, shows: [quest] };
  },
};

/** The progress bars as a picture for platforms that show images inline; none for an empty quest. */
async function progressPicture(c: QuestProgressCounts, name: string): Promise<FileAttachment | undefined> {
  if (Object.values(c).every((n) => n === 0)) return undefined;
  const { png } = await renderPng(progressSpec(c));
  return { name: 'quest-progress.png', mime: 'image/png', content: png, title: `Progress: ${name}`, alt: progressAlt(c), inlineOnly: true };
}
