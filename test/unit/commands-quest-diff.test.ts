import { describe, expect, it } from 'vitest';
import { diffEntries } from '../../src/quests/diff.ts';
import { visibilityFor } from '../../src/commands/visibility.ts';
import type { QuestEntry } from '../../src/ouro/index.ts';
import type { ChannelLink } from '../../src/store/types.ts';

const entry = (id: string, status: string, at: string): QuestEntry => ({
  id,
  quest_id: 'q',
  user_id: 'u',
  item_id: 'i',
  assets: null,
  description: null,
  review: null,
  status,
  created_at: at,
  updated_at: at,
});
const snap = (entryId: string, status: string) => ({ entryId, status });

describe('diffEntries', () => {
  it.each<[string, ReturnType<typeof snap>[], QuestEntry[], [string, string, string | undefined][]]>([
    ['nothing seen, nothing there', [], [], []],
    ['a new entry is reported with its status', [], [entry('a', 'submitted', '1')], [['a', 'submitted', undefined]]],
    ['a self-completed entry arrives accepted', [], [entry('a', 'accepted', '1')], [['a', 'accepted', undefined]]],
    ['an unchanged entry is not reported', [snap('a', 'submitted')], [entry('a', 'submitted', '1')], []],
    ['a status change is reported with the previous status', [snap('a', 'submitted')], [entry('a', 'rejected', '2')], [['a', 'rejected', 'submitted']]],
    ['an entry missing from the fetch is not reported', [snap('gone', 'submitted')], [], []],
    ['a repeated entry (shifting pages) is reported once', [], [entry('a', 'submitted', '1'), entry('a', 'submitted', '1')], [['a', 'submitted', undefined]]],
    [
      'changes come oldest first whatever the server order',
      [snap('b', 'submitted')],
      [entry('c', 'submitted', '2026-01-03'), entry('b', 'accepted', '2026-01-02'), entry('a', 'submitted', '2026-01-01')],
      [
        ['a', 'submitted', undefined],
        ['b', 'accepted', 'submitted'],
        ['c', 'submitted', undefined],
      ],
    ],
  ])('%s', (_name, snapshots, entries, expected) => {
    expect(diffEntries(snapshots, entries).map((e) => [e.entry.id, e.status, e.previous])).toEqual(expected);
  });
});

describe('visibilityFor: what a channel may be shown', () => {
  const link = (orgId: string | null, teamId: string | null) => ({ orgId, teamId }) as Pick<ChannelLink, 'orgId' | 'teamId'>;
  it.each<[string, { visibility?: string; org_id?: string; team_id?: string }, Pick<ChannelLink, 'orgId' | 'teamId'> | undefined, 'public' | 'invoker']>([
    ['public, unlinked channel', { visibility: 'public', org_id: 'o2' }, undefined, 'public'],
    ['monetized (listed publicly)', { visibility: 'monetized', org_id: 'o2' }, undefined, 'public'],
    ['private, unlinked channel', { visibility: 'private', org_id: 'o1', team_id: 't1' }, undefined, 'invoker'],
    ['no visibility given counts as private', { org_id: 'o1' }, undefined, 'invoker'],
    ['private, channel linked to its team', { visibility: 'private', org_id: 'o1', team_id: 't1' }, link('o1', 't1'), 'public'],
    ['private, channel linked to its org only', { visibility: 'private', org_id: 'o1', team_id: 't1' }, link('o1', null), 'public'],
    ['private, channel linked to another team of its org', { visibility: 'private', org_id: 'o1', team_id: 't1' }, link('o1', 't2'), 'invoker'],
    ['org-visible, channel linked to another team of its org', { visibility: 'organization', org_id: 'o1', team_id: 't1' }, link('o1', 't2'), 'public'],
    ['org-visible, channel linked to another org', { visibility: 'organization', org_id: 'o1', team_id: 't1' }, link('o2', null), 'invoker'],
    ['link row without an org', { visibility: 'private', org_id: 'o1' }, link(null, null), 'invoker'],
  ])('%s → %s', (_name, asset, l, expected) => {
    expect(visibilityFor(asset, l)).toBe(expected);
  });
});
