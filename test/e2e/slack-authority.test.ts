/**
 * Whose authority (README "Security model"), over Slack: the real bolt App (our adapter, HTTP
 * mode) against the Slack fake, the real core and command runner, and the Ouro sandbox (demo
 * seed: "Helix Materials" holds a private dataset and a private quest the bot can reach).
 * Requests from teams the operator did not allow are acknowledged and go no further; a
 * person acting through the bot reaches the channel's org/team and public assets only; a
 * Review button is honoured only on a notice the bridge posted for that entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandRunner } from '../../src/commands/index.ts';
import { noticeKey } from '../../src/commands/watch-baseline.ts';
import { SEED_IDS } from '../../src/sandbox/index.ts';
import { TEAM, type FakeSlack, type Hook } from '../helpers/fake-slack.ts';
import { startSlackStack, type SlackStack, linkToLab } from '../helpers/slack-stack.ts';
import { eventually } from '../helpers/eventually.ts';

const LAB = 'C0LAB';
const CONNECT = 'C0CONNECT';
const UNLINKED = 'C0UNLINKED';
const STRANGER = 'T0STRANGER';
const OTHER = 'T0OTHER';

let s: SlackStack;
beforeAll(async () => {
  s = await startSlackStack({
    sandbox: { seed: 'demo', databaseUrl: process.env.TEST_DATABASE_URL, queryTimeoutMs: 60_000 },
    ouroTimeoutMs: 30_000,
    clientOptions: { retries: 0 },
    bridge: (ouro, store) => ({ commands: createCommandRunner({ ouro, store, bridgeAdmins: [] }) }),
    beforeAdapter: async (ouro) => {
      await ouro.datasets.query(SEED_IDS.datasetPenguins, 'SELECT 1 AS one FROM {{table}} LIMIT 1');
    },
  });
  // A Slack Connect guest: a workspace admin, but of another team.
  s.fake.users.set('U0EXT', { id: 'U0EXT', name: 'Eve External', is_admin: true, team_id: OTHER });
  for (const [channel, mirrorMode] of [
    [LAB, 'threads'],
    [CONNECT, 'channel'],
  ] as const) {
    await linkToLab(s.store, channel, mirrorMode);
  }
}, 60_000);
afterAll(async () => {
  await s?.close();
});

const hookFor = (fake: FakeSlack, responseUrl: string): Hook | undefined => fake.hooks.find((h) => `${fake.url}/hooks/${h.id}` === responseUrl);

/** Runs `/ouro text` and returns the text of its answer. */
async function answer(text: string, o: { channel: string; user?: string }): Promise<string> {
  const cmd = await s.fake.command(text, o);
  expect(cmd.status).toBe(200);
  await eventually(() => expect(hookFor(s.fake, cmd.responseUrl)).toBeDefined(), 20_000);
  return JSON.stringify(hookFor(s.fake, cmd.responseUrl)!.body);
}

describe('places the operator allows', () => {
  it('does not run the command of a person Slack cannot look up (their team is unknown), and says so', async () => {
    s.fake.users.set('U0NEW', { id: 'U0NEW', name: 'New Person' });
    s.fake.fail('users.info', 'fatal_error');
    try {
      const text = await answer('datasets', { channel: LAB, user: 'U0NEW' });
      expect(text).toContain('Slack did not tell the bridge who you are just now, so nothing was done');
    } finally {
      s.fake.fail('users.info', undefined);
    }
  });

  it('acknowledges a command from a foreign team and does nothing else', async () => {
    const foreign = await s.fake.command(`link "Ouro Lab"`, { channel: 'C0FOREIGN', team: STRANGER });
    expect(foreign.status).toBe(200);
    expect(JSON.stringify(foreign.body ?? '')).not.toMatch(/Working on it/);
    // A command from the bot's own team afterwards is answered: by then the foreign one would have been.
    expect(await answer('mirror status', { channel: LAB })).toMatch(/Linked to/);
    expect(hookFor(s.fake, foreign.responseUrl)).toBeUndefined();
    expect(await s.store.getChannelLink({ platform: 'slack', workspace: STRANGER, channel: 'C0FOREIGN' })).toBeUndefined();
  });

  it('ignores a Slack Connect admin of another team in an allowed channel: no command, no mirrored message', async () => {
    const link = await s.fake.command(`link "Ouro Lab"`, { channel: 'C0SHARED', user: 'U0EXT' });
    expect(link.status).toBe(200);
    const before = s.sandbox.state.messages.length;
    await s.fake.event({
      type: 'message',
      channel: CONNECT,
      user: 'U0EXT',
      user_team: OTHER,
      source_team: OTHER,
      team: OTHER,
      text: 'guest says hi',
      ts: '1700000500.000100',
    });
    await s.fake.userPosts('member says hi', { channel: CONNECT });
    await eventually(
      () =>
        expect(
          s.sandbox.state.messages
            .slice(before)
            .map((m) => m.text)
            .join('\n'),
        ).toContain('member says hi'),
      20_000,
    );
    expect(
      s.sandbox.state.messages
        .slice(before)
        .map((m) => m.text)
        .join('\n'),
    ).not.toContain('guest says hi');
    expect(hookFor(s.fake, link.responseUrl)).toBeUndefined();
    expect(await s.store.getChannelLink({ platform: 'slack', workspace: TEAM, channel: 'C0SHARED' })).toBeUndefined();
  });
});

