/**
 * Following an asset's comments end to end: the real command runner, comment notifier,
 * bridge (for replies written in chat) and Ouro client against the seeded sandbox, whose
 * `comment` webhook reaches the bridge; a file-backed SQLite store (a restart is a real
 * reopen) and a recording chat adapter. Ticks of the schedule are driven by hand.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccounts } from '../../src/accounts/index.ts';
import type { Accounts } from '../../src/accounts/types.ts';
import { createBridge, type Bridge } from '../../src/bridge/index.ts';
import { createCommentReplies } from '../../src/comments/from-chat.ts';
import { createCommentNotifier, type CommentNotifier } from '../../src/comments/notifier.ts';
import { createCommandRunner } from '../../src/commands/index.ts';
import type { CommandRunner, CommandUser } from '../../src/commands/types.ts';
import { silentLogger } from '../../src/log.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS, SEED_KEYS } from '../../src/sandbox/seed.ts';
import type { ChannelKey, Store } from '../../src/store/types.ts';
import { eventually } from '../helpers/eventually.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';
import { TestAdapter } from '../helpers/test-adapter.ts';

const sandbox = withSandbox({ seed: 'demo', webhookRetryDelaysMs: [50] });
const ada: CommandUser = { id: 'U_ADA', name: 'Ada', isPlatformAdmin: false };
const bob: CommandUser = { id: 'U_BOB', name: 'Bob', isPlatformAdmin: false };
const LAB: ChannelKey = { platform: 'slack', workspace: 'T1', channel: 'C_LAB' };
const OPEN: ChannelKey = { platform: 'slack', workspace: 'T1', channel: 'C_OPEN' };
const D = SEED_IDS.datasetScreening;
const SECRET = randomBytes(32);

let ts: TestStore;
let store: Store;
let bot: OuroClient;
let alice: OuroClient;
let carol: OuroClient;
let accounts: Accounts;
let slack: TestAdapter;
let notifier: CommentNotifier;
let runner: CommandRunner;
let bridge: Bridge;
let receiver: Server;
const webhookAnswers: unknown[] = [];
/** What people were told privately. */
const told: { userId: string; text: string }[] = [];

/** A bridge process: the notifier, the replies from chat and the command runner over the same store. */
async function startProcess(): Promise<void> {
  accounts = createAccounts({ store, bot, secretKey: SECRET, ouro: { baseUrl: sandbox().url, retries: 0 }, logger: silentLogger });
  notifier = createCommentNotifier({
    ouro: bot,
    store: store,
    adapters: [slack],
    cron: '* * * * *',
    webBaseUrl: 'https://ouro.test',
    schedule: () => ({ stop() {} }),
  });
  const replies = createCommentReplies({
    ouro: bot,
    store: store,
    notifier,
    accounts,
    logger: silentLogger,
    botUserId: () => SEED_IDS.bot,
    tell: async (_ref, userId, text) => void told.push({ userId, text }),
  });
  runner = createCommandRunner({ ouro: bot, store: store, bridgeAdmins: [], accounts, comments: notifier, webBaseUrl: 'https://ouro.test' });
  bridge = createBridge({
    store: store,
    ouro: bot,
    adapters: [slack],
    accounts,
    retry: { baseMs: 20, maxMs: 200, maxAttempts: 10 },
    pollMs: 20,
    reconcileEveryMs: 0,
    commentReplies: replies,
    onComment: (assetId, also) => void notifier.pollNow(assetId, also),
  });
  await bridge.start();
  await slack.start(bridge.inbox);
}

