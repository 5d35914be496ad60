import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuestNotifier } from '../../src/quests/index.ts';
import { createCommandRunner } from '../../src/commands/index.ts';
import type { CommandUser } from '../../src/commands/types.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS } from '../../src/sandbox/seed.ts';
import type { ChannelKey, Store } from '../../src/store/types.ts';
import { ouroFetch, sandboxToken, withSandbox } from '../helpers/sandbox.ts';
import { makeTestStore, TEST_DATABASE_URL, type TestStore } from '../helpers/store.ts';
import { TestAdapter } from '../helpers/test-adapter.ts';

/**
 * The notifier on PostgreSQL (the multi-replica store): a submitted entry is posted once,
 * and a second process on the same database (a replica taking over, or a restart) repeats
 * nothing. Skipped, visibly, when TEST_DATABASE_URL is unset.
 */

describe.skipIf(!TEST_DATABASE_URL)('quest notifications on PostgreSQL', () => {
  const sandbox = withSandbox({ seed: 'demo' });
  const admin: CommandUser = { id: 'U_ADMIN', name: 'Ada', isPlatformAdmin: true };
  const channel: ChannelKey = { platform: 'discord', workspace: 'discord-ws', channel: 'C_PG' };
  let ts: TestStore;
  let ouro: OuroClient;

  const notifierOn = (store: Store, adapter: TestAdapter) =>
    createQuestNotifier({ ouro, store, adapters: [adapter], cron: '* * * * *', schedule: () => ({ stop() {} }) });

  beforeAll(async () => {
    ts = await makeTestStore('postgres');
    ouro = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0 });
  });
  afterAll(async () => {
    await ouro?.close();
    await ts?.cleanup();
  });

  it('posts a new entry once; a second process on the same database repeats nothing', async () => {
    const adapter = new TestAdapter('discord');
    const notifier = notifierOn(ts.store, adapter);
    const runner = createCommandRunner({ ouro, store: ts.store, bridgeAdmins: [], notifier });
    await runner.run({ text: 'link "Ouro Lab" materials', user: admin, channel });
    const watched = await runner.run({ text: `watch ${SEED_IDS.quest} submitted`, user: admin, channel });
    expect(watched.reply.text).toBe('Watching **Measure Curie temperatures** here for submitted entries.');
    const card = adapter.bridgePosts('C_PG')[0]!.messageId;

    const token = await sandboxToken(sandbox(), sandbox().userApiKeys.alice);
    const res = await ouroFetch(sandbox(), token, 'POST', `/quests/${SEED_IDS.quest}/entries/create`, {
      entry: { item_id: SEED_IDS.questItems[2], assets: { data: SEED_IDS.datasetPenguins }, description: 'from PG' },
    });
    expect(res.status).toBe(200);
    expect(await notifier.tick()).toMatchObject({ changes: 1, delivered: 1 });
    expect(adapter.bridgePosts('C_PG', card).map((m) => m.text.split('\n')[1])).toEqual(['Note: from PG']);

    const other = new TestAdapter('discord');
    const store2 = await ts.reopen!();
    expect(await notifierOn(store2, other).tick()).toMatchObject({ quests: 1, changes: 0, delivered: 0 });
    expect(other.ops).toEqual([]);
  });
});
