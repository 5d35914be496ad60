import { randomBytes } from 'node:crypto';
import { noticeKey } from '../../src/commands/watch-baseline.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccounts } from '../../src/accounts/index.ts';
import type { Accounts } from '../../src/accounts/types.ts';
import { createCommandRunner } from '../../src/commands/index.ts';
import type { CommandRunner, CommandUser } from '../../src/commands/types.ts';
import { silentLogger } from '../../src/log.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS, SEED_KEYS } from '../../src/sandbox/seed.ts';
import type { ChannelKey } from '../../src/store/types.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

/**
 * Commands acting as the linked person, through the real registry, accounts service, Ouro
 * client and store against the seeded sandbox (which enforces membership and review rights).
 */
const sandbox = withSandbox({ seed: 'demo' });
const bob: CommandUser = { id: 'U_BOB', name: 'Bob', isPlatformAdmin: false };
const carol: CommandUser = { id: 'U_CAROL', name: 'Carol', isPlatformAdmin: false };
const max: CommandUser = { id: 'U_MAX', name: 'Max', isPlatformAdmin: false };
const channel: ChannelKey = { platform: 'slack', workspace: 'T1', channel: 'C_LAB' };

let ts: TestStore;
let bot: OuroClient;
let accounts: Accounts;
let runner: CommandRunner;

beforeAll(async () => {
  ts = await makeTestStore('sqlite');
  bot = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0, timeoutMs: 55_000 });
  accounts = createAccounts({ store: ts.store, bot, secretKey: randomBytes(32), ouro: { baseUrl: sandbox().url, retries: 0 }, logger: silentLogger });
  runner = createCommandRunner({ ouro: bot, store: ts.store, bridgeAdmins: [], accounts, logger: silentLogger });
  await ts.store.upsertChannelLink({
    ...channel,
    orgId: SEED_IDS.orgLab,
    orgName: 'Ouro Lab',
    teamId: SEED_IDS.teamMaterials,
    teamName: 'materials',
    mirrorMode: 'off',
    updatedBy: 'test',
  });
  await bot.datasets.query(SEED_IDS.datasetPenguins, 'SELECT 1 FROM {{table}} LIMIT 1');
});
afterAll(async () => {
  await accounts?.close();
  await bot?.close();
  await ts?.cleanup();
});

const run = (text: string, user: CommandUser) => runner.run({ text, user, channel });

