import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.ts';
import { describeJobQueueContract } from './store-jobs.contract.ts';
import { describeJobFenceContract } from './store-job-fence.contract.ts';
import { describeCatchUpPlacesContract } from './store-catch-up.contract.ts';
import { describeFollowsContract } from './store-follows.contract.ts';
import { sleep } from '../helpers/eventually.ts';

/**
 * The Store contract: one suite, run against every engine (store.test.ts). Each test gets
 * a fresh store from `makeStore`; `reopen`, when the fixture has it, opens a second Store
 * on the same database (a restart, or a second process).
 */

export interface StoreFixture {
  store: Store;
  cleanup(): Promise<void>;
  reopen?: () => Promise<Store>;
}

export type MakeStore = () => Promise<StoreFixture>;

const slackChan = { platform: 'slack', workspace: 'T1', channel: 'C1' } as const;
const discordChan = { platform: 'discord', workspace: 'G1', channel: '42' } as const;

export function describeStoreContract(name: string, makeStore: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let fx: StoreFixture;
    let store: Store;
    beforeEach(async () => {
      fx = await makeStore();
      store = fx.store;
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    it('migrates idempotently and answers ping', async () => {
      await store.migrate();
      await store.migrate();
      await expect(store.ping()).resolves.toBeUndefined();
      expect(['sqlite', 'postgres']).toContain(store.engine);
    });

    it('keeps data across a re-open', async (t) => {
      if (!fx.reopen) return t.skip();
      await store.linkThread({ ...slackChan, thread: '1.1', conversationId: 'conv-1' });
      const { job } = await store.enqueue({ lane: 'l', kind: 'k', payload: { n: 1 }, idempotencyKey: 'persist' });
      await store.setState('identity', 'U123');
      await store.close();
      const again = await fx.reopen();
      expect(await again.getThreadLink({ ...slackChan, thread: '1.1' })).toMatchObject({ conversationId: 'conv-1' });
      expect(await again.getJob(job.id)).toMatchObject({ payload: { n: 1 }, state: 'pending' });
      expect(await again.getState('identity')).toBe('U123');
    });

    it('upserts, reads and deletes channel links', async () => {
      expect(await store.getChannelLink(slackChan)).toBeUndefined();
      const base = { ...slackChan, orgId: 'org1', orgName: 'Lab', teamId: null, teamName: null, updatedBy: 'U1' };
      const first = await store.upsertChannelLink({ ...base, mirrorMode: 'threads' });
      expect(first).toMatchObject({ ...base, mirrorMode: 'threads' });
      expect(first.updatedAt).toBeGreaterThan(0);
      await store.upsertChannelLink({ ...base, teamId: 't9', teamName: 'Team', mirrorMode: 'channel' });
      expect(await store.getChannelLink(slackChan)).toMatchObject({ teamId: 't9', teamName: 'Team', mirrorMode: 'channel' });
      expect(await store.getChannelLink({ ...slackChan, channel: 'other' })).toBeUndefined();
      expect(await store.deleteChannelLink(slackChan)).toBe(true);
      expect(await store.deleteChannelLink(slackChan)).toBe(false);
      expect(await store.getChannelLink(slackChan)).toBeUndefined();
    });

    it('rejects bad channel link input with a clear message', async () => {
      const bad = { ...slackChan, orgId: null, orgName: null, teamId: null, teamName: null, updatedBy: null };
      await expect(store.upsertChannelLink({ ...bad, mirrorMode: 'sometimes' as never })).rejects.toThrow(/mirrorMode/);
      await expect(store.getChannelLink({ ...slackChan, platform: 'irc' as never })).rejects.toThrow(/platform/);
      await expect(store.getChannelLink({ ...slackChan, channel: '' })).rejects.toThrow(/channel/);
    });

    it('links many threads to one conversation; the first link of a thread stands', async () => {
      const a = await store.linkThread({ ...slackChan, thread: '1.1', conversationId: 'conv-1' });
      expect(a).toMatchObject({ ...slackChan, thread: '1.1', conversationId: 'conv-1' });
      const b = await store.linkThread({ ...discordChan, thread: '777', conversationId: 'conv-1' });
      await store.linkThread({ ...slackChan, thread: '', conversationId: 'conv-2' });
      const again = await store.linkThread({ ...slackChan, thread: '1.1', conversationId: 'conv-other' });
      expect(again.conversationId).toBe('conv-1');
      expect(again.createdAt).toBe(a.createdAt);
      expect(await store.getThreadLink({ ...slackChan, thread: '' })).toMatchObject({ conversationId: 'conv-2' });
      const threads = await store.threadsOfConversation('conv-1');
      expect(threads.map((t) => `${t.platform}:${t.thread}`).sort()).toEqual(['discord:777', 'slack:1.1']);
      expect(threads).toContainEqual(b);
      expect(await store.linkedConversations()).toEqual(['conv-1', 'conv-2']);
      expect(await store.unlinkThread({ ...slackChan, thread: '1.1' })).toBe(true);
      expect(await store.unlinkThread({ ...slackChan, thread: '1.1' })).toBe(false);
      expect(await store.getThreadLink({ ...slackChan, thread: '1.1' })).toBeUndefined();
      expect(await store.threadsOfConversation('conv-1')).toEqual([b]);
    });

    it('sets and advances relay cursors per conversation', async () => {
      expect(await store.getRelayCursor('conv-1')).toBeUndefined();
      await store.setRelayCursor('conv-1', { createdAt: '2026-01-01T00:00:00.000Z', messageId: 'm1' });
      await store.setRelayCursor('conv-2', { createdAt: '2026-01-02T00:00:00.000Z', messageId: 'x' });
      await store.setRelayCursor('conv-1', { createdAt: '2026-01-01T00:00:05.123Z', messageId: 'm2' });
      expect(await store.getRelayCursor('conv-1')).toEqual({ createdAt: '2026-01-01T00:00:05.123Z', messageId: 'm2' });
      expect(await store.getRelayCursor('conv-2')).toEqual({ createdAt: '2026-01-02T00:00:00.000Z', messageId: 'x' });
    });

    it('maps messages both ways, with several chat copies of one Ouro message', async () => {
      const slackMsg = { ...slackChan, thread: '1.1', chatMessageId: '1.2', conversationId: 'conv-1' };
      const discordMsg = { ...discordChan, thread: '777', chatMessageId: '9001', conversationId: 'conv-1' };
      await store.putMessage({ ...slackMsg, ouroMessageIds: ['o1', 'o2'], origin: 'chat' });
      await store.putMessage({ ...discordMsg, ouroMessageIds: ['o1'], origin: 'ouro' });
      expect(await store.getMessageByChat(slackMsg)).toMatchObject({ ouroMessageIds: ['o1', 'o2'], origin: 'chat' });
      expect(await store.getMessageByChat({ ...slackMsg, chatMessageId: 'nope' })).toBeUndefined();
      const copies = await store.getMessagesByOuro('o1');
      expect(copies.map((c) => c.platform).sort()).toEqual(['discord', 'slack']);
      expect(copies.find((c) => c.platform === 'discord')).toMatchObject({ chatMessageId: '9001', origin: 'ouro' });
      expect((await store.getMessagesByOuro('o2')).map((c) => c.chatMessageId)).toEqual(['1.2']);
      expect(await store.getMessagesByOuro('o404')).toEqual([]);
    });

    it('re-putting a message replaces its Ouro ids but keeps its origin', async () => {
      const msg = { ...slackChan, thread: '1.1', chatMessageId: '1.2', conversationId: 'conv-1' };
      await store.putMessage({ ...msg, ouroMessageIds: ['o1', 'o2'], origin: 'chat' });
      const first = await store.getMessageByChat(msg);
      await store.putMessage({ ...msg, ouroMessageIds: ['o3'], origin: 'ouro' });
      expect(await store.getMessageByChat(msg)).toEqual({ ...first, ouroMessageIds: ['o3'] });
      expect(await store.getMessagesByOuro('o1')).toEqual([]);
      expect((await store.getMessagesByOuro('o3')).length).toBe(1);
      await expect(store.putMessage({ ...msg, ouroMessageIds: [''], origin: 'chat' })).rejects.toThrow(/ouroMessageIds/);
    });

    it('claims a dedupe key once until it expires', async () => {
      expect(await store.claimKey('slack:Ev1', 60_000)).toBe(true);
      expect(await store.claimKey('slack:Ev1', 60_000)).toBe(false);
      // 300 ms: far longer than two round trips even on a loaded machine.
      expect(await store.claimKey('short', 300)).toBe(true);
      expect(await store.claimKey('short', 300)).toBe(false);
      await sleep(350);
      expect(await store.claimKey('short', 300)).toBe(true);
      await expect(store.claimKey('x', 0)).rejects.toThrow(/ttlMs/);
    });

    it('purges expired dedupe keys only', async () => {
      await store.claimKey('a', 1_000);
      await store.claimKey('b', 100_000);
      expect(await store.purgeExpiredKeys(Date.now())).toBe(0);
      expect(await store.purgeExpiredKeys(Date.now() + 10_000)).toBe(1);
      expect(await store.claimKey('a', 1_000)).toBe(true);
      expect(await store.claimKey('b', 1_000)).toBe(false);
    });

    it('records a webhook delivery once', async () => {
      expect(await store.recordDelivery('d-1')).toBe(true);
      expect(await store.recordDelivery('d-1')).toBe(false);
      expect(await store.recordDelivery('d-2')).toBe(true);
      const results = await Promise.all([1, 2, 3, 4].map(() => store.recordDelivery('d-3')));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('gets and sets key/value state', async () => {
      expect(await store.getState('k')).toBeUndefined();
      await store.setState('k', 'v1');
      await store.setState('k', 'v2');
      await store.setState('empty', '');
      expect(await store.getState('k')).toBe('v2');
      expect(await store.getState('empty')).toBe('');
    });

    it('forgets webhook deliveries older than the retention, and only those', async () => {
      await store.recordDelivery('d-old');
      expect(await store.purgeDeliveries(60_000)).toBe(0);
      // 300 ms apart with a 200 ms cut: far more margin than one round trip needs.
      await sleep(300);
      await store.recordDelivery('d-new');
      expect(await store.purgeDeliveries(200)).toBe(1);
      expect(await store.recordDelivery('d-new')).toBe(false);
      expect(await store.recordDelivery('d-old')).toBe(true);
      await expect(store.purgeDeliveries(-1)).rejects.toThrow(/olderThanMs/);
    });

    it('deletes state keys, and purges old ones by exact prefix', async () => {
      for (const k of ['root:a', 'root:b', 'ROOT:c', 'rootx', 'identity', 'r%:d', 'ü:e']) await store.setState(k, 'v');
      await sleep(300);
      await store.setState('root:b', 'touched'); // a write restarts a key's age
      await store.setState('root:new', 'v');
      expect(await store.purgeState('root:', 200)).toBe(1);
      // % and _ are plain characters, not wildcards; a non-ASCII prefix counts characters.
      expect(await store.purgeState('r%:', 200)).toBe(1);
      expect(await store.purgeState('ü:', 200)).toBe(1);
      const left: Record<string, string | undefined> = {};
      for (const k of ['root:a', 'root:b', 'ROOT:c', 'rootx', 'identity', 'r%:d', 'ü:e', 'root:new']) left[k] = await store.getState(k);
      expect(left).toEqual({
        'root:a': undefined,
        'root:b': 'touched',
        'ROOT:c': 'v',
        rootx: 'v',
        identity: 'v',
        'r%:d': undefined,
        'ü:e': undefined,
        'root:new': 'v',
      });
      expect(await store.deleteState('root:b')).toBe(true);
      expect(await store.deleteState('root:b')).toBe(false);
      expect(await store.getState('root:b')).toBeUndefined();
      await expect(store.purgeState('', 0)).rejects.toThrow(/prefix/);
      await expect(store.purgeState('root:', -1)).rejects.toThrow(/olderThanMs/);
      await expect(store.deleteState('')).rejects.toThrow(/key/);
      expect(await store.getState('identity')).toBe('v');
    });

    it('adds, updates, lists, cards and removes watches', async () => {
      const w = await store.addWatch({ ...slackChan, questId: 'q1', statuses: ['accepted'], createdBy: 'U1' });
      expect(w).toMatchObject({ ...slackChan, questId: 'q1', statuses: ['accepted'], cardMessageId: null, createdBy: 'U1' });
      await store.addWatch({ ...discordChan, questId: 'q1', statuses: ['submitted', 'rejected'], createdBy: null });
      await store.addWatch({ ...slackChan, questId: 'q2', statuses: ['submitted'], createdBy: 'U1' });
      await store.setWatchCard({ ...slackChan, questId: 'q1' }, 'card-1');
      const updated = await store.addWatch({ ...slackChan, questId: 'q1', statuses: ['accepted', 'rejected'], createdBy: 'U2' });
      expect(updated).toMatchObject({ statuses: ['accepted', 'rejected'], cardMessageId: 'card-1', createdBy: 'U1' });
      expect(updated.createdAt).toBe(w.createdAt);
      expect((await store.listWatches()).length).toBe(3);
      expect((await store.listWatches({ questId: 'q1' })).map((x) => x.platform).sort()).toEqual(['discord', 'slack']);
      expect((await store.listWatches({ ...slackChan })).map((x) => x.questId)).toEqual(['q1', 'q2']);
      expect(await store.removeWatch({ ...slackChan, questId: 'q1' })).toBe(true);
      expect(await store.removeWatch({ ...slackChan, questId: 'q1' })).toBe(false);
      expect((await store.listWatches({ questId: 'q1' })).map((x) => x.platform)).toEqual(['discord']);
      await expect(store.setWatchCard({ ...slackChan, questId: 'q1' }, 'late')).resolves.toBeUndefined();
    });

    it('rejects watch statuses outside submitted/accepted/rejected', async () => {
      await expect(store.addWatch({ ...slackChan, questId: 'q', statuses: ['closed'], createdBy: null })).rejects.toThrow(/statuses/);
      await expect(store.addWatch({ ...slackChan, questId: 'q', statuses: [], createdBy: null })).rejects.toThrow(/statuses/);
      expect(await store.listWatches()).toEqual([]);
    });

    it('upserts entry snapshots per watching channel and quest', async () => {
      const q1 = { ...slackChan, questId: 'q1' };
      await store.putSnapshots([]);
      await store.putSnapshots([
        { ...q1, entryId: 'e2', status: 'submitted', updatedAt: null },
        { ...q1, entryId: 'e1', status: 'submitted', updatedAt: '2026-01-01T00:00:00Z' },
        { ...slackChan, questId: 'q2', entryId: 'e9', status: 'accepted', updatedAt: null },
      ]);
      await store.putSnapshots([{ ...q1, entryId: 'e2', status: 'accepted', updatedAt: '2026-01-02T00:00:00Z' }]);
      expect(await store.getSnapshots(q1)).toEqual([
        { ...q1, entryId: 'e1', status: 'submitted', updatedAt: '2026-01-01T00:00:00Z' },
        { ...q1, entryId: 'e2', status: 'accepted', updatedAt: '2026-01-02T00:00:00Z' },
      ]);
      expect(await store.getSnapshots({ ...slackChan, questId: 'q3' })).toEqual([]);
      expect(await store.getSnapshots({ ...discordChan, questId: 'q1' })).toEqual([]);
      await expect(store.putSnapshots([{ ...q1, platform: 'irc' as never, entryId: 'e', status: 's', updatedAt: null }])).rejects.toThrow(/platform/);
    });

    it('deletes the snapshots of one watching channel only', async () => {
      const slackQ1 = { ...slackChan, questId: 'q1' };
      const discordQ1 = { ...discordChan, questId: 'q1' };
      await store.putSnapshots([
        { ...slackQ1, entryId: 'e1', status: 'submitted', updatedAt: null },
        { ...slackQ1, entryId: 'e2', status: 'accepted', updatedAt: null },
        { ...discordQ1, entryId: 'e1', status: 'submitted', updatedAt: null },
        { ...slackChan, questId: 'q2', entryId: 'e1', status: 'submitted', updatedAt: null },
      ]);
      expect(await store.deleteSnapshots(slackQ1)).toBe(2);
      expect(await store.deleteSnapshots(slackQ1)).toBe(0);
      expect(await store.getSnapshots(slackQ1)).toEqual([]);
      expect((await store.getSnapshots(discordQ1)).map((x) => x.entryId)).toEqual(['e1']);
      expect((await store.getSnapshots({ ...slackChan, questId: 'q2' })).map((x) => x.entryId)).toEqual(['e1']);
      await expect(store.deleteSnapshots({ ...slackChan, questId: '' })).rejects.toThrow(/questId/);
    });

    it("records, lists and clears a watch's delivery health", async () => {
      const key = { ...slackChan, questId: 'q1' };
      const w = await store.addWatch({ ...key, statuses: ['accepted'], createdBy: null });
      expect(w).toMatchObject({ failures: 0, failingSince: null, lastError: null, pausedAt: null });
      await store.setWatchHealth(key, { failures: 3, failingSince: 1_000, lastError: 'Error: gone', pausedAt: 2_000 });
      // Watching again (statuses updated) keeps the health: `/ouro watch` decides to clear it.
      await store.addWatch({ ...key, statuses: ['submitted'], createdBy: null });
      expect((await store.listWatches(key))[0]).toMatchObject({ failures: 3, failingSince: 1_000, lastError: 'Error: gone', pausedAt: 2_000 });
      await store.setWatchHealth(key, { failures: 0, failingSince: null, lastError: null, pausedAt: null });
      expect((await store.listWatches(key))[0]).toMatchObject({ failures: 0, failingSince: null, lastError: null, pausedAt: null });
      await expect(store.setWatchHealth(key, { failures: -1, failingSince: null, lastError: null, pausedAt: null })).rejects.toThrow(/failures/);
      await expect(
        store.setWatchHealth({ ...key, questId: 'gone' }, { failures: 1, failingSince: 1, lastError: 'x', pausedAt: null }),
      ).resolves.toBeUndefined();
    });

    it('writes a large snapshot batch in one call', async () => {
      const key = { ...slackChan, questId: 'big' };
      const many = Array.from({ length: 1_200 }, (_, i) => ({
        ...key,
        entryId: `e${String(i).padStart(4, '0')}`,
        status: 'submitted',
        updatedAt: null,
      }));
      await store.putSnapshots(many);
      const back = await store.getSnapshots(key);
      expect(back).toHaveLength(1_200);
      expect(back[1_199]).toEqual(many[1_199]);
    });

    describeJobQueueContract(() => ({ store, fx }));
    describeJobFenceContract(() => ({ store, fx }));
    describeCatchUpPlacesContract(() => ({ store, fx }));
    describeFollowsContract(() => ({ store }));
  });
}
