/**
 * The catch-up core's rules, against a real SQLite store and a small adapter whose platform
 * is an in-memory history: which places are read (active within 7 days, still mirrored, with
 * an anchor), from where, how many, in what order, what is counted, and that an adapter
 * without the capability is skipped.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANCHOR_MARGIN_MS, CATCH_UP_PER_PLACE, CATCH_UP_WINDOW_MS, createCatchUp, type CatchUpDeps } from '../../src/bridge/catch-up.ts';
import type { BridgeInbox, ChatAdapter, ChatRef, InboundEvent } from '../../src/bridge/types.ts';
import { silentLogger } from '../../src/log.ts';
import type { Platform, Store, ThreadLink } from '../../src/store/types.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';
import { sleep } from '../helpers/eventually.ts';

const G = { platform: 'discord', workspace: 'G1', channel: '42' } as const;

/** A platform's history: messages per place key, ids increasing. */
function historyAdapter(history: Map<string, string[]>, o: { failFor?: string; gate?: Promise<void> } = {}) {
  const reads: { ref: ChatRef; after: string; limit: number }[] = [];
  const adapter = {
    platform: 'discord' as Platform,
    async messagesSince(ref: ChatRef, after: string, limit: number): Promise<InboundEvent[]> {
      reads.push({ ref, after, limit });
      await o.gate;
      const key = ref.thread ?? '';
      if (key === o.failFor) throw new Error('403 Missing Access');
      return (history.get(key) ?? [])
        .filter((id) => BigInt(id) > BigInt(after))
        .slice(0, limit)
        .map((id) => ({ kind: 'message.posted', key: id, ref, messageId: id, author: { id: 'u1', name: 'Ada' }, text: `message ${id}`, at: 0 }));
    },
  } as unknown as ChatAdapter;
  return { adapter, reads };
}

/** An inbox that records keys once, as the real one does (a repeat is not accepted). */
function recordingInbox() {
  const keys: string[] = [];
  const inbox: BridgeInbox = {
    async receive(e) {
      if (keys.includes(e.key)) return { accepted: false };
      keys.push(e.key);
      return { accepted: true };
    },
  };
  return { inbox, keys };
}

let ts: TestStore;
let store: Store;
beforeEach(async () => {
  ts = await makeTestStore('sqlite');
  store = ts.store;
});
afterEach(async () => {
  await ts.cleanup();
});

function deps(adapter: ChatAdapter | undefined, inbox: BridgeInbox, o: Partial<CatchUpDeps> = {}): CatchUpDeps {
  return {
    store,
    adapters: new Map(adapter ? [[adapter.platform, adapter]] : []),
    inbox,
    logger: silentLogger,
    now: () => Date.now() + ANCHOR_MARGIN_MS + 1_000, // everything recorded so far is older than the margin
    isMirrored: async () => true,
    ...o,
  };
}

