/**
 * Comment polls across replicas (PostgreSQL): a webhook's poll, a new follow's first poll and
 * the scheduler's tick can run on different replicas at the same moment. With the runtime's
 * cross-replica lock (a lease per asset, `runExclusive`) the card and each comment are
 * posted once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExclusive } from '../../src/bridge/leader.ts';
import { createCommentNotifier } from '../../src/comments/notifier.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS, SEED_KEYS } from '../../src/sandbox/seed.ts';
import type { Store } from '../../src/store/types.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { makeTestStore, TEST_DATABASE_URL, type TestStore } from '../helpers/store.ts';
import { TestAdapter } from '../helpers/test-adapter.ts';

describe.skipIf(!TEST_DATABASE_URL)('comment polls on two replicas (PostgreSQL)', () => {
  const sandbox = withSandbox({ seed: 'demo' });
  let ts: TestStore;
  let ouro: OuroClient;
  let alice: OuroClient;
  beforeAll(async () => {
    ts = await makeTestStore('postgres');
    ouro = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0 });
    alice = createOuroClient({ baseUrl: sandbox().url, apiKey: SEED_KEYS.alice, retries: 0 });
  });
  afterAll(async () => {
    await Promise.all([ouro?.close(), alice?.close()]);
    await ts?.cleanup();
  });

  const replica = (store: Store, holder: string) => {
    const adapter = new TestAdapter('discord');
    const notifier = createCommentNotifier({
      ouro,
      store,
      adapters: [adapter],
      cron: '* * * * *',
      schedule: () => ({ stop() {} }),
      exclusive: (assetId, poll) => runExclusive(store, `comment-poll:${assetId}`, holder, 60_000, poll),
    });
    return { adapter, notifier };
  };

  it('two replicas polling one followed asset at once post its card and each comment once', async () => {
    const other = await ts.reopen!();
    const a = replica(ts.store, 'replica-a');
    const b = replica(other, 'replica-b');
    const asset = SEED_IDS.post;
    const channels = ['C_ONE', 'C_TWO'];
    for (const channel of channels) {
      const key = { platform: 'discord', workspace: 'discord-ws', channel, assetId: asset } as const;
      await a.notifier.baseline(key);
      await ts.store.addFollow({ ...key, assetType: 'post', createdBy: 'test' });
    }
    for (let round = 1; round <= 3; round++) {
      await alice.comments.create(asset, `Comment ${round}`);
      await Promise.all([a.notifier.pollNow(asset), b.notifier.tick(), b.notifier.pollNow(asset), a.notifier.tick()]);
    }
    await Promise.all([a.notifier.tick(), b.notifier.tick()]);
    for (const channel of channels) {
      // What each post said when it was made (both fakes number their messages alike, so an
      // edit by one replica may land on the other fake's message of the same id).
      const texts = [...a.adapter.ops, ...b.adapter.ops].filter((o) => o.op === 'post' && o.ref.channel === channel).map((o) => o.text ?? '');
      expect({ channel, cards: texts.filter((t) => t.startsWith('Comments on post')).length }).toEqual({ channel, cards: 1 });
      expect(texts.filter((t) => t.startsWith('💬')).sort()).toEqual(['💬 **alice**\nComment 1', '💬 **alice**\nComment 2', '💬 **alice**\nComment 3']);
    }
    expect(await ts.store.leaseHolder(`comment-poll:${asset}`)).toBeUndefined(); // given back after each poll
    await other.close();
  });
});