describe('the bot’s authority stops at the channel’s org', () => {
  it('refuses a non-admin’s query of another org’s private dataset in a linked channel', async () => {
    const text = await answer(`query ${SEED_IDS.datasetPrivate} SELECT * FROM {{table}}`, { channel: LAB, user: 'U0BOB' });
    expect(text).not.toMatch(/Northwind|HX-101|proprietary_alloys/);
    expect(text).toMatch(/not public and not in the org\/team this channel is linked to/);
  });

  it('answers an unlinked channel with public assets only', async () => {
    const query = await answer(`query ${SEED_IDS.datasetPrivate}`, { channel: UNLINKED, user: 'U0BOB' });
    expect(query).not.toMatch(/Northwind|HX-101|supplier/);
    expect(query).toMatch(/link it first/);
    const search = await answer('search alloys', { channel: UNLINKED, user: 'U0BOB' });
    expect(search).not.toMatch(/proprietary_alloys|Helix|Confidential/i);
    const byName = await answer('query proprietary_alloys', { channel: UNLINKED, user: 'U0BOB' });
    expect(byName).not.toMatch(/HX-101|Northwind|0193a5c0-0000-7000-8000-000000000022/);
    // A public dataset still answers there.
    expect(await answer('query penguins', { channel: UNLINKED, user: 'U0BOB' })).toMatch(/species/);
  });

  it('refuses another org’s private dataset as a quest entry, and another org’s quest', async () => {
    const entries = s.sandbox.state.entries.length;
    const submit = await answer(`quest submit ${SEED_IDS.quest} 3 ${SEED_IDS.datasetPrivate} look`, { channel: LAB, user: 'U0BOB' });
    expect(submit).toMatch(/Nothing was done/);
    const show = await answer(`quest show ${SEED_IDS.questHelix}`, { channel: LAB, user: 'U0BOB' });
    expect(show).not.toMatch(/Confidential alloy survey|HX-101/);
    const close = await answer(`quest close ${SEED_IDS.questHelix}`, { channel: LAB, user: 'U0ADA' });
    expect(close).toMatch(/Nothing was done/);
    expect(s.sandbox.state.entries.length).toBe(entries);
    expect(s.sandbox.state.quests.find((q) => q.id === SEED_IDS.questHelix)!.quest.status).toBe('open');
  });
});

describe('buttons act only on what the bridge posted', () => {
  const helixValue = `${SEED_IDS.questHelix}:${SEED_IDS.entryHelixSubmitted}`;
  const statusOf = (id: string) => s.sandbox.state.entries.find((e) => e.id === id)!.status;

  it('refuses a forged value naming another org’s entry, in words, and changes nothing', async () => {
    const msg = await s.fake.userPosts('anything', { channel: LAB });
    const press = await s.fake.press({ channel: LAB, ts: msg.ts }, { action_id: 'entry.reject', value: helixValue }, 'U0ADA');
    await eventually(() => expect(hookFor(s.fake, press.responseUrl)).toBeDefined(), 20_000);
    expect(JSON.stringify(hookFor(s.fake, press.responseUrl)!.body)).toMatch(/not on an entry notice the bridge posted/);
    expect(statusOf(SEED_IDS.entryHelixSubmitted)).toBe('submitted');
    expect(s.fake.callsOf('chat.update').some((c) => c.args.ts === msg.ts)).toBe(false);
  });

  it('refuses a notice the bridge posted when the value names another entry, or the quest left the channel’s scope', async () => {
    const notice = await s.fake.userPosts('a notice stand-in', { channel: LAB });
    const key = { platform: 'slack' as const, workspace: TEAM, channel: LAB };
    // Recorded the way the quest notifier records each notice it posts.
    await s.store.setState(noticeKey(key, notice.ts), `${SEED_IDS.quest}:${SEED_IDS.entrySubmitted}`);
    const forged = await s.fake.press({ channel: LAB, ts: notice.ts }, { action_id: 'entry.reject', value: helixValue }, 'U0ADA');
    await eventually(() => expect(hookFor(s.fake, forged.responseUrl)).toBeDefined(), 20_000);
    expect(statusOf(SEED_IDS.entryHelixSubmitted)).toBe('submitted');

    // A genuine Helix notice (posted before the channel's link changed) no longer acts here.
    const old = await s.fake.userPosts('an old notice', { channel: LAB });
    await s.store.setState(noticeKey(key, old.ts), helixValue);
    const stale = await s.fake.press({ channel: LAB, ts: old.ts }, { action_id: 'entry.reject', value: helixValue }, 'U0ADA');
    await eventually(() => expect(hookFor(s.fake, stale.responseUrl)).toBeDefined(), 20_000);
    expect(JSON.stringify(hookFor(s.fake, stale.responseUrl)!.body)).toMatch(/not public and not in the org\/team/);
    expect(statusOf(SEED_IDS.entryHelixSubmitted)).toBe('submitted');
  });
});
