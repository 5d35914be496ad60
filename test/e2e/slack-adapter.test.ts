/**
 * The Slack adapter on its own, real bolt App against the Slack fake: what Slack sends in,
 * signed or not, retried, every message subtype, commands, buttons, modals and links, in
 * HTTP mode and in Socket Mode. What it sends out is in slack-outbound.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapterOptions } from '../../src/adapters/slack/index.ts';
import { createHttpServer } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import { RecordingInbox, resolved, waitUntil } from '../contract/adapter.contract.ts';
import { BOT, startFakeSlack, TEAM, type FakeSlack } from '../helpers/fake-slack.ts';
import { sleep } from '../helpers/eventually.ts';

const SECRET = 'e2e-signing-secret';
const C = 'C0LAB';

interface Rig {
  fake: FakeSlack;
  adapter: ReturnType<typeof createSlackAdapter>;
  inbox: RecordingInbox;
  eventsUrl?: string;
  close(): Promise<void>;
}

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function start(mode: 'http' | 'socket', extra: Partial<SlackAdapterOptions> = {}): Promise<Rig> {
  const fake = await startFakeSlack();
  const inbox = new RecordingInbox();
  const base = { botToken: 'xoxb-e2e', apiUrl: fake.apiUrl, clientOptions: { retries: 0 }, postIntervalMs: 10, ...extra };
  if (mode === 'socket') {
    const adapter = createSlackAdapter({ ...base, appToken: 'xapp-e2e' });
    await adapter.start(inbox);
    rig = { fake, adapter, inbox, close: async () => (await adapter.stop(), await fake.close()) };
    return rig;
  }
  const http = createHttpServer(silentLogger);
  const { url } = await http.listen(0, '127.0.0.1');
  const adapter = createSlackAdapter({ ...base, signingSecret: SECRET, http });
  await adapter.start(inbox);
  fake.deliverOverHttp(`${url}/slack/events`, SECRET);
  rig = { fake, adapter, inbox, eventsUrl: `${url}/slack/events`, close: async () => (await adapter.stop(), await http.close(), await fake.close()) };
  return rig;
}

const settle = () => sleep(150);

describe('Slack adapter, HTTP mode: requests Slack signs', () => {
  it('refuses a bad signature, a wrong secret and a stale timestamp with 401, and processes nothing', async () => {
    const r = await start('http');
    const body = JSON.stringify(r.fake.eventBody({ type: 'message', channel: C, user: 'U0ADA', text: 'forged', ts: '1700000001.000100' }));
    const forged = await fetch(r.eventsUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-slack-signature': 'v0=deadbeef' },
      body,
    });
    expect(forged.status).toBe(401);
    expect((await r.fake.post(body, 'application/json', { secret: 'not-the-secret' })).status).toBe(401);
    // Bolt allows five minutes of clock skew; ten minutes old is a replay.
    expect((await r.fake.post(body, 'application/json', { timestampSec: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    const cmd = await r.fake.command('query x', { secret: 'wrong' });
    expect(cmd.status).toBe(401);
    await settle();
    expect(r.inbox.events).toEqual([]);
    // A correctly signed copy of the same body is accepted: the refusals were about the signature.
    expect((await r.fake.post(body, 'application/json')).status).toBe(200);
    await r.inbox.waitFor('message.posted', (m) => m.text === 'forged');
  });

  it("answers Slack's url_verification challenge (saving the request URL in the app settings)", async () => {
    const r = await start('http');
    const res = await r.fake.post(JSON.stringify({ token: 'legacy', challenge: 'c-123', type: 'url_verification' }), 'application/json');
    expect(res).toEqual({ status: 200, body: { challenge: 'c-123' } });
  });

  it('gives a retried event (X-Slack-Retry-Num) the same key every time', async () => {
    const r = await start('http');
    const event = { type: 'message', channel: C, user: 'U0ADA', text: 'said once', ts: '1700000002.000100' };
    const answers = [];
    for (const retryNum of [0, 1, 2]) answers.push((await r.fake.event(event, { eventId: 'Ev-RETRY', retryNum })).status);
    expect(answers).toEqual([200, 200, 200]);
    await waitUntil(() => r.inbox.events.length === 3);
    expect(new Set(r.inbox.events.map((e) => e.key)).size).toBe(1);
  });

  it('answers 500 when the inbox cannot record the event, so Slack delivers it again', async () => {
    const r = await start('http');
    let failures = 1;
    const received: string[] = [];
    await r.adapter.stop();
    await r.adapter.start({
      async receive(e) {
        if (failures-- > 0) throw new Error('store is down');
        received.push(e.key);
        return { accepted: true };
      },
    });
    const event = { type: 'message', channel: C, user: 'U0ADA', text: 'keep me', ts: '1700000004.000100' };
    expect((await r.fake.event(event, { eventId: 'Ev-500' })).status).toBe(500);
    expect((await r.fake.event(event, { eventId: 'Ev-500', retryNum: 1 })).status).toBe(200);
    expect(received).toEqual([`slack:${C}:1700000004.000100`]);
  });

  it('answers 503 after stop, so Slack retries against a running replica', async () => {
    const r = await start('http');
    await r.adapter.stop();
    expect(r.adapter.health().connected).toBe(false);
    expect((await r.fake.event({ type: 'message', channel: C, user: 'U0ADA', text: 'late', ts: '1700000003.000100' })).status).toBe(503);
  });
});

describe.each(['http', 'socket'] as const)('Slack adapter (%s): inbound', (mode) => {
  it('reports health and identifies itself with auth.test', async () => {
    const r = await start(mode);
    expect(r.adapter.health().connected).toBe(true);
    expect(r.adapter.botUserId).toBe(BOT.user_id);
    expect(r.fake.callsOf('auth.test').length).toBeGreaterThan(0);
    expect(r.fake.callsOf('auth.test')[0]!.token).toBe('xoxb-e2e');
    // SLACK_API_URL also points Socket Mode's connection call at the fake, with the app token.
    if (mode === 'socket') expect(r.fake.callsOf('apps.connections.open').map((c) => c.token)).toEqual(['xapp-e2e']);
    else expect(r.fake.callsOf('apps.connections.open')).toEqual([]);
  });

  it('translates message subtypes and ignores what is not conversation', async () => {
    const r = await start(mode);
    const root = await r.fake.userPosts('root');
    await r.fake.userPosts('also to channel', { thread_ts: root.ts, subtype: 'thread_broadcast' });
    await r.fake.userPosts('', { subtype: 'file_share', files: [{ name: 'plot.png', permalink: 'https://lab.slack.com/files/U0ADA/F1/plot.png' }] });
    await r.fake.event({ type: 'message', subtype: 'channel_join', channel: C, user: 'U0BOB', text: '<@U0BOB> has joined', ts: r.fake.nextTs() });
    await r.fake.event({
      type: 'message',
      subtype: 'bot_message',
      channel: C,
      bot_id: 'B0OTHER',
      username: 'CI bot',
      text: 'build passed',
      ts: r.fake.nextTs(),
    });
    await r.fake.event({ type: 'message', channel: C, bot_id: BOT.bot_id, user: BOT.user_id, text: 'my own echo', ts: r.fake.nextTs() });
    await r.fake.event({ type: 'message', channel: C, app_id: BOT.app_id, bot_id: 'B0OLDTOKEN', text: 'my app, older bot id', ts: r.fake.nextTs() });
    // Slack re-sends the root as message_changed when a reply or unfurl lands: no text change.
    await r.fake.event({
      type: 'message',
      subtype: 'message_changed',
      channel: C,
      ts: r.fake.nextTs(),
      message: { type: 'message', user: 'U0ADA', text: 'root', ts: root.ts, reply_count: 1 },
      previous_message: { type: 'message', user: 'U0ADA', text: 'root', ts: root.ts },
    });
    const sentinel = await r.fake.userPosts('sentinel <@U0BOB> *bold*');
    await r.inbox.waitFor('message.posted', (m) => m.messageId === sentinel.ts);
    await settle();
    // As the job sees them: completed by resolveEvent (names looked up after the ack).
    const posted = await Promise.all(r.inbox.events.filter((e) => e.kind === 'message.posted').map((e) => resolved(r.adapter, e)));
    expect(posted.map((e) => e.kind === 'message.posted' && [e.text, e.ref.thread ?? null])).toEqual([
      ['root', null],
      ['also to channel', root.ts],
      ['', null],
      ['sentinel @Bob Builder **bold**', null],
    ]);
    const file = posted[2]!;
    expect(file.kind === 'message.posted' && file.files).toEqual([{ name: 'plot.png', url: 'https://lab.slack.com/files/U0ADA/F1/plot.png' }]);
    expect(r.inbox.events.filter((e) => e.kind !== 'message.posted')).toEqual([]);
    expect(posted[0]!.kind === 'message.posted' && posted[0]!.author).toEqual({
      id: 'U0ADA',
      name: 'Ada Lovelace',
      avatarUrl: 'https://avatars.example/U0ADA.png',
    });
  });

  it('names the author even when users.info is rate limited once', async () => {
    const r = await start(mode);
    r.fake.rateLimit('users.info', 1, 1);
    await r.fake.userPosts('hello', { user: 'U0BOB' });
    const recorded = await r.inbox.waitFor('message.posted');
    // The ack path did not wait for the lookup: the job does it (resolveEvent).
    expect(recorded.author.name).toBe('U0BOB');
    expect(r.fake.callsOf('users.info')).toHaveLength(0);
    const e = await resolved(r.adapter, recorded);
    expect(e.author.name).toBe('Bob Builder');
    expect(r.fake.callsOf('users.info').length).toBe(2);
  });

  it('ignores echoes of its own posts, edits and deletes even when other bots are let through', async () => {
    const r = await start(mode, { ignoreOtherBots: false });
    const ref = { platform: 'slack' as const, workspace: TEAM, channel: C };
    const { messageId } = await r.adapter.post(ref, { text: 'bridge wrote this', author: { name: 'alice (Ouro)' } });
    await r.adapter.edit(ref, messageId, { text: 'bridge edited this' });
    await r.adapter.delete(ref, messageId);
    // Same app, another bot id (a reinstalled app keeps its app_id).
    await r.fake.event({
      type: 'message',
      subtype: 'bot_message',
      channel: C,
      bot_id: 'B0REINSTALL',
      app_id: BOT.app_id,
      username: 'Ouro',
      text: 'old install',
      ts: r.fake.nextTs(),
    });
    await r.fake.event({
      type: 'message',
      subtype: 'bot_message',
      channel: C,
      bot_id: 'B0OTHER',
      username: 'CI bot',
      text: 'from another bot',
      ts: r.fake.nextTs(),
    });
    await waitUntil(() => r.fake.callsOf('chat.delete').length === 1);
    await settle();
    const sentinel = await r.fake.userPosts('sentinel');
    await r.inbox.waitFor('message.posted', (m) => m.messageId === sentinel.ts);
    expect(r.fake.echoFailures).toEqual([]);
    expect(r.inbox.events.map((e) => [e.kind, 'text' in e ? e.text : ''])).toEqual([
      ['message.posted', 'from another bot'],
      ['message.posted', 'sentinel'],
    ]);
  });

  it('lets other bots through when ignoreOtherBots is false, marked as bots', async () => {
    const r = await start(mode, { ignoreOtherBots: false });
    await r.fake.event({
      type: 'message',
      subtype: 'bot_message',
      channel: C,
      bot_id: 'B0OTHER',
      username: 'CI bot',
      text: 'build passed',
      ts: r.fake.nextTs(),
    });
    const e = await r.inbox.waitFor('message.posted');
    expect(e.author).toMatchObject({ id: 'B0OTHER', name: 'CI bot', isBot: true });
  });

  it('prefers rich_text blocks and reports a deleted thread root (tombstone) as a delete', async () => {
    const r = await start(mode);
    const blocks = [{ type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'typed', style: { bold: true } }] }] }];
    const m = await r.fake.userPosts('*typed*', { blocks });
    expect((await r.inbox.waitFor('message.posted')).text).toBe('**typed**');
    await r.fake.event({
      type: 'message',
      subtype: 'message_changed',
      channel: C,
      ts: r.fake.nextTs(),
      message: { type: 'message', subtype: 'tombstone', text: 'This message was deleted.', ts: m.ts, user: 'USLACKBOT' },
      previous_message: { type: 'message', user: 'U0ADA', text: '*typed*', ts: m.ts },
    });
    const d = await r.inbox.waitFor('message.deleted');
    expect(d.messageId).toBe(m.ts);
  });

  it('turns /ouro into command.invoked and acks at once', async () => {
    const r = await start(mode);
    const t0 = performance.now();
    const slow = await r.fake.command('query sales select 1', { user: 'U0BOB' });
    // Slack gives up on a command after 3 s; the ack must not wait for the work.
    expect(performance.now() - t0).toBeLessThan(3000);
    const help = await r.fake.command('help');
    expect(slow.body).toMatchObject({ response_type: 'ephemeral', text: 'Working on it…' });
    expect(help.body?.text).toBeUndefined();
    const e = await r.inbox.waitFor('command.invoked', (c) => c.text === 'query sales select 1');
    // Recorded from what was known without waiting; completed after the ack (resolveInvoker).
    expect(e.invoker).toMatchObject({ id: 'U0BOB', isPlatformAdmin: false });
    expect(await r.adapter.resolveInvoker!(e.invoker)).toMatchObject({ id: 'U0BOB', name: 'Bob Builder', isPlatformAdmin: false });
    expect(e.replyTo).toEqual({ platform: 'slack', team: TEAM, channel: C, user: 'U0BOB', responseUrl: slow.responseUrl, triggerId: slow.triggerId });
    const h = await r.inbox.waitFor('command.invoked', (c) => c.text === 'help');
    expect((await r.adapter.resolveInvoker!(h.invoker))?.isPlatformAdmin).toBe(true);
  });

  it('counts BRIDGE_ADMINS as admins', async () => {
    const r = await start(mode, { bridgeAdmins: ['U0BOB'] });
    await r.fake.command('quest close 1', { user: 'U0BOB' });
    expect((await r.adapter.resolveInvoker!((await r.inbox.waitFor('command.invoked')).invoker))?.isPlatformAdmin).toBe(true);
  });

  it('opens the quest modal for a bare `quest create` and turns the submission into the command', async () => {
    const r = await start(mode);
    const opened = await r.fake.command('quest create');
    await waitUntil(() => r.fake.callsOf('views.open').length === 1);
    expect(r.fake.callsOf('views.open')[0]!.args.trigger_id).toBe(opened.triggerId);
    const empty = await r.fake.submitView({ name: { value: { type: 'plain_text_input', value: '' } } });
    expect(empty.body).toEqual({ response_action: 'errors', errors: { name: 'A quest needs a name.' } });
    await r.fake.submitView({
      name: { value: { type: 'plain_text_input', value: 'Screen alloys' } },
      items: { value: { type: 'plain_text_input', value: 'Ti-6Al-4V\nInconel 718' } },
      type: { value: { type: 'static_select', selected_option: { value: 'closable' } } },
    });
    const e = await r.inbox.waitFor('command.invoked');
    expect(e.text).toBe('quest create "Screen alloys" --item "Ti-6Al-4V" --item "Inconel 718"');
    expect(e.ref).toEqual({ platform: 'slack', workspace: TEAM, channel: C });
    expect(r.inbox.events).toHaveLength(1);
  });

  it('says how to type the command when the quest form cannot open', async () => {
    const r = await start(mode);
    r.fake.fail('views.open', 'expired_trigger_id');
    const cmd = await r.fake.command('quest create');
    await waitUntil(() => r.fake.hooks.length === 1);
    expect(r.fake.hooks[0]!.id).toBe(cmd.responseUrl.split('/').pop());
    expect(r.fake.hooks[0]!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/ouro quest create "Name"') });
    expect(r.inbox.events).toEqual([]);
  });

  it('turns a button press into button.pressed with the card message', async () => {
    const r = await start(mode);
    await r.fake.press({ channel: C, ts: '1700000100.000100', thread_ts: '1700000050.000100' }, { action_id: 'entry.accept', value: 'q1:e1' }, 'U0BOB');
    const e = await r.inbox.waitFor('button.pressed');
    expect(e).toMatchObject({
      actionId: 'entry.accept',
      value: 'q1:e1',
      messageId: '1700000100.000100',
      ref: { channel: C, thread: '1700000050.000100' },
      invoker: { id: 'U0BOB', isPlatformAdmin: false },
    });
  });

  it('answers an app mention with help, and reports only Ouro links as link.shared', async () => {
    const r = await start(mode);
    await r.fake.event({ type: 'app_mention', channel: C, user: 'U0ADA', text: `<@${BOT.user_id}> hi`, ts: '1700000200.000100' });
    expect((await r.inbox.waitFor('command.invoked')).text).toBe('help');
    await r.fake.shareLinks(C, '1700000201.000100', ['https://example.org/x']);
    await r.fake.shareLinks(C, '1700000202.000100', ['https://example.org/y', 'https://ouro.foundation/datasets/alice/screening']);
    const l = await r.inbox.waitFor('link.shared');
    expect(l.urls).toEqual(['https://ouro.foundation/datasets/alice/screening']);
    expect(l.replyTo).toMatchObject({ channel: C, messageTs: '1700000202.000100', unfurlId: 'unf-1700000202.000100' });
    await settle();
    expect(r.inbox.events.filter((e) => e.kind === 'link.shared')).toHaveLength(1);
  });
});