describe('commands as the linked person', () => {
  it('login answers only to the person with who they are; a bad key stores nothing; whoami tells', async () => {
    const bad = await run('login ouro_wrong_key_00000000000000000000000000000', bob);
    expect(bad.visibility).toBe('invoker');
    expect(bad.reply.text).toBe('Could not link your Ouro account: Ouro said: Invalid API key. Nothing was stored.');
    expect((await run('whoami', bob)).reply.text).toContain('not linked');
    const ok = await run(`login ${SEED_KEYS.bob}`, bob);
    expect(ok).toMatchObject({ visibility: 'invoker' });
    expect(ok.reply.text).toMatch(/^Linked to Ouro as @bob \(Bob Okafor\)\./);
    expect(ok.reply.text).not.toContain(SEED_KEYS.bob);
    expect((await run('whoami', bob)).reply.text).toMatch(/^Linked to Ouro as @bob \(Bob Okafor\) since \d{4}-/);
    expect((await run(`login ${SEED_KEYS.carol}`, carol)).reply.text).toContain('@carol (Carol Diaz)');
  });

  it('a key typed into another command is not used or echoed', async () => {
    const r = await run(`search ${SEED_KEYS.alice}`, max);
    expect(r.visibility).toBe('invoker');
    expect(r.reply.text).toContain('looks like an Ouro API key');
    expect(JSON.stringify(r)).not.toContain(SEED_KEYS.alice);
  });

  it('quest submit as Bob makes an entry that is Bob’s, with no "submitted by" note', async () => {
    const r = await run(`quest submit "Measure Curie temperatures" 3 ${SEED_IDS.datasetPenguins} Tc = 1000 K`, bob);
    expect(r.reply.text).toMatch(/^Submitted entry `([0-9a-f-]+)`/);
    const id = /`([0-9a-f-]+)`/.exec(r.reply.text)![1];
    const entry = sandbox().state.entries.find((e) => e.id === id)!;
    expect(entry.user_id).toBe(SEED_IDS.bob);
    expect(entry.description?.text).toBe('Tc = 1000 K');
  });

  it('an unlinked person submitting for an item with a reward is told to link; nothing is submitted', async () => {
    const item = sandbox().state.questItems.find((i) => i.id === SEED_IDS.questItems[2])!;
    item.reward_amount = 5000;
    const before = sandbox().state.entries.length;
    try {
      const r = await run(`quest submit "Measure Curie temperatures" 3 ${SEED_IDS.post}`, max);
      expect(r.visibility).toBe('invoker');
      expect(r.reply.text).toContain('carries a reward');
      expect(r.reply.text).toContain('/ouro login');
      expect(sandbox().state.entries.length).toBe(before);
    } finally {
      item.reward_amount = 0;
    }
  });

  it('Bob queries a private dataset of his team: the answer is his alone; unlinked Max gets a refusal', async () => {
    const r = await run('query bench_notes SELECT sample FROM {{table}} ORDER BY sample', bob);
    expect(r.visibility).toBe('invoker');
    expect(r.reply.text).toContain('Fe2B-07');
    expect(r.reply.blocks.at(-1)).toMatchObject({ type: 'context', markdown: expect.stringContaining('Only you can see this') });
    const m = await run(`query ${SEED_IDS.datasetBench} SELECT sample FROM {{table}}`, max);
    expect(m.visibility).toBe('invoker');
    expect(m.reply.text).toMatch(/^Not found on Ouro/);
    expect(m.reply.text).not.toContain('Fe2B-07');
  });

  it('Carol, linked but not the quest’s owner or a lab admin, presses Reject: Ouro’s 403 in words, the entry stays submitted', async () => {
    // The button sits on a notice the bridge recorded posting here (h14a's rule for buttons).
    await ts.store.setState(noticeKey(channel, 'M-NOTICE'), `${SEED_IDS.quest}:${SEED_IDS.entrySubmitted}`);
    const r = await runner.press({
      actionId: 'entry.reject',
      value: `${SEED_IDS.quest}:${SEED_IDS.entrySubmitted}`,
      user: carol,
      channel,
      messageId: 'M-NOTICE',
    });
    expect(r.visibility).toBe('invoker');
    expect(r.updateMessage).toBeUndefined();
    expect(r.reply.text).toBe(`Ouro refused: Only the quest owner or an org admin can do this on quest ${SEED_IDS.quest} (your Ouro account may not do this).`);
    expect(sandbox().state.entries.find((e) => e.id === SEED_IDS.entrySubmitted)!.status).toBe('submitted');
  });

  it('an unlinked non-admin may not review, and is told that linking lets Ouro decide', async () => {
    const r = await run(`quest review "Measure Curie temperatures" ${SEED_IDS.entrySubmitted} reject`, max);
    expect(r.reply.text).toContain('Only bridge admins may run `quest review`');
    expect(r.reply.text).toContain('/ouro login');
  });

  it('Bob’s revoked key: his command is refused with the reason, whoami shows the link broken, logout clears it', async () => {
    expect(sandbox().revokeKey(SEED_KEYS.bob)).toBe(true);
    const r = await run('quest show "Measure Curie temperatures"', bob);
    expect(r.visibility).toBe('invoker');
    expect(r.reply.text).toContain('Ouro no longer accepts the API key you linked for @bob (Bob Okafor)');
    const again = await run('datasets', bob);
    expect(again.reply.text).toContain('Ouro no longer accepts');
    expect((await run('whoami', bob)).reply.text).toContain('the link is broken');
    expect((await run('logout', bob)).reply.text).toContain('Unlinked');
    expect((await run('datasets', bob)).visibility).toBe('public'); // the bot again
  });
});

describe('without BRIDGE_SECRET_KEY', () => {
  it('login says linking is off and names the variable; other commands work as before', async () => {
    const plain = createCommandRunner({ ouro: bot, store: ts.store, bridgeAdmins: [], logger: silentLogger });
    const r = await plain.run({ text: 'login', user: max, channel });
    expect(r.visibility).toBe('invoker');
    expect(r.reply.text).toContain('BRIDGE_SECRET_KEY');
    expect((await plain.run({ text: 'datasets', user: max, channel })).visibility).toBe('public');
  });
});
