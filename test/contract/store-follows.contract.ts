import { beforeEach, describe, expect, it } from 'vitest';
import type { CommentCopy } from '../../src/comments/types.ts';
import type { Store } from '../../src/store/types.ts';

/**
 * The comment follows of the Store, on every engine: which channels follow which assets,
 * their cards and health, and what each channel knows of each comment.
 */
export function describeFollowsContract(get: () => { store: Store }): void {
  describe('Store follows and comment copies', () => {
    let store: Store;
    beforeEach(() => {
      store = get().store; // made fresh for each test by describeStoreContract
    });

    const lab = { platform: 'slack', workspace: 'T1', channel: 'C1' } as const;
    const gen = { platform: 'discord', workspace: 'G1', channel: '42' } as const;
    const copy = (over: Partial<CommentCopy> = {}): CommentCopy => ({
      ...lab,
      assetId: 'a1',
      commentId: 'c1',
      chatMessageId: 'm1',
      origin: 'ouro',
      digest: 'd1',
      writtenBy: null,
      toldAt: 1_000,
      ...over,
    });

    it('adds, keeps, lists, cards and removes follows', async () => {
      const f = await store.addFollow({ ...lab, assetId: 'a1', assetType: 'dataset', createdBy: 'U1' });
      expect(f).toMatchObject({ ...lab, assetId: 'a1', assetType: 'dataset', cardMessageId: null, createdBy: 'U1', failures: 0, pausedAt: null });
      await store.setFollowCard({ ...lab, assetId: 'a1' }, '1700.1');
      const again = await store.addFollow({ ...lab, assetId: 'a1', assetType: 'dataset', createdBy: 'U2' });
      expect(again).toMatchObject({ cardMessageId: '1700.1', createdBy: 'U1', createdAt: f.createdAt });
      await store.addFollow({ ...gen, assetId: 'a1', assetType: 'dataset', createdBy: null });
      await store.addFollow({ ...lab, assetId: 'p2', assetType: 'post', createdBy: null });
      expect((await store.listFollows({ assetId: 'a1' })).map((x) => x.platform).sort()).toEqual(['discord', 'slack']);
      expect((await store.listFollows(lab)).map((x) => x.assetId)).toEqual(['a1', 'p2']);
      expect(await store.followByCard(lab, '1700.1')).toMatchObject({ assetId: 'a1' });
      expect(await store.followByCard(gen, '1700.1')).toBeUndefined();
      expect(await store.removeFollow({ ...lab, assetId: 'a1' })).toBe(true);
      expect(await store.removeFollow({ ...lab, assetId: 'a1' })).toBe(false);
      expect(await store.followByCard(lab, '1700.1')).toBeUndefined();
      await expect(store.addFollow({ ...lab, assetId: 'x', assetType: 'conversation' as never, createdBy: null })).rejects.toThrow(/assetType/);
    });

    it('records and clears a follow’s delivery health', async () => {
      const key = { ...lab, assetId: 'a1' };
      await store.addFollow({ ...key, assetType: 'post', createdBy: null });
      await store.setFollowHealth(key, { failures: 30, failingSince: 1_000, lastError: 'Error: channel_not_found', pausedAt: 2_000 });
      expect((await store.listFollows(key))[0]).toMatchObject({ failures: 30, failingSince: 1_000, lastError: 'Error: channel_not_found', pausedAt: 2_000 });
      await store.setFollowHealth(key, { failures: 0, failingSince: null, lastError: null, pausedAt: null });
      expect((await store.listFollows(key))[0]).toMatchObject({ failures: 0, failingSince: null, pausedAt: null });
    });

    it('upserts comment copies per channel, finds them by chat message, deletes one channel’s', async () => {
      await store.putCommentCopies([]);
      await store.putCommentCopies([
        copy(),
        copy({ commentId: 'c0', chatMessageId: null, origin: 'before', toldAt: 500 }),
        copy({ ...gen, commentId: 'c1', chatMessageId: 'd-m1' }),
      ]);
      await store.putCommentCopies([copy({ digest: 'd2', toldAt: 2_000 })]);
      expect((await store.getCommentCopies({ ...lab, assetId: 'a1' })).map((c) => [c.commentId, c.origin, c.digest])).toEqual([
        ['c0', 'before', 'd1'],
        ['c1', 'ouro', 'd2'],
      ]);
      expect(await store.copyByChatMessage({ ...lab, assetId: 'a1' }, 'm1')).toMatchObject({ commentId: 'c1', digest: 'd2' });
      expect(await store.copyByChatMessage({ ...lab, assetId: 'a2' }, 'm1')).toBeUndefined();
      expect(await store.deleteCommentCopies({ ...lab, assetId: 'a1' })).toBe(2);
      expect(await store.getCommentCopies({ ...gen, assetId: 'a1' })).toHaveLength(1);
      await expect(store.putCommentCopies([copy({ origin: 'elsewhere' as never })])).rejects.toThrow(/origin/);
    });

    it('writes a large batch of copies in one call', async () => {
      const many = Array.from({ length: 1_200 }, (_, i) => copy({ commentId: `c${String(i).padStart(4, '0')}`, chatMessageId: null, origin: 'before' }));
      await store.putCommentCopies(many);
      expect(await store.getCommentCopies({ ...lab, assetId: 'a1' })).toHaveLength(1_200);
    });
  });
}
