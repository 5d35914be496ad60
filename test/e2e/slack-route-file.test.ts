/**
 * A route run on "the file above", end to end over the real bolt App and the Slack fake: a
 * linked person shares a structure file in a mirrored thread (the mirror makes it an Ouro
 * file asset, as them), then mentions the app in that thread with `route … --input "the file
 * above"` (Slack runs no slash command in a thread). The run's input is that asset, the run
 * is the person's on Ouro, and the output post is linked in the thread.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccounts } from '../../src/accounts/index.ts';
import type { Accounts } from '../../src/accounts/types.ts';
import { createCommandRunner } from '../../src/commands/index.ts';
import { silentLogger } from '../../src/log.ts';
import { SEED_IDS, SEED_KEYS } from '../../src/sandbox/index.ts';
import { SERVICE_IDS } from '../../src/sandbox/seed-services.ts';
import { eventually } from '../helpers/eventually.ts';
import { BOT, TEAM } from '../helpers/fake-slack.ts';
import { linkToLab, startSlackStack, type SlackStack } from '../helpers/slack-stack.ts';

const C = 'C0RUNFILE';
let s: SlackStack;
let accounts: Accounts;

beforeAll(async () => {
  s = await startSlackStack({
    sandbox: { seed: 'demo' },
    clientOptions: { retries: 0 },
    bridge: (ouro, store, sandbox) => {
      accounts = createAccounts({ store, bot: ouro, secretKey: randomBytes(32), ouro: { baseUrl: sandbox.url, retries: 0 }, logger: silentLogger });
      return { commands: createCommandRunner({ ouro, store, bridgeAdmins: [], accounts, webBaseUrl: 'https://ouro.test' }), accounts };
    },
  });
  await linkToLab(s.store, C, 'threads');
}, 60_000);
afterAll(async () => {
  await s?.close();
  await accounts?.close();
});

describe('Slack: a route on the file above', () => {
  it('runs on the file the linked person shared in the thread, as them, and links the output post in the thread', async () => {
    await s.fake.command('login', { channel: C, user: 'U0BOB' });
    await eventually(() => expect(s.fake.callsOf('views.open')).toHaveLength(1));
    await s.fake.submitView({ key: { value: { type: 'plain_text_input', value: SEED_KEYS.bob } } }, 'U0BOB');
    await eventually(async () => expect(await s.store.getAccountLink({ platform: 'slack', workspace: TEAM, chatUserId: 'U0BOB' })).toBeDefined());

    const root = await s.fake.userPosts('Fe2Ni candidates', { channel: C });
    const cif = s.fake.files.host('Fe2Ni.cif', Buffer.from('data_Fe2Ni\n_cell_length_a 3.57\n'), 'chemical/x-cif');
    await s.fake.userPosts('the relaxed cell', { channel: C, user: 'U0BOB', thread_ts: root.ts, subtype: 'file_share', files: [cif] });
    await eventually(() => expect((s.sandbox.state.files ?? []).some((f) => f.name === 'Fe2Ni.cif')).toBe(true));
    const asset = s.sandbox.state.files!.find((f) => f.name === 'Fe2Ni.cif')!;
    expect(asset.user_id).toBe(SEED_IDS.bob);
    // Done once the thread's messages are on Ouro: the file is recorded by then.
    await s.bridge.drain();

    const text = `<@${BOT.user_id}> route alice/relax-structure temperature=290 --input “the file above”`;
    const m = await s.fake.userPosts(text, { channel: C, user: 'U0BOB', thread_ts: root.ts });
    await s.fake.event({ type: 'app_mention', user: 'U0BOB', text, ts: m.ts, thread_ts: root.ts, channel: C, event_ts: m.ts });

    await eventually(() => expect(s.sandbox.state.actions.some((a) => a.route_id === SERVICE_IDS.relax)).toBe(true));
    const action = s.sandbox.state.actions.find((a) => a.route_id === SERVICE_IDS.relax)!;
    expect(action.input_asset_id).toBe(asset.id);
    expect(action.user_id).toBe(SEED_IDS.bob);
    const post = String(action.output_assets![0]!.asset_id);
    const inThread = () => s.fake.callsOf('chat.postMessage').filter((c) => c.args.channel === C && c.args.thread_ts === root.ts);
    await eventually(() => expect(inThread().some((c) => JSON.stringify(c.args).includes(post))).toBe(true));
    const answer = inThread().find((c) => JSON.stringify(c.args).includes(post))!;
    expect(String(answer.args.text)).toContain('alice/relax-structure');
    expect(JSON.stringify(answer.args.blocks)).toContain(`https://ouro.test/assets/${post}`);
    expect(JSON.stringify(answer.args.blocks)).toContain('Relaxation report: Fe2Ni.cif');
  });
});
