import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CHOICES, suggestAssets } from '../../src/commands/autocomplete.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS } from '../../src/sandbox/seed.ts';
import type { ChannelKey } from '../../src/store/types.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

/** Autocomplete suggestions (Discord's dataset/quest options) against the seeded sandbox. */
const sandbox = withSandbox({ seed: 'demo' });
const channel: ChannelKey = { platform: 'discord', workspace: 'G1', channel: 'C1' };
let ts: TestStore;
let ouro: OuroClient;

beforeAll(async () => {
  ts = await makeTestStore('sqlite');
  ouro = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0 });
});
afterAll(async () => {
  await ouro?.close();
  await ts?.cleanup();
});

describe('suggestAssets', () => {
  it('offers an unlinked channel public assets only', async () => {
    const choices = await suggestAssets({ ouro, store: ts.store }, 'dataset', '', channel);
    expect(choices.map((c) => c.value)).toContain(SEED_IDS.datasetPenguins);
    expect(choices.map((c) => c.value)).not.toContain(SEED_IDS.datasetScreening); // org-visible
    expect(choices.map((c) => c.value)).not.toContain(SEED_IDS.datasetPrivate);
    expect(await suggestAssets({ ouro, store: ts.store }, 'quest', '', channel)).toEqual([]);
  });

  it('offers datasets by name with their id as the value', async () => {
    await ts.store.upsertChannelLink({
      ...channel,
      orgId: SEED_IDS.orgLab,
      orgName: 'Ouro Lab',
      teamId: null,
      teamName: null,
      mirrorMode: 'off',
      updatedBy: 'test',
    });
    const choices = await suggestAssets({ ouro, store: ts.store }, 'dataset', 'screening', channel);
    expect(choices).toContainEqual({ name: 'screening_runs', value: SEED_IDS.datasetScreening });
    expect(choices.every((c) => c.name.length <= 100 && c.value.length <= 100)).toBe(true);
  });

  it('offers quests, never assets of another type', async () => {
    const choices = await suggestAssets({ ouro, store: ts.store }, 'quest', '', channel);
    expect(choices.map((c) => c.value)).toContain(SEED_IDS.quest);
    expect(choices.map((c) => c.value)).not.toContain(SEED_IDS.datasetScreening);
    expect(choices.map((c) => c.value)).not.toContain(SEED_IDS.questHelix); // another org's, private
    expect(choices.length).toBeLessThanOrEqual(MAX_CHOICES);
  });

  it('searches the linked org first, then everything the channel may use', async () => {
    await ts.store.upsertChannelLink({
      ...channel,
      orgId: SEED_IDS.orgLab,
      orgName: 'Ouro Lab',
      teamId: SEED_IDS.teamMaterials,
      teamName: 'materials',
      mirrorMode: 'off',
      updatedBy: 'test',
    });
    const before = sandbox().requests.filter((r) => r.path === '/search/assets').length;
    const choices = await suggestAssets({ ouro, store: ts.store }, 'dataset', 'penguins', channel);
    const searches = sandbox().requests.filter((r) => r.path === '/search/assets').length - before;
    expect(searches).toBe(2);
    expect(choices.map((c) => c.value)).toContain(SEED_IDS.datasetPenguins);
  });
});
