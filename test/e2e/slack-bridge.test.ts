/**
 * End to end, in HTTP mode and in Socket Mode: the real bolt App (our Slack adapter) against
 * the Slack fake, the real bridge core and command runner, a SQLite store, and the Ouro
 * sandbox over HTTP (its webhooks delivered to our HTTP server). Assertions are on what the
 * Slack fake and the sandbox received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOuroUnfurler, type UnfurlOuro } from '../../src/adapters/slack/index.ts';
import type { SlackBlock } from '../../src/adapters/slack/blocks.ts';
import { LIMITS } from '../../src/adapters/slack/limits.ts';
import { createCommandRunner } from '../../src/commands/index.ts';
import { noticeKey } from '../../src/commands/watch-baseline.ts';
import { silentLogger } from '../../src/log.ts';
import { SEED_IDS } from '../../src/sandbox/index.ts';
import { TEAM, type FakeSlack, type Hook } from '../helpers/fake-slack.ts';
import { pngFacts } from '../helpers/png.ts';
import { startSlackStack, type SlackStack, linkToLab } from '../helpers/slack-stack.ts';
import { eventually, sleep } from '../helpers/eventually.ts';

const C = 'C0LAB';

async function startStack(mode: 'http' | 'socket'): Promise<SlackStack> {
  const s = await startSlackStack({
    mode,
    // Ouro's 10 s query limit is not under test here; on a loaded 2-core host PGlite can be slow.
    sandbox: { seed: 'demo', databaseUrl: process.env.TEST_DATABASE_URL, queryTimeoutMs: 60_000 },
    // Generous: PGlite's cold start on a busy host takes several seconds.
    ouroTimeoutMs: 30_000,
    clientOptions: { retries: 0 },
    bridge: (ouro, store) => {
      const unfurlOuro: UnfurlOuro = ouro;
      return {
        commands: createCommandRunner({ ouro, store, bridgeAdmins: [] }),
        onLinkShared: createOuroUnfurler({ ouro: unfurlOuro, store, logger: silentLogger }),
      };
    },
    // Without TEST_DATABASE_URL the sandbox starts embedded PGlite on first use: seconds of
    // blocked event loop. Pay that here, before any Slack connection is open.
    beforeAdapter: async (ouro) => {
      await ouro.datasets.query(SEED_IDS.datasetPenguins, 'SELECT 1 AS one FROM {{table}} LIMIT 1');
    },
  });
  for (const channel of [C, 'C0ACCEPT', 'C0MODAL', 'C0LINKS']) {
    await linkToLab(s.store, channel, 'threads');
  }
  return s;
}

function withinLimits(blocks: SlackBlock[] | undefined): void {
  expect(blocks?.length ?? 0).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
  for (const b of blocks ?? []) {
    const t = (b.text as { text?: string } | undefined)?.text;
    if (t !== undefined) expect(t.length).toBeLessThanOrEqual(LIMITS.sectionText);
    if (b.fields) expect((b.fields as unknown[]).length).toBeLessThanOrEqual(LIMITS.fieldsPerSection);
    if (b.type === 'actions') expect((b.elements as unknown[]).length).toBeLessThanOrEqual(LIMITS.elementsPerActions);
  }
}

const hookFor = (fake: FakeSlack, responseUrl: string): Hook | undefined => fake.hooks.find((h) => `${fake.url}/hooks/${h.id}` === responseUrl);

describe.each(['http', 'socket'] as const)('Slack end to end (%s)', (mode) => {
  let s: SlackStack;
  beforeAll(async () => {
    s = await startStack(mode);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const messagesOf = (conversationId: string) => s.sandbox.state.messages.filter((m) => m.conversation_id === conversationId).map((m) => m.text);
  const conversationOf = async (channel: string, thread: string) =>
    (await s.store.getThreadLink({ platform: 'slack', workspace: TEAM, channel, thread }))!.conversationId;

  it('mirrors a thread both ways, with edits and deletes, and never echoes its own posts', async () => {
    const root = await s.fake.userPosts('Is the mae_ev column right?', { channel: C });
    const reply = await s.fake.userPosts('Looks *fine* to me', { channel: C, user: 'U0BOB', thread_ts: root.ts });
    let conv = '';
    await eventually(async () => {
      conv = await conversationOf(C, root.ts);
      expect(messagesOf(conv)).toEqual(['**Ada Lovelace** (Slack): Is the mae_ev column right?', '**Bob Builder** (Slack): Looks **fine** to me']);
    });

    await s.fake.userEdits(C, reply.ts, 'Looks fine, *edited*');
    await s.fake.userDeletes(C, root.ts);
    await eventually(() => expect(messagesOf(conv)).toEqual(['_(message deleted on Slack)_', '**Bob Builder** (Slack, edited): Looks fine, **edited**']));

    await s.sandbox.postAs('alice', conv, 'From **Ouro** & <the lab>');
    await eventually(() => expect(s.fake.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === root.ts)).toHaveLength(1));
    const post = s.fake.callsOf('chat.postMessage').find((c) => c.args.thread_ts === root.ts)!;
    expect(post.args).toMatchObject({ channel: C, text: 'From *Ouro* &amp; &lt;the lab&gt;' });
    expect(post.args.username).toBe('Alice Chen (Ouro)');
    // Slack echoes the bridge's post as a message event; it must not return to Ouro.
    await sleep(200);
    await s.bridge.drain();
    expect(messagesOf(conv)).toHaveLength(3);
    expect(s.fake.echoFailures).toEqual([]);
  });

  it('turns the same event delivered 3 times into one Ouro message', async () => {
    const root = await s.fake.userPosts('retry root', { channel: C });
    const event = { type: 'message', channel: C, user: 'U0ADA', text: 'said exactly once', ts: s.fake.nextTs(), thread_ts: root.ts };
    for (const retryNum of [0, 1, 2]) expect((await s.fake.event(event, { eventId: `Ev-${mode}-retry`, retryNum })).status).toBe(200);
    let conv = '';
    await eventually(async () => {
      conv = await conversationOf(C, root.ts);
      expect(messagesOf(conv).filter((t) => t.includes('said exactly once'))).toHaveLength(1);
    });
    // An ack means recorded, not yet relayed: give the later copies time to (not) arrive.
    await sleep(300);
    await s.bridge.drain();
    expect(messagesOf(conv).filter((t) => t.includes('said exactly once'))).toHaveLength(1);
  });

  const commands: [string, RegExp][] = [
    ['help', /query/],
    ['datasets', /penguins/],
    ['search penguins', /penguins/],
    ['query penguins', /species/],
    ['query penguins SELECT species, count(*) AS n FROM {{table}} GROUP BY species ORDER BY species', /adelie +\| +12/],
    ['quest list', /Measure Curie temperatures/],
    ['chart penguins SELECT species, body_mass_g FROM {{table}}', /bar chart: x = `species`/],
    ['quest show "Measure Curie temperatures"', /Measure Curie temperatures/],
    ['watch "Measure Curie temperatures" accepted', /Measure Curie temperatures/],
    ['watches', /Measure Curie temperatures/],
    ['mirror status', /thread/i],
    ['nonsense-command', /help|unknown|not a command/i],
  ];
  it.each(commands)('answers `/ouro %s` through response_url, within Block Kit limits', async (text, expected) => {
    const cmd = await s.fake.command(text, { channel: C });
    expect(cmd.status).toBe(200);
    // Queries run real SQL in the sandbox; on a loaded 2-core host that can take seconds.
    await eventually(() => expect(hookFor(s.fake, cmd.responseUrl)).toBeDefined(), 20_000);
    const hook = hookFor(s.fake, cmd.responseUrl)!;
    withinLimits(hook.body.blocks);
    expect(`${hook.body.text}\n${JSON.stringify(hook.body.blocks)}`).toMatch(expected);
  });

  it('quest show: the text answer, and the progress picture uploaded beside it with the same numbers as alt text', async () => {
    const before = s.fake.sharedFiles().length;
    const cmd = await s.fake.command('quest show "Measure Curie temperatures"', { channel: C });
    await eventually(() => expect(s.fake.sharedFiles().length).toBe(before + 1), 20_000);
    expect(JSON.stringify(hookFor(s.fake, cmd.responseUrl)!.body.blocks)).toContain('1 submitted · 1 accepted · 1 rejected');
    const file = s.fake.sharedFiles().at(-1)!;
    expect(file).toMatchObject({ name: 'quest-progress.png', title: 'Progress: Measure Curie temperatures', channel: C, contentType: 'image/png' });
    expect(file.altText).toMatch(/Entries: 1 accepted, 1 submitted, 1 rejected\./);
    expect(pngFacts(file.bytes!).variance).toBeGreaterThan(200);
  });

  it('answers a big query with a cut table and the full result as a CSV file', async () => {
    const before = s.fake.callsOf('files.completeUploadExternal').length;
    const cmd = await s.fake.command('query screening_runs SELECT * FROM {{table}}', { channel: C });
    await eventually(() => expect(hookFor(s.fake, cmd.responseUrl)).toBeDefined(), 20_000);
    const hook = hookFor(s.fake, cmd.responseUrl)!;
    withinLimits(hook.body.blocks);
    expect(JSON.stringify(hook.body.blocks)).toMatch(/showing \d+ of \d+ rows/);
    await eventually(() => expect(s.fake.callsOf('files.completeUploadExternal').length).toBe(before + 1));
    expect(s.fake.callsOf('files.completeUploadExternal').at(-1)!.args.channel_id).toBe(C);
    const csv = s.fake.uploads.at(-1)!.bytes.toString('utf8').split('\r\n').filter(Boolean);
    expect(csv[0]).toContain('mae_ev');
    const shown = Number(/showing (\d+) of/.exec(JSON.stringify(hook.body.blocks))![1]);
    expect(csv.length - 1).toBeGreaterThan(shown);
  });

  it('accepts an entry when an admin presses Accept, and refuses a non-admin with a reason', async () => {
    const value = `${SEED_IDS.quest}:${SEED_IDS.entrySubmitted}`;
    const card = await s.fake.userPosts('card stand-in', { channel: 'C0ACCEPT' });
    // Recorded as the quest notifier records each notice it posts: only such a card's buttons act.
    await s.store.setState(noticeKey({ platform: 'slack', workspace: TEAM, channel: 'C0ACCEPT' }, card.ts), value);
    const refused = await s.fake.press({ channel: 'C0ACCEPT', ts: card.ts }, { action_id: 'entry.accept', value }, 'U0BOB');
    await eventually(() => expect(hookFor(s.fake, refused.responseUrl)).toBeDefined());
    expect(hookFor(s.fake, refused.responseUrl)!.body.response_type).toBe('ephemeral');
    expect(s.sandbox.state.entries.find((e) => e.id === SEED_IDS.entrySubmitted)!.status).toBe('submitted');

    const ok = await s.fake.press({ channel: 'C0ACCEPT', ts: card.ts }, { action_id: 'entry.accept', value }, 'U0ADA');
    await eventually(() => expect(s.sandbox.state.entries.find((e) => e.id === SEED_IDS.entrySubmitted)!.status).toBe('accepted'));
    await eventually(() => expect(hookFor(s.fake, ok.responseUrl)).toBeDefined());
    const update = await (async () => {
      await eventually(() => expect(s.fake.callsOf('chat.update').some((c) => c.args.ts === card.ts)).toBe(true));
      return s.fake.callsOf('chat.update').find((c) => c.args.ts === card.ts)!;
    })();
    withinLimits(update.args.blocks);
    expect(JSON.stringify(update.args)).toMatch(/Accepted|accepted/);
  });

  it('creates a quest from the modal submission', async () => {
    const name = `Screen alloys ${mode}`;
    await s.fake.command('quest create', { channel: 'C0MODAL' });
    await eventually(() => expect(s.fake.callsOf('views.open').length).toBeGreaterThan(0));
    await s.fake.submitView({
      name: { value: { type: 'plain_text_input', value: name } },
      items: { value: { type: 'plain_text_input', value: 'Ti-6Al-4V\nInconel 718' } },
      type: { value: { type: 'static_select', selected_option: { value: 'closable' } } },
    });
    await eventually(() => expect(s.sandbox.state.quests.some((q) => q.name === name)).toBe(true));
    const quest = s.sandbox.state.quests.find((q) => q.name === name)!;
    expect(s.sandbox.state.questItems.filter((i) => i.quest_id === quest.id).map((i) => i.description.text)).toEqual(['Ti-6Al-4V', 'Inconel 718']);
    expect(quest.org_id).toBe(SEED_IDS.orgLab);
  });

  it('unfurls an Ouro link the channel may see, and not a private one', async () => {
    const msg = await s.fake.userPosts('see https://ouro.foundation/datasets/bob/penguins', { channel: 'C0LINKS' });
    await s.fake.shareLinks('C0LINKS', msg.ts, ['https://ouro.foundation/datasets/bob/penguins', 'https://ouro.foundation/posts/alice/screening-week-1']);
    await eventually(() => expect(s.fake.callsOf('chat.unfurl').some((c) => c.args.unfurl_id === `unf-${msg.ts}`)).toBe(true));
    const call = s.fake.callsOf('chat.unfurl').find((c) => c.args.unfurl_id === `unf-${msg.ts}`)!;
    const dataset = JSON.stringify(call.args.unfurls['https://ouro.foundation/datasets/bob/penguins'].blocks);
    expect(dataset).toContain('penguins');
    expect(dataset).toContain('species');
    const post = JSON.stringify(call.args.unfurls['https://ouro.foundation/posts/alice/screening-week-1'].blocks);
    expect(post).toContain('1,200');
    for (const u of Object.values(call.args.unfurls) as { blocks: SlackBlock[] }[]) withinLimits(u.blocks);

    const secret = await s.fake.userPosts('leak? https://ouro.foundation/datasets/carol/proprietary-alloys', { channel: 'C0LINKS' });
    const unfurlsBefore = s.fake.callsOf('chat.unfurl').length;
    await s.fake.shareLinks('C0LINKS', secret.ts, ['https://ouro.foundation/datasets/carol/proprietary-alloys']);
    await sleep(400);
    expect(s.fake.callsOf('chat.unfurl')).toHaveLength(unfurlsBefore);
  });

  // Socket Mode has no signed requests: the WebSocket itself is authenticated by the app token.
  if (mode === 'http')
    it('refuses a bad signature and a stale timestamp with 401, and nothing reaches Ouro', async () => {
      const root = await s.fake.userPosts('signed root', { channel: C });
      const reply = await s.fake.userPosts('signed reply', { channel: C, thread_ts: root.ts });
      await s.bridge.drain();
      const conv = await conversationOf(C, root.ts);
      const before = messagesOf(conv).length;
      const body = JSON.stringify(
        s.fake.eventBody({ type: 'message', channel: C, user: 'U0ADA', text: 'forged reply', ts: s.fake.nextTs(), thread_ts: root.ts }),
      );
      expect((await s.fake.post(body, 'application/json', { secret: 'attacker' })).status).toBe(401);
      expect((await s.fake.post(body, 'application/json', { timestampSec: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
      await sleep(200);
      await s.bridge.drain();
      expect(messagesOf(conv)).toHaveLength(before);
      expect(messagesOf(conv).join('\n')).not.toContain('forged');
      expect(reply.delivery.status).toBe(200);
    });
});