describe('catch-up core', () => {
  it('reads each active place after its newest known chat message, oldest first, and counts found and new', async () => {
    await store.linkThread({ ...G, thread: '100', conversationId: 'c100' });
    await store.putMessage({ ...G, thread: '100', chatMessageId: '110', conversationId: 'c100', ouroMessageIds: ['o110'], origin: 'chat' });
    const { adapter, reads } = historyAdapter(new Map([['100', ['105', '110', '120', '130', '140']]]));
    const { inbox, keys } = recordingInbox();
    keys.push('120'); // already received live
    const report = await createCatchUp(deps(adapter, inbox)).run('discord');
    expect(reads).toEqual([{ ref: { ...G, thread: '100' }, after: '110', limit: CATCH_UP_PER_PLACE }]);
    expect(keys).toEqual(['120', '130', '140']);
    expect(report).toMatchObject({ platform: 'discord', places: 1, skipped: 0, failed: 0, found: 3, recorded: 2 });
  });

  it('starts a thread with nothing known at its root; skips a channel with no message and a link its channel no longer mirrors', async () => {
    await store.linkThread({ ...G, thread: '100', conversationId: 'c100' });
    await store.linkThread({ ...G, thread: '200', conversationId: 'c200' });
    await store.upsertChannelLink({ ...G, channel: '44', orgId: null, orgName: null, teamId: null, teamName: null, mirrorMode: 'channel', updatedBy: null });
    const { adapter, reads } = historyAdapter(
      new Map([
        ['100', ['101']],
        ['200', ['201']],
      ]),
    );
    const { inbox, keys } = recordingInbox();
    const isMirrored = async (l: ThreadLink) => l.thread !== '200';
    const report = await createCatchUp(deps(adapter, inbox, { isMirrored })).run('discord');
    expect(reads.map((r) => [r.ref.thread, r.after])).toEqual([['100', '100']]);
    expect(keys).toEqual(['101']);
    expect(report).toMatchObject({ places: 1, skipped: 2 });
  });

  it('does not read places idle for more than 7 days', async () => {
    await store.linkThread({ ...G, thread: '100', conversationId: 'c100' });
    const { adapter, reads } = historyAdapter(new Map([['100', ['101']]]));
    const { inbox } = recordingInbox();
    const later = Date.now() + CATCH_UP_WINDOW_MS + 60_000;
    expect(await createCatchUp(deps(adapter, inbox, { now: () => later })).run('discord')).toMatchObject({ places: 0, found: 0 });
    expect(reads).toEqual([]);
    expect(CATCH_UP_WINDOW_MS).toBe(7 * 24 * 60 * 60 * 1000);
  });

  it('passes the per-place limit on, so a flood is cut at the oldest N', async () => {
    await store.linkThread({ ...G, thread: '100', conversationId: 'c100' });
    const ids = Array.from({ length: CATCH_UP_PER_PLACE + 50 }, (_, i) => String(1000 + i));
    const { adapter } = historyAdapter(new Map([['100', ids]]));
    const { inbox, keys } = recordingInbox();
    const report = await createCatchUp(deps(adapter, inbox)).run('discord');
    expect(report).toMatchObject({ found: CATCH_UP_PER_PLACE, recorded: CATCH_UP_PER_PLACE });
    expect(keys).toEqual(ids.slice(0, CATCH_UP_PER_PLACE));
  });

  it('a place that cannot be read is counted failed; the others are still read', async () => {
    await store.linkThread({ ...G, thread: '100', conversationId: 'c100' });
    await store.linkThread({ ...G, thread: '200', conversationId: 'c200' });
    const { adapter } = historyAdapter(new Map([['200', ['201']]]), { failFor: '100' });
    const { inbox, keys } = recordingInbox();
    expect(await createCatchUp(deps(adapter, inbox)).run('discord')).toMatchObject({ places: 1, failed: 1, recorded: 1 });
    expect(keys).toEqual(['201']);
  });

  it('an adapter without messagesSince is skipped', async () => {
    await store.linkThread({ ...G, thread: '100', conversationId: 'c100' });
    const { inbox, keys } = recordingInbox();
    const plain = { platform: 'discord' } as unknown as ChatAdapter;
    expect(await createCatchUp(deps(plain, inbox)).run('discord')).toBeUndefined();
    expect(await createCatchUp(deps(undefined, inbox)).run('discord')).toBeUndefined();
    expect(keys).toEqual([]);
  });

  it('triggers during a run queue one more run, not one each', async () => {
    await store.linkThread({ ...G, thread: '100', conversationId: 'c100' });
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const { adapter, reads } = historyAdapter(new Map([['100', ['101']]]), { gate });
    const { inbox } = recordingInbox();
    const catchUp = createCatchUp(deps(adapter, inbox));
    const first = catchUp.run('discord');
    await sleep(20);
    const second = catchUp.run('discord');
    const third = catchUp.run('discord');
    open();
    await Promise.all([first, second, third]);
    expect(reads).toHaveLength(2);
  });
});
