import { describe, expect, it } from 'vitest';
import { entryCounts, entryNotice, orderedItems, questCard } from '../../src/commands/render/quest.ts';
import type { Quest, QuestEntry, QuestItem } from '../../src/ouro/index.ts';

const rich = (text: string) => ({ json: null, text });
const item = (id: string, text: string, sort_order?: number): QuestItem => ({
  id,
  quest_id: 'q',
  description: rich(text),
  status: 'pending',
  ...(sort_order ? { sort_order } : {}),
});
const quest: Quest = {
  id: 'q1',
  name: 'Measure Tc',
  visibility: 'public',
  quest: { status: 'open', type: 'closable' },
  items: [item('i2', 'second', 2), item('i1', 'first', 1)],
};
const entry = (over: Partial<QuestEntry>): QuestEntry => ({
  id: 'e1',
  quest_id: 'q1',
  user_id: 'u1',
  item_id: 'i2',
  assets: { file: { asset_id: 'abcdef12-0000-7000-8000-000000000004', asset_type: 'file' } },
  description: rich('Tc = 866 K'),
  review: null,
  status: 'submitted',
  ...over,
});
const base = { quest, submitter: 'Alice', webBaseUrl: 'https://ouro.test/', itemNumber: 2, itemText: 'second' };

describe('quest rendering', () => {
  it('orders items by sort_order, then as listed', () => {
    expect(orderedItems([item('a', 'a', 3), item('b', 'b'), item('c', 'c', 1)]).map((i) => i.id)).toEqual(['c', 'b', 'a']);
  });

  it('counts entries by status, ignoring unknown statuses', () => {
    expect(entryCounts([{ status: 'submitted' }, { status: 'accepted' }, { status: 'accepted' }, { status: 'weird' }])).toEqual({
      submitted: 1,
      accepted: 2,
      rejected: 0,
    });
  });

  it('a card has the name, status, counts and a link', () => {
    const card = questCard(quest, { submitted: 1, accepted: 2, rejected: 3 }, 'https://ouro.test');
    expect(card.text).toBe('Quest **Measure Tc** (open): 1 submitted · 2 accepted · 3 rejected — https://ouro.test/assets/q1');
    expect(card.blocks[1]).toEqual({
      type: 'fields',
      fields: [
        { label: 'Status', value: 'open' },
        { label: 'Submitted', value: '1' },
        { label: 'Accepted', value: '2' },
        { label: 'Rejected', value: '3' },
      ],
    });
  });

  it.each([
    [
      'submitted: who, what, which item, asset linked, Accept / Reject',
      entryNotice({ ...base, entry: entry({}) }),
      '**Alice** submitted [abcdef12](https://ouro.test/assets/abcdef12-0000-7000-8000-000000000004) for item 2 (“second”) of **Measure Tc**\nNote: Tc = 866 K',
      ['entry.accept', 'entry.reject'],
    ],
    [
      'accepted: the decision, no buttons',
      entryNotice({ ...base, entry: entry({ status: 'accepted', review: rich('good') }) }),
      'Entry by **Alice** for item 2 (“second”) of **Measure Tc** was **accepted**\nNote: Tc = 866 K',
      [],
    ],
    [
      'decided from chat: says who',
      entryNotice({ ...base, entry: entry({ status: 'rejected', description: null }), decidedBy: 'Ada' }),
      'Entry by **Alice** for item 2 (“second”) of **Measure Tc** was **rejected**\nRejected by Ada',
      [],
    ],
    [
      'an item no longer on the quest, no assets',
      entryNotice({ ...base, itemNumber: undefined, itemText: undefined, entry: entry({ assets: null, description: null }) }),
      '**Alice** submitted an entry for an item of **Measure Tc**',
      ['entry.accept', 'entry.reject'],
    ],
  ])('%s', (_name, notice, text, actions) => {
    expect(notice.text).toBe(text);
    const buttons = notice.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
    expect(buttons.map((b) => b.actionId)).toEqual(actions);
    for (const b of buttons) expect(b.value).toBe('q1:e1');
  });
});

describe("people's text in cards is escaped", () => {
  const evil = '[Open on Ouro](https://evil.example) **now** {@admin}';
  it('names and notes cannot add links, emphasis or mentions', () => {
    const notice = entryNotice({
      ...base,
      submitter: evil,
      quest: { id: 'q1', name: evil },
      itemText: evil,
      entry: entry({ description: rich(evil) }),
      decidedBy: evil,
    });
    const all = [notice.text, ...notice.blocks.map((b) => ('markdown' in b ? b.markdown : ''))].join('\n');
    expect(all).not.toMatch(/(?<!\\)\[Open on Ouro\]\(/);
    expect(all).not.toMatch(/(?<!\\)\*\*now/);
    expect(all).not.toMatch(/(?<!\\)\{@admin/);
    const card = questCard({ ...quest, name: evil }, { submitted: 0, accepted: 0, rejected: 0 }, 'https://ouro.test');
    expect(card.text).toContain('\\[Open on Ouro](https://evil.example) \\*\\*now\\*\\* \\{@admin\\}');
  });
});
