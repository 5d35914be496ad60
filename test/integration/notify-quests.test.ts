import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuestNotifier, type QuestNotifier } from '../../src/quests/index.ts';
import { createCommandRunner } from '../../src/commands/index.ts';
import type { Block, RichReply } from '../../src/chat/reply.ts';
import type { CommandRunner, CommandUser } from '../../src/commands/types.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS } from '../../src/sandbox/seed.ts';
import type { ChatRef, OutboundMessage, PostedMessage } from '../../src/bridge/types.ts';
import type { ChannelKey, Store } from '../../src/store/types.ts';
import { ouroFetch, sandboxToken, withSandbox } from '../helpers/sandbox.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';
import { TestAdapter } from '../helpers/test-adapter.ts';

/**
 * Quest notifications end to end: the real notifier and command runner, the real Ouro
 * client against the seeded sandbox, a file-backed SQLite store (so a restart is a real
 * reopen), and recording chat adapters. Ticks are driven by hand (the schedule is injected).
 */

const sandbox = withSandbox({ seed: 'demo' });
const admin: CommandUser = { id: 'U_ADMIN', name: 'Ada', isPlatformAdmin: false };
const member: CommandUser = { id: 'U_MEMBER', name: 'Max', isPlatformAdmin: false };
const Q = SEED_IDS.quest;

let ts: TestStore;
let ouro: OuroClient;
let slack: RichAdapter;
let discord: RichAdapter;
let notifier: QuestNotifier;
let runner: CommandRunner;
let aliceToken: string;
const scheduled: { cron: string; stopped: boolean }[] = [];

const C1: ChannelKey = { platform: 'slack', workspace: 'slack-ws', channel: 'C1' };
const C2: ChannelKey = { platform: 'discord', workspace: 'discord-ws', channel: 'C2' };

function makeNotifier(store: Store, adapters: TestAdapter[], extra: { pauseAfterFailures?: number } = {}) {
  return createQuestNotifier({
    ...extra,
    ouro,
    store,
    adapters,
    cron: '*/5 * * * *',
    webBaseUrl: 'https://ouro.test',
    schedule: (cron) => {
      const s = { cron, stopped: false };
      scheduled.push(s);
      return { stop: () => void (s.stopped = true) };
    },
  });
}

beforeAll(async () => {
  ts = await makeTestStore('sqlite', { file: true });
  ouro = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0 });
  slack = new RichAdapter('slack');
  discord = new RichAdapter('discord');
  notifier = makeNotifier(ts.store, [slack, discord]);
  runner = createCommandRunner({ ouro, store: ts.store, bridgeAdmins: [admin.id], webBaseUrl: 'https://ouro.test', notifier });
  for (const channel of [C1, C2]) await runner.run({ text: 'link "Ouro Lab" materials', user: admin, channel });
  aliceToken = await sandboxToken(sandbox(), sandbox().userApiKeys.alice);
});
afterAll(async () => {
  await ouro?.close();
  await ts?.cleanup();
});

const entriesFetches = () => sandbox().requests.filter((r) => r.method === 'GET' && r.path === `/quests/${Q}/entries`).length;
const buttonsOf = (reply: RichReply | undefined) => reply?.blocks.filter((b): b is Extract<Block, { type: 'buttons' }> => b.type === 'buttons') ?? [];

async function aliceSubmits(itemIndex: number, note: string, asset: string = SEED_IDS.datasetPenguins): Promise<string> {
  const res = await ouroFetch(sandbox(), aliceToken, 'POST', `/quests/${Q}/entries/create`, {
    entry: { item_id: SEED_IDS.questItems[itemIndex], assets: { data: asset }, description: note },
  });
  expect(res.status).toBe(200);
  return res.body.data.id as string;
}