beforeAll(async () => {
  ts = await makeTestStore('sqlite', { file: true });
  store = ts.store;
  bot = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0 });
  alice = createOuroClient({ baseUrl: sandbox().url, apiKey: SEED_KEYS.alice, retries: 0 });
  carol = createOuroClient({ baseUrl: sandbox().url, apiKey: SEED_KEYS.carol, retries: 0 });
  accounts = createAccounts({ store: store, bot, secretKey: randomBytes(32), ouro: { baseUrl: sandbox().url, retries: 0 }, logger: silentLogger });
  slack = new TestAdapter('slack', 'T1', { C_LAB: 'lab', C_OPEN: 'open' });
  await store.upsertChannelLink({
    ...LAB,
    orgId: SEED_IDS.orgLab,
    orgName: 'Ouro Lab',
    teamId: null,
    teamName: null,
    mirrorMode: 'threads',
    updatedBy: 'test',
  });
  await startProcess();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      void bridge.handleOuroWebhook(JSON.parse(body)).then((a) => {
        webhookAnswers.push(a.body);
        res.writeHead(a.status).end(JSON.stringify(a.body));
      });
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  sandbox().setWebhookUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`);
});
afterAll(async () => {
  sandbox().setWebhookUrl(undefined);
  await bridge?.stop();
  await new Promise<void>((r) => receiver.close(() => r()));
  await accounts?.close();
  await Promise.all([bot?.close(), alice?.close(), carol?.close()]);
  await ts?.cleanup();
});

const run = (text: string, user = ada, channel = LAB) => runner.run({ text, user, channel });
const cardOf = async (channel = LAB, assetId = D) => (await store.listFollows({ ...channel, assetId }))[0]?.cardMessageId ?? undefined;
const thread = async () => slack.bridgePosts(LAB.channel, await cardOf());
const commentsOn = (parent: string) => sandbox().state.comments.filter((c) => c.parent_id === parent);

describe('/ouro follow: Ouro comments in the channel, replies in chat back on Ouro', () => {
  it('follows a dataset: one card, the comments already there are not replayed', async () => {
    await alice.comments.create(D, 'An old remark, before anyone followed');
    const r = await run('follow screening_runs');
    expect(r.reply.text).toBe('Following comments on dataset **screening_runs** here.');
    const card = await cardOf();
    expect(card).toBeDefined();
    const posts = slack.bridgePosts(LAB.channel);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toContain('Comments on dataset **screening\\_runs**: 1 comment');
    expect(await thread()).toEqual([]);
    expect((await run('follow screening_runs')).reply.text).toBe('Already following comments on dataset **screening_runs** here.');
  });

  it('a comment written on Ouro appears in the card’s thread once, through the webhook; a tick repeats nothing', async () => {
    const c = await alice.comments.create(D, 'Is run 7 an outlier?');
    await eventually(async () => expect((await thread()).map((m) => m.text)).toEqual(['💬 **alice**\nIs run 7 an outlier?']));
    expect(webhookAnswers).toContainEqual({ status: 'accepted', event: 'comment' });
    await notifier.tick();
    expect(await thread()).toHaveLength(1);
    const card = await cardOf();
    expect(slack.ops.filter((o) => o.op === 'edit' && o.messageId === card).at(-1)?.text).toContain('2 comments');
    expect((await store.getCommentCopies({ ...LAB, assetId: D })).find((x) => x.commentId === c.id)?.origin).toBe('ouro');
  });

  it('a reply in the thread by a linked person is their reply on Ouro, under the comment, and is not echoed', async () => {
    expect((await run(`login ${SEED_KEYS.bob}`, bob)).reply.text).toContain('Linked to Ouro as @bob');
    const top = commentsOn(D).find((c) => c.content.text === 'Is run 7 an outlier?')!;
    await slack.say(bob, LAB.channel, 'No, the **bench** says so too', { thread: await cardOf() });
    await eventually(() => expect(commentsOn(top.id)).toHaveLength(1));
    expect(commentsOn(top.id)[0]).toMatchObject({ user_id: SEED_IDS.bob, content: { text: 'No, the **bench** says so too' } });
    await notifier.tick();
    await bridge.drain();
    expect(await thread()).toHaveLength(1); // the bridge posted nothing more: Bob's own message stands for it
    // No conversation was made for the card's thread, although the channel mirrors threads.
    expect(await store.getThreadLink({ ...LAB, thread: (await cardOf())! })).toBeUndefined();
  });

  it('an edit in chat edits the comment; an unlinked person answers through the bot, named', async () => {
    const bobsMessage = slack.messages.find((m) => m.text === 'No, the **bench** says so too')!;
    await slack.editAs(bob, LAB.channel, bobsMessage.messageId, 'No: the bench agrees', { thread: await cardOf() });
    await eventually(() => expect(sandbox().state.comments.find((c) => c.user_id === SEED_IDS.bob)?.content.text).toBe('No: the bench agrees'));
    await slack.say(ada, LAB.channel, 'Thanks both', { thread: await cardOf() });
    const top = commentsOn(D).find((c) => c.content.text === 'Is run 7 an outlier?')!;
    await eventually(() =>
      expect(commentsOn(top.id).map((c) => [c.user_id, c.content.text])).toContainEqual([SEED_IDS.bot, expect.stringContaining('Thanks both')]),
    );
    expect(commentsOn(top.id).find((c) => c.user_id === SEED_IDS.bot)!.content.text).toMatch(/Ada/);
    await notifier.tick();
    expect(await thread()).toHaveLength(1);
  });

  it('an Ouro-side reply comes back into the thread; an edit on Ouro edits it in place', async () => {
    const top = commentsOn(D).find((c) => c.content.text === 'Is run 7 an outlier?')!;
    const reply = await alice.comments.create(top.id, 'Then I will drop the flag');
    await eventually(async () => expect((await thread()).map((m) => m.text)).toContain('↪ **alice** replied to **alice**\nThen I will drop the flag'));
    await alice.comments.update(reply.id, 'Then I will drop the flag tomorrow');
    await notifier.tick();
    expect((await thread()).map((m) => m.text)).toContain('↪ **alice** replied to **alice**\nThen I will drop the flag tomorrow');
    expect(await thread()).toHaveLength(2);
  });

  it('with no webhook, the poll finds new comments; a restart repeats nothing', async () => {
    sandbox().setWebhookUrl(undefined);
    await alice.comments.create(D, 'Polled, not pushed');
    expect((await thread()).map((m) => m.text)).not.toContain('💬 **alice**\nPolled, not pushed');
    await notifier.tick();
    expect((await thread()).map((m) => m.text)).toContain('💬 **alice**\nPolled, not pushed');
    await bridge.stop();
    await accounts.close();
    const old = store;
    store = await ts.reopen!();
    await old.close();
    slack = new TestAdapter('slack', 'T1', { C_LAB: 'lab', C_OPEN: 'open' });
    await startProcess();
    await notifier.tick();
    expect(slack.ops).toEqual([]);
  });

  it('a private asset of another org is refused here, and its comments never reach the channel', async () => {
    const r = await run(`follow ${SEED_IDS.datasetPrivate}`);
    expect(r.reply.text).toMatch(/not public and not in the org\/team this channel is linked to/);
    // Followed anyway (the link changed after): the poll posts nothing of it.
    await store.addFollow({ ...OPEN, assetId: SEED_IDS.datasetPrivate, assetType: 'dataset', createdBy: null });
    await carol.comments.create(SEED_IDS.datasetPrivate, 'Supplier B raised prices');
    await notifier.tick();
    expect(slack.bridgePosts(OPEN.channel)).toEqual([]);
    expect(slack.messages.filter((m) => m.ref.channel === OPEN.channel)).toEqual([]);
    // A reply under such a card (an old one) is not written by the bot; its author is told why.
    await store.setFollowCard({ ...OPEN, assetId: SEED_IDS.datasetPrivate }, 'old-card');
    await slack.say(ada, OPEN.channel, 'Which supplier?', { thread: 'old-card' });
    await eventually(() => expect(told).toContainEqual({ userId: ada.id, text: expect.stringContaining('was not posted on Ouro') }));
    await bridge.drain();
    expect(sandbox().state.comments.filter((c) => c.content.text.includes('Which supplier?'))).toEqual([]);
  });

  it('/ouro watches lists the follow; unfollow ends it', async () => {
    expect((await run('watches')).reply.text).toContain(`screening_runs — dataset comments · id \`${D}\``);
    expect((await run(`unfollow ${D}`)).reply.text).toBe(`Stopped following comments on \`${D}\` here.`);
    expect(await store.listFollows(LAB)).toEqual([]);
    expect((await run(`unfollow ${D}`)).reply.text).toMatch(/does not follow that asset/);
  });

  it('a name that fits nothing gets words, and a bare follow gets usage', async () => {
    expect((await run('follow no-such-thing-anywhere')).reply.text).toMatch(/No dataset, post, file or quest named/);
    expect((await run('follow')).reply.text).toMatch(/follow <dataset\|post\|file\|quest>/);
  });
});
