import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.ts';
import type { StoreFixture } from './store.contract.ts';
import { sleep } from '../helpers/eventually.ts';

/**
 * Store.catchUpPlaces, on every engine: which places a catch-up reads (thread links and
 * `channel`-mode channels of one platform, active since a time) and where each starts (the
 * newest chat message recorded before a time, in the platform's id order).
 */
export function describeCatchUpPlacesContract(get: () => { store: Store; fx: StoreFixture }): void {
  describe('Store.catchUpPlaces', () => {
    let store: Store;
    beforeEach(() => {
      store = get().store; // made fresh for each test by describeStoreContract
    });

    const d = { platform: 'discord', workspace: 'G1', channel: '42' } as const;
    const link = (channel: string, mode: 'off' | 'threads' | 'channel', platform: 'discord' | 'slack' = 'discord') =>
      store.upsertChannelLink({
        platform,
        workspace: platform === 'discord' ? 'G1' : 'T1',
        channel,
        orgId: null,
        orgName: null,
        teamId: null,
        teamName: null,
        mirrorMode: mode,
        updatedBy: null,
      });
    const put = (thread: string, id: string, origin: 'chat' | 'ouro' = 'chat', channel = '42') =>
      store.putMessage({ ...d, channel, thread, chatMessageId: id, conversationId: `conv-${thread || 'top'}`, ouroMessageIds: [`o-${id}`], origin });
    const all = { activeSince: 0, anchorBefore: Number.MAX_SAFE_INTEGER };

    it('lists the platform’s thread links and channel-mode channels, most recent first; not threads/off channels, not other platforms', async () => {
      await link('42', 'threads');
      await link('43', 'off');
      await link('44', 'channel');
      await store.linkThread({ ...d, thread: '100', conversationId: 'conv-a' });
      await sleep(5);
      await store.linkThread({ ...d, thread: '200', conversationId: 'conv-b' });
      await store.linkThread({ platform: 'slack', workspace: 'T1', channel: 'C1', thread: '1700000000.000100', conversationId: 'conv-s' });
      const places = await store.catchUpPlaces('discord', all);
      expect(places.map((p) => [p.channel, p.thread, p.conversationId])).toEqual([
        ['42', '200', 'conv-b'],
        ['42', '100', 'conv-a'],
        ['44', '', null],
      ]);
      expect(places.every((p) => p.platform === 'discord' && p.workspace === 'G1')).toBe(true);
      expect((await store.catchUpPlaces('slack', all)).map((p) => p.conversationId)).toEqual(['conv-s']);
    });

    it('anchors at the newest chat message by id order (longer snowflake first), ignoring Ouro-origin rows', async () => {
      await store.linkThread({ ...d, thread: '100', conversationId: 'conv-100' });
      await put('100', '999');
      await put('100', '1000');
      await put('100', '998');
      await put('100', '5000', 'ouro');
      const [p] = await store.catchUpPlaces('discord', all);
      expect(p!.newestChatMessageId).toBe('1000');
    });

    it('ignores messages recorded at or after anchorBefore; a thread with none has no anchor, a channel top level takes its oldest', async () => {
      await link('44', 'channel');
      await store.linkThread({ ...d, thread: '100', conversationId: 'conv-100' });
      await put('100', '150');
      await sleep(10);
      const cut = Date.now();
      await sleep(10);
      await put('100', '160');
      await put('', '700', 'chat', '44');
      await put('', '650', 'chat', '44');
      const places = await store.catchUpPlaces('discord', { activeSince: 0, anchorBefore: cut });
      expect(places.find((p) => p.thread === '100')!.newestChatMessageId).toBe('150');
      expect(places.find((p) => p.channel === '44')!.newestChatMessageId).toBe('650');
      const early = await store.catchUpPlaces('discord', { activeSince: 0, anchorBefore: cut - 5_000 });
      expect(early.find((p) => p.thread === '100')!.newestChatMessageId).toBeNull();
    });

    it('leaves out places with no activity since activeSince; a recent message counts as activity, an unlinked place’s does not', async () => {
      await store.linkThread({ ...d, thread: '100', conversationId: 'conv-100' });
      await store.linkThread({ ...d, thread: '200', conversationId: 'conv-200' });
      await sleep(10);
      const since = Date.now();
      await sleep(10);
      await put('200', '250', 'ouro');
      await put('300', '350'); // a thread that is not linked (any more)
      const places = await store.catchUpPlaces('discord', { activeSince: since, anchorBefore: Number.MAX_SAFE_INTEGER });
      expect(places.map((p) => p.thread)).toEqual(['200']);
      expect(places[0]!.lastActivityAt).toBeGreaterThanOrEqual(since);
      expect(await store.catchUpPlaces('discord', { activeSince: Date.now() + 60_000, anchorBefore: 0 })).toEqual([]);
    });

    it('orders Slack ts by time', async () => {
      await store.linkThread({ platform: 'slack', workspace: 'T1', channel: 'C1', thread: '1700000000.000100', conversationId: 'conv-s' });
      for (const ts of ['1700000000.000200', '1700000100.000001', '1700000099.999999']) {
        await store.putMessage({
          platform: 'slack',
          workspace: 'T1',
          channel: 'C1',
          thread: '1700000000.000100',
          chatMessageId: ts,
          conversationId: 'conv-s',
          ouroMessageIds: [`o-${ts}`],
          origin: 'chat',
        });
      }
      const [p] = await store.catchUpPlaces('slack', all);
      expect(p!.newestChatMessageId).toBe('1700000100.000001');
    });
  });
}
