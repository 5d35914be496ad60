import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccounts } from '../../src/accounts/index.ts';
import type { Accounts } from '../../src/accounts/types.ts';
import { createCommandRunner } from '../../src/commands/index.ts';
import type { CommandRunner, CommandUser } from '../../src/commands/types.ts';
import { silentLogger } from '../../src/log.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SERVICE_IDS } from '../../src/sandbox/seed-services.ts';
import { SEED_IDS, SEED_KEYS } from '../../src/sandbox/seed.ts';
import type { ChannelKey } from '../../src/store/types.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

/** A linked person's route runs are theirs on Ouro: the action's user, and who may confirm a price. */

const sandbox = withSandbox({ seed: 'demo' });
const bob: CommandUser = { id: 'U_BOB', name: 'Bob', isPlatformAdmin: false };
const channel: ChannelKey = { platform: 'slack', workspace: 'T1', channel: 'C_LAB' };

let ts: TestStore;
let bot: OuroClient;
let accounts: Accounts;
let runner: CommandRunner;

beforeAll(async () => {
  ts = await makeTestStore('sqlite');
  bot = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0 });
  accounts = createAccounts({ store: ts.store, bot, secretKey: randomBytes(32), ouro: { baseUrl: sandbox().url, retries: 0 }, logger: silentLogger });
  runner = createCommandRunner({ ouro: bot, store: ts.store, bridgeAdmins: [], accounts, logger: silentLogger });
  await ts.store.upsertChannelLink({
    ...channel,
    orgId: SEED_IDS.orgLab,
    orgName: 'Ouro Lab',
    teamId: null,
    teamName: null,
    mirrorMode: 'off',
    updatedBy: 'test',
  });
});
afterAll(async () => {
  await accounts?.close();
  await bot?.close();
  await ts?.cleanup();
});

const run = (text: string) => runner.run({ text, user: bob, channel });

describe('routes as the linked person', () => {
  it('a sync run and a confirmed priced run are actions of Bob’s, not the bot’s', async () => {
    expect((await run(`login ${SEED_KEYS.bob}`)).reply.text).toContain('Linked to Ouro as @bob');
    const up = await bot.files.upload({
      source: { bytes: Buffer.from('data_Fe2Ni\n') },
      name: 'Fe2Ni.cif',
      mime: 'chemical/x-cif',
      visibility: 'organization',
    });
    const file = await bot.files.createAsset({
      uploadId: up.id,
      name: 'Fe2Ni.cif',
      visibility: 'organization',
      orgId: SEED_IDS.orgLab,
      teamId: SEED_IDS.teamMaterials,
    });
    const sync = await run(`route alice/relax-structure --input ${file.id}`);
    expect(sync.reply.text).toContain('✅ done');
    expect(sandbox().state.actions.at(-1)).toMatchObject({ route_id: SERVICE_IDS.relax, user_id: SEED_IDS.bob });

    const ask = await run('route alice/predict-magnetisation composition=Fe2Ni');
    expect(ask.reply.text).toContain('charged to your Ouro account');
    const confirm = ask.reply.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : [])).find((b) => b.actionId === 'route.confirm')!;
    const done = await runner.press({ actionId: 'route.confirm', value: confirm.value, user: bob, channel });
    expect(done.reply.text).toContain('✅ done');
    expect(sandbox().state.actions.at(-1)).toMatchObject({ route_id: SERVICE_IDS.premium, user_id: SEED_IDS.bob });
  });
});
