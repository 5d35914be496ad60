import { describe, expect, it } from 'vitest';
import { unseen } from '../../src/comments/deliver.ts';
import { COMMENT_CHARS, commentNotice, digestOf, followCard } from '../../src/comments/render.ts';
import type { CommentCopy } from '../../src/comments/types.ts';
import type { Comment } from '../../src/ouro/index.ts';
import { commentTarget } from '../../src/ouro/webhooks.ts';

const comment = (id: string, text: string, over: Partial<Comment> = {}): Comment =>
  ({ id, parent_id: 'asset', user_id: 'u1', content: { json: null, text }, created_at: '2026-01-01T00:00:00Z', ...over }) as Comment;

describe('commentTarget: what a `comment` delivery is about (docs/ouro-api.md §6.3)', () => {
  const cases: [string, Record<string, unknown>, ReturnType<typeof commentTarget>][] = [
    ['canonical, on the asset', { root_asset: { id: 'p1', type: 'post' }, parent_asset: { id: 'p1', type: 'post' } }, { assetId: 'p1' }],
    ['canonical, a reply', { root_asset: { id: 'p1', type: 'post' }, parent_asset: { id: 'c1', type: 'comment' } }, { assetId: 'p1', repliesTo: 'c1' }],
    ['legacy, on the asset', { target_id: 'd1', target_asset_type: 'dataset' }, { assetId: 'd1' }],
    ['legacy, a reply', { root_asset_id: 'd1', target_id: 'c9', target_asset_type: 'comment' }, { assetId: 'd1', repliesTo: 'c9' }],
    ['a reply naming no root', { parent_asset: { id: 'c1', type: 'comment' } }, undefined],
    ['nothing', { text: 'hello' }, undefined],
    ['ids as numbers', { root_asset: { id: 7, type: 'post' } }, { assetId: '7' }],
  ];
  it.each(cases)('%s', (_name, data, want) => {
    expect(commentTarget(data)).toEqual(want);
  });
});

describe('unseen: what a following channel has not been told', () => {
  const told = (commentId: string, text: string): CommentCopy => ({
    platform: 'slack',
    workspace: 'T',
    channel: 'C',
    assetId: 'asset',
    commentId,
    chatMessageId: 'm',
    origin: 'ouro',
    digest: digestOf(text),
    writtenBy: null,
    toldAt: 1,
  });
  const cases: [string, CommentCopy[], Comment[], { fresh: string[]; changed: string[] }][] = [
    ['nothing known', [], [comment('a', 'x'), comment('b', 'y')], { fresh: ['a', 'b'], changed: [] }],
    ['all known, same text', [told('a', 'x')], [comment('a', 'x')], { fresh: [], changed: [] }],
    ['text edited on Ouro', [told('a', 'x')], [comment('a', 'x, edited')], { fresh: [], changed: ['a'] }],
    ['whitespace around the text is not an edit', [told('a', 'x')], [comment('a', ' x\n')], { fresh: [], changed: [] }],
    ['a comment gone from Ouro is not news', [told('a', 'x')], [], { fresh: [], changed: [] }],
  ];
  it.each(cases)('%s', (_name, copies, comments, want) => {
    const got = unseen(copies, comments);
    expect({ fresh: got.fresh.map((c) => c.id), changed: got.changed.map((c) => c.id) }).toEqual(want);
  });
});

describe('what the channel sees', () => {
  it('a comment, a reply, and a long one cut with a link to the rest', () => {
    expect(commentNotice({ comment: comment('a', 'Is *run 7* odd?'), author: 'al_ice', assetUrl: 'https://o/a' }).text).toBe(
      '💬 **al\\_ice**\nIs *run 7* odd?',
    );
    expect(commentNotice({ comment: comment('b', 'No'), author: 'bob', replyTo: 'alice', assetUrl: 'https://o/a' }).text).toBe(
      '↪ **bob** replied to **alice**\nNo',
    );
    const long = commentNotice({ comment: comment('c', 'x'.repeat(COMMENT_CHARS + 10)), author: 'bob', assetUrl: 'https://o/a' }).text;
    expect(long.length).toBeLessThan(3_000);
    expect(long).toMatch(/…\n\[Read it all on Ouro\]\(https:\/\/o\/a\)$/);
  });

  it('the card names the asset, its kind and count, and links it', () => {
    const card = followCard({ id: 'd1', name: 'screening_runs', asset_type: 'dataset', url: 'https://ouro.test/datasets/x' }, 1, 'https://ouro.test');
    expect(card.text).toBe('Comments on dataset **screening\\_runs**: 1 comment — https://ouro.test/datasets/x');
    expect(followCard({ id: 'd1' }, 2, 'https://ouro.test').text).toBe('Comments on asset **d1**: 2 comments — https://ouro.test/assets/d1');
  });

  it('digests are stable, short and differ with the text', () => {
    expect(digestOf('a')).toBe(digestOf('a'));
    expect(digestOf('a')).not.toBe(digestOf('b'));
    expect(digestOf('a')).toHaveLength(22);
  });
});