/** The core's TestAdapter, also keeping the rich content of what the bridge posted or edited. */
class RichAdapter extends TestAdapter {
  readonly richLog: { messageId: string; rich?: RichReply }[] = [];
  override async post(ref: ChatRef, message: OutboundMessage): Promise<PostedMessage> {
    const posted = await super.post(ref, message);
    this.richLog.push({ messageId: posted.messageId, rich: message.rich });
    return posted;
  }
  override async edit(ref: ChatRef, messageId: string, message: OutboundMessage): Promise<void> {
    await super.edit(ref, messageId, message);
    this.richLog.push({ messageId, rich: message.rich });
  }
}

/** The last rich message the adapter posted or edited, by message id. */
function richOf(adapter: RichAdapter, messageId: string): RichReply | undefined {
  return adapter.richLog.filter((r) => r.messageId === messageId).at(-1)?.rich;
}

describe('quest notifications', () => {
  let card = '';
  let entryId = '';

  it('start() schedules the cron; a new watch baselines (no flood) and posts the card at once', async () => {
    notifier.start();
    expect(scheduled.at(-1)).toEqual({ cron: '*/5 * * * *', stopped: false });
    const r = await runner.run({ text: `watch "Measure Curie temperatures" submitted,accepted`, user: member, channel: C1 });
    expect(r.reply.text).toBe('Watching **Measure Curie temperatures** here for submitted, accepted entries.');
    const posts = slack.bridgePosts('C1');
    expect(posts).toHaveLength(1); // the card only: the three seeded entries are history
    expect(posts[0]!.text).toContain('Quest **Measure Curie temperatures** (open): 1 submitted · 1 accepted · 1 rejected');
    card = posts[0]!.messageId;
    expect((await ts.store.listWatches(C1))[0]!.cardMessageId).toBe(card);
    expect(slack.bridgePosts('C1', card)).toHaveLength(0);
  });

  it('an entry submitted on Ouro → a notice in the card’s thread with Accept / Reject, and the card updated', async () => {
    entryId = await aliceSubmits(2, 'Tc(Fe2Ni) = 866 K');
    const stats = await notifier.tick();
    expect(stats).toMatchObject({ quests: 1, watches: 1, failed: 0, changes: 1, delivered: 1 });
    const notices = slack.bridgePosts('C1', card);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toBe(
      `**Alice Chen** submitted [${SEED_IDS.datasetPenguins.slice(0, 8)}](https://ouro.test/assets/${SEED_IDS.datasetPenguins}) for item 3 (“Measure Tc of Fe2Ni”) of **Measure Curie temperatures**\nNote: Tc(Fe2Ni) = 866 K`,
    );
    expect(buttonsOf(richOf(slack, notices[0]!.messageId))[0]!.buttons.map((b) => [b.actionId, b.value])).toEqual([
      ['entry.accept', `${Q}:${entryId}`],
      ['entry.reject', `${Q}:${entryId}`],
    ]);
    const edits = slack.ops.filter((o) => o.op === 'edit' && o.messageId === card);
    expect(edits.at(-1)!.text).toContain('2 submitted · 1 accepted · 1 rejected');
  });

  it('a tick with nothing new posts and edits nothing', async () => {
    const before = slack.ops.length;
    const stats = await notifier.tick();
    expect(stats).toMatchObject({ changes: 0, delivered: 0 });
    expect(slack.ops.length).toBe(before);
  });

  it('Accept pressed by a non-admin is refused and changes nothing on Ouro', async () => {
    const r = await runner.press({ actionId: 'entry.accept', value: `${Q}:${entryId}`, user: member, channel: C1, messageId: 'x' });
    expect(r.reply.text).toBe('Only bridge admins may review entries: Slack workspace admins and owners, and the people listed in BRIDGE_ADMINS.');
    expect(r.updateMessage).toBeUndefined();
    expect(sandbox().state.entries.find((e) => e.id === entryId)?.status).toBe('submitted');
  });

  it('Accept pressed by an admin on a message the bridge did not post as that notice changes nothing', async () => {
    const r = await runner.press({ actionId: 'entry.accept', value: `${Q}:${entryId}`, user: admin, channel: C1, messageId: 'x' });
    expect(r.reply.text).toBe('This button is not on an entry notice the bridge posted in this channel for that entry, so nothing was done.');
    expect(r.updateMessage).toBeUndefined();
    expect(sandbox().state.entries.find((e) => e.id === entryId)?.status).toBe('submitted');
  });

  it('Accept pressed by an admin accepts the entry on Ouro; the notice now says who decided', async () => {
    const notice = slack.bridgePosts('C1', card)[0]!.messageId;
    const r = await runner.press({ actionId: 'entry.accept', value: `${Q}:${entryId}`, user: admin, channel: C1, messageId: notice });
    expect(r.reply.text).toBe('Accepted the entry.');
    const entry = sandbox().state.entries.find((e) => e.id === entryId)!;
    expect(entry).toMatchObject({ status: 'accepted', reviewer_id: SEED_IDS.bot });
    expect(entry.review?.text).toBe('Accepted by Ada from chat');
    expect(r.updateMessage?.text).toContain('Accepted by Ada');
    expect(buttonsOf(r.updateMessage)).toEqual([]);
  });

  it('accepted → the card is updated and a threaded notice says so', async () => {
    const stats = await notifier.tick();
    expect(stats).toMatchObject({ changes: 1, delivered: 1 });
    const notices = slack.bridgePosts('C1', card);
    expect(notices).toHaveLength(2);
    expect(notices[1]!.text).toBe(
      'Entry by **Alice Chen** for item 3 (“Measure Tc of Fe2Ni”) of **Measure Curie temperatures** was **accepted**\nNote: Tc(Fe2Ni) = 866 K',
    );
    expect(slack.ops.filter((o) => o.op === 'edit' && o.messageId === card).at(-1)!.text).toContain('1 submitted · 2 accepted · 1 rejected');
  });

  it('two channels watching one quest → one entries fetch per tick, a card and notices in each', async () => {
    await runner.run({ text: `watch ${Q} submitted`, user: member, channel: C2 });
    expect(discord.bridgePosts('C2')).toHaveLength(1);
    // Alice's seeded entry for item 2 is rejected, so she may submit that item again.
    await runner.run({ text: `quest review ${Q} ${SEED_IDS.entrySubmitted} reject not Tc`, user: admin, channel: C1 });
    await aliceSubmits(1, 'Tc(MnBi) = 628 K, remeasured', SEED_IDS.datasetScreening);
    const before = entriesFetches();
    const stats = await notifier.tick();
    expect(entriesFetches() - before).toBe(1);
    // Each channel sees two changes (the rejection, watched by neither, and the new entry).
    expect(stats).toMatchObject({ quests: 1, watches: 2, changes: 4, delivered: 2 });
    const discordCard = discord.bridgePosts('C2')[0]!.messageId;
    expect(discord.bridgePosts('C2', discordCard).map((m) => m.text.split('\n')[0])).toEqual([expect.stringContaining('**Alice Chen** submitted')]);
    expect(discord.bridgePosts('C2', discordCard)[0]!.text).toContain('for item 2 (“Measure Tc of MnBi”)');
    expect(slack.bridgePosts('C1', card)).toHaveLength(3);
    expect(discord.ops.filter((o) => o.op === 'edit' && o.messageId === discordCard).at(-1)!.text).toContain('1 submitted · 2 accepted · 2 rejected');
  });

  it('after a restart (store reopened, new notifier and adapters) nothing is repeated', async () => {
    notifier.stop();
    expect(scheduled.at(-1)!.stopped).toBe(true);
    const store2 = await ts.reopen!();
    const slack2 = new TestAdapter('slack');
    const discord2 = new TestAdapter('discord');
    const again = makeNotifier(store2, [slack2, discord2]);
    const stats = await again.tick();
    expect(stats).toMatchObject({ quests: 1, watches: 2, changes: 0, delivered: 0 });
    expect(slack2.ops).toEqual([]);
    expect(discord2.ops).toEqual([]);
  });

  it('a failed post is retried next tick, in order, once; a channel no longer allowed to see the quest gets nothing', async () => {
    await runner.run({ text: 'quest create "Anisotropy survey" --item "Fe2B film" --continuous', user: admin, channel: C1 });
    const survey = sandbox().state.quests.find((q) => q.name === 'Anisotropy survey')!;
    const C3: ChannelKey = { platform: 'slack', workspace: 'slack-ws', channel: 'C3' };
    await runner.run({ text: 'link "Ouro Lab" materials', user: admin, channel: C3 });
    for (const channel of [C1, C3]) await runner.run({ text: `watch "Anisotropy survey" submitted`, user: member, channel });
    const surveyCard = (await ts.store.listWatches({ ...C1, questId: survey.id }))[0]!.cardMessageId!;
    await ts.store.deleteChannelLink(C3); // C3 may no longer see an org-visible quest
    const item = sandbox().state.questItems.find((i) => i.quest_id === survey.id)!;
    for (const note of ['first', 'second']) {
      const res = await ouroFetch(sandbox(), aliceToken, 'POST', `/quests/${survey.id}/entries/create`, { entry: { item_id: item.id, description: note } });
      expect(res.status).toBe(200);
    }
    slack.failPosts = 1;
    const first = await notifier.tick();
    expect(first).toMatchObject({ changes: 4, delivered: 0, skipped: 2 });
    expect(slack.bridgePosts('C1', surveyCard)).toHaveLength(0);
    const second = await notifier.tick();
    expect(second).toMatchObject({ changes: 2, delivered: 2 });
    expect(slack.bridgePosts('C1', surveyCard).map((m) => m.text.split('\n')[1])).toEqual(['Note: first', 'Note: second']);
    expect(slack.bridgePosts('C3').length).toBe(1); // its card from before the unlink, nothing since
    expect(await notifier.tick()).toMatchObject({ delivered: 0 });
  });

  it("unwatch forgets that channel's delivery record, and no other", async () => {
    const survey = sandbox().state.quests.find((q) => q.name === 'Anisotropy survey')!;
    const records = async () => ({
      c1: (await ts.store.getSnapshots({ ...C1, questId: Q })).length,
      c2: (await ts.store.getSnapshots({ ...C2, questId: Q })).length,
      c1Survey: (await ts.store.getSnapshots({ ...C1, questId: survey.id })).length,
    });
    const before = await records();
    expect(before.c1).toBeGreaterThan(0);
    expect(before.c2).toBeGreaterThan(0);
    expect(before.c1Survey).toBeGreaterThan(0);
    expect((await runner.run({ text: `unwatch ${Q}`, user: member, channel: C1 })).reply.text).toBe(`Stopped watching quest \`${Q}\` here.`);
    expect(await records()).toEqual({ ...before, c1: 0 });
    expect((await ts.store.listWatches(C1)).map((w) => w.questId)).toEqual([survey.id]);
  });

  it('a quest whose fetch fails is skipped this tick and caught up the next', async () => {
    sandbox().faults.add({ route: `GET /quests/${Q}/entries`, mode: '500', times: 1 });
    const failed = await notifier.tick();
    expect(failed.failed).toBe(1);
    const ok = await notifier.tick();
    expect(ok.failed).toBe(0);
  });

  it('a channel whose posts keep failing is paused after the limit, listed as paused, and resumed by watching again, missing nothing', async () => {
    await runner.run({ text: 'quest create "Pause survey" --item "Co film" --continuous', user: admin, channel: C1 });
    const quest = sandbox().state.quests.find((q) => q.name === 'Pause survey')!;
    await runner.run({ text: 'watch "Pause survey" submitted', user: member, channel: C1 });
    const card = (await ts.store.listWatches({ ...C1, questId: quest.id }))[0]!.cardMessageId!;
    const item = sandbox().state.questItems.find((i) => i.quest_id === quest.id)!;
    const res = await ouroFetch(sandbox(), aliceToken, 'POST', `/quests/${quest.id}/entries/create`, {
      entry: { item_id: item.id, description: 'while the bot was away' },
    });
    expect(res.status).toBe(200);
    const health = async (questId: string) => (await ts.store.listWatches({ ...C1, questId }))[0];
    const strict = makeNotifier(ts.store, [slack, discord], { pauseAfterFailures: 2 });
    slack.failPosts = 1_000;
    await strict.tick();
    expect(await health(quest.id)).toMatchObject({ failures: 1, pausedAt: null });
    await strict.tick();
    expect(await health(quest.id)).toMatchObject({ failures: 2, pausedAt: expect.any(Number), lastError: expect.stringContaining('unavailable') });
    // Paused: later ticks do not try this channel at all.
    const left = slack.failPosts;
    expect((await strict.tick()).paused).toBe(1);
    expect(slack.failPosts).toBe(left);
    const listed = await runner.run({ text: 'watches', user: member, channel: C1 });
    expect(JSON.stringify(listed)).toContain('paused');
    // The bot is back; watching again resumes, and the notice it missed goes out.
    slack.failPosts = 0;
    const again = await runner.run({ text: 'watch "Pause survey" submitted', user: member, channel: C1 });
    expect(JSON.stringify(again)).toContain('Resumed');
    expect(await health(quest.id)).toMatchObject({ failures: 0, failingSince: null, lastError: null, pausedAt: null });
    await strict.tick();
    expect(slack.bridgePosts('C1', card).map((m) => m.text.split('\n')[1])).toEqual(['Note: while the bot was away']);
  });

  it('a card a person deleted is posted again, and the next notice goes under the new card', async () => {
    await runner.run({ text: 'quest create "Card survey" --item "Ni film" --continuous', user: admin, channel: C1 });
    const quest = sandbox().state.quests.find((q) => q.name === 'Card survey')!;
    await runner.run({ text: 'watch "Card survey" submitted', user: member, channel: C1 });
    const old = (await ts.store.listWatches({ ...C1, questId: quest.id }))[0]!.cardMessageId!;
    slack.messages.find((m) => m.messageId === old)!.deleted = true; // a person deletes it on Slack
    const item = sandbox().state.questItems.find((i) => i.quest_id === quest.id)!;
    const res = await ouroFetch(sandbox(), aliceToken, 'POST', `/quests/${quest.id}/entries/create`, {
      entry: { item_id: item.id, description: 'after the card went' },
    });
    expect(res.status).toBe(200);
    const stats = await notifier.tick();
    expect(stats.failed).toBe(0);
    const fresh = (await ts.store.listWatches({ ...C1, questId: quest.id }))[0]!.cardMessageId!;
    expect(fresh).not.toBe(old);
    const top = slack.bridgePosts('C1').filter((m) => m.text.includes('Card survey'));
    expect(top.map((m) => [m.messageId, m.deleted])).toEqual([
      [old, true],
      [fresh, false],
    ]);
    expect(top[1]!.text).toContain('1 submitted');
    expect(slack.bridgePosts('C1', fresh).map((m) => m.text.split('\n')[1])).toEqual(['Note: after the card went']);
    expect(slack.bridgePosts('C1', old)).toEqual([]);
    // The next change edits the new card; the deleted one is left alone.
    const second = await ouroFetch(sandbox(), aliceToken, 'POST', `/quests/${quest.id}/entries/create`, { entry: { item_id: item.id, description: 'second' } });
    expect(second.status).toBe(200);
    await notifier.tick();
    expect(slack.ops.filter((o) => o.op === 'edit' && o.messageId === fresh)).toHaveLength(1);
    expect(slack.ops.filter((o) => o.op === 'edit' && o.messageId === old)).toHaveLength(0);
  });
});
