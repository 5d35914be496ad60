/**
 * What the Slack adapter sends out, real bolt App against the Slack fake: paced posts with
 * the Ouro author's name, 429 handling, replies within Block Kit limits through
 * response_url (and the fallbacks), files through the upload flow, edits, deletes, unfurls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapterOptions, type SlackReplyTarget } from '../../src/adapters/slack/index.ts';
import { textReply, type RichReply } from '../../src/chat/reply.ts';
import { createHttpServer } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import { RecordingInbox } from '../contract/adapter.contract.ts';
import { startFakeSlack, TEAM, type FakeSlack } from '../helpers/fake-slack.ts';

const SECRET = 'outbound-signing-secret';
const C = 'C0LAB';

interface Rig {
  fake: FakeSlack;
  adapter: ReturnType<typeof createSlackAdapter>;
  inbox: RecordingInbox;
  close(): Promise<void>;
}

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function start(_mode: 'http', extra: Partial<SlackAdapterOptions> = {}): Promise<Rig> {
  const fake = await startFakeSlack();
  const inbox = new RecordingInbox();
  const http = createHttpServer(silentLogger);
  const { url } = await http.listen(0, '127.0.0.1');
  const adapter = createSlackAdapter({
    botToken: 'xoxb-e2e',
    signingSecret: SECRET,
    http,
    apiUrl: fake.apiUrl,
    clientOptions: { retries: 0 },
    postIntervalMs: 10,
    ...extra,
  });
  await adapter.start(inbox);
  fake.deliverOverHttp(`${url}/slack/events`, SECRET);
  rig = { fake, adapter, inbox, close: async () => (await adapter.stop(), await http.close(), await fake.close()) };
  return rig;
}

const bigTable = (rows: number): RichReply => ({
  text: 'query result',
  blocks: [
    {
      type: 'table',
      caption: 'sales',
      table: {
        columns: [
          { name: 'id', align: 'right' },
          { name: 'name', align: 'left' },
        ],
        rows: Array.from({ length: rows }, (_v, i) => [String(i), `row number ${i}`]),
        totalRows: rows,
      },
    },
  ],
});

describe('Slack adapter: outbound', () => {
  it('posts with the author name and avatar, paced per channel, in order', async () => {
    const r = await start('http', { postIntervalMs: 200 });
    const ref = { platform: 'slack' as const, workspace: TEAM, channel: C, thread: '1700000300.000100' };
    await Promise.all(
      [1, 2, 3, 4].map((i) => r.adapter.post(ref, { text: `part ${i}`, author: { name: 'alice (Ouro)', avatarUrl: 'https://ouro.example/a.png' } })),
    );
    const posts = r.fake.callsOf('chat.postMessage');
    expect(posts.map((p) => p.args.text)).toEqual(['part 1', 'part 2', 'part 3', 'part 4']);
    expect(posts[0]!.args).toMatchObject({ channel: C, thread_ts: ref.thread, username: 'alice (Ouro)', icon_url: 'https://ouro.example/a.png' });
    const gaps = posts.slice(1).map((p, i) => p.at - posts[i]!.at);
    // Timers and loopback add jitter of a few ms; unpaced posts would be ~1 ms apart.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(150);
  });

  it('holds the channel for Retry-After on a 429 and delivers the burst complete and in order', async () => {
    const r = await start('http');
    r.fake.rateLimit('chat.postMessage', 1, 1);
    const ref = { platform: 'slack' as const, workspace: TEAM, channel: C };
    const t0 = Date.now();
    await Promise.all(['a', 'b', 'c'].map((t) => r.adapter.post(ref, { text: t })));
    const posts = r.fake.callsOf('chat.postMessage');
    expect(posts.map((p) => p.args.text)).toEqual(['a', 'a', 'b', 'c']);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('answers through response_url within Block Kit limits, and sends the overflow as a CSV file', async () => {
    const r = await start('http');
    const cmd = await r.fake.command('query sales');
    const e = await r.inbox.waitFor('command.invoked');
    await r.adapter.reply(e.replyTo, bigTable(400), 'public');
    const hook = r.fake.hooks.find((h) => h.id === cmd.responseUrl.split('/').pop())!;
    expect(hook.body.response_type).toBe('in_channel');
    const section = hook.body.blocks[0].text.text as string;
    expect(section.length).toBeLessThanOrEqual(3000);
    expect(section).toMatch(/showing \d+ of 400 rows/);
    expect(r.fake.callsOf('files.getUploadURLExternal')[0]!.args).toMatchObject({ filename: 'sales.csv' });
    expect(r.fake.uploads[0]!.bytes.toString('utf8').split('\r\n')).toHaveLength(402);
    expect(r.fake.callsOf('files.completeUploadExternal')[0]!.args).toMatchObject({
      channel_id: C,
      files: [{ id: r.fake.uploads[0]!.fileId, title: 'sales' }],
    });
  });

  it('keeps invoker-only answers private: ephemeral reply, file in a DM', async () => {
    const r = await start('http');
    await r.fake.command('query private', { user: 'U0BOB' });
    const e = await r.inbox.waitFor('command.invoked');
    await r.adapter.reply(e.replyTo, bigTable(400), 'invoker');
    expect(r.fake.hooks[0]!.body.response_type).toBe('ephemeral');
    expect(r.fake.callsOf('conversations.open')[0]!.args.users).toBe('U0BOB');
    expect(r.fake.callsOf('files.completeUploadExternal')[0]!.args.channel_id).toBe('D0BOB');
  });

  it('falls back to chat.postEphemeral / chat.postMessage when the response_url has expired', async () => {
    const r = await start('http');
    r.fake.expiredHooks = true;
    const target: SlackReplyTarget = { platform: 'slack', team: TEAM, channel: C, user: 'U0ADA', responseUrl: `${r.fake.url}/hooks/old` };
    await r.adapter.reply(target, textReply('just you'), 'invoker');
    await r.adapter.reply(target, textReply('everyone'), 'public');
    expect(r.fake.callsOf('chat.postEphemeral')[0]!.args).toMatchObject({ channel: C, user: 'U0ADA', text: 'just you' });
    expect(r.fake.callsOf('chat.postMessage')[0]!.args).toMatchObject({ channel: C, text: 'everyone' });
  });

  it('posts a rich card as blocks with a text fallback, buttons included', async () => {
    const r = await start('http');
    const ref = { platform: 'slack' as const, workspace: TEAM, channel: C };
    const card: RichReply = {
      text: 'New entry on **Measure Tc**',
      blocks: [
        { type: 'heading', text: 'New entry' },
        { type: 'fields', fields: [{ label: 'Item', value: '2. Measure Tc of MnBi' }] },
        {
          type: 'buttons',
          buttons: [
            { actionId: 'entry.accept', label: 'Accept', value: 'q:e', style: 'primary' },
            { actionId: 'entry.reject', label: 'Reject', value: 'q:e', style: 'danger' },
          ],
        },
      ],
    };
    await r.adapter.post(ref, { text: card.text, rich: card, author: { name: 'Ouro quests' } });
    const args = r.fake.callsOf('chat.postMessage')[0]!.args;
    expect(args.text).toBe('New entry on *Measure Tc*');
    expect(args.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section', 'actions']);
    expect(args.blocks[2].elements.map((e: { action_id: string; style: string }) => [e.action_id, e.style])).toEqual([
      ['entry.accept', 'primary'],
      ['entry.reject', 'danger'],
    ]);
  });

  it('edits and deletes, tolerating a message that is already gone', async () => {
    const r = await start('http');
    const ref = { platform: 'slack' as const, workspace: TEAM, channel: C };
    const { messageId } = await r.adapter.post(ref, { text: 'v1' });
    await r.adapter.edit(ref, messageId, { text: '**v2**' });
    expect(r.fake.callsOf('chat.update')[0]!.args).toMatchObject({ channel: C, ts: messageId, text: '*v2*' });
    await r.adapter.delete(ref, messageId);
    await r.adapter.delete(ref, messageId);
    expect(r.fake.callsOf('chat.delete')).toHaveLength(2);
    await expect(r.adapter.edit(ref, messageId, { text: 'v3' })).rejects.toThrow(/message_not_found/);
  });

  it('unfurls previews with chat.unfurl and names channels', async () => {
    const r = await start('http');
    const target: SlackReplyTarget = {
      platform: 'slack',
      team: TEAM,
      channel: C,
      user: 'U0ADA',
      messageTs: '1700000400.000100',
      unfurlId: 'unf-1',
      source: 'conversations_history',
    };
    await r.adapter.unfurl!(target, { 'https://ouro.foundation/datasets/a/b': bigTable(50) });
    const call = r.fake.callsOf('chat.unfurl')[0]!;
    expect(call.args).toMatchObject({ unfurl_id: 'unf-1', source: 'conversations_history' });
    const blocks = call.args.unfurls['https://ouro.foundation/datasets/a/b'].blocks;
    expect(JSON.stringify(blocks)).not.toContain('.csv');
    expect(r.fake.uploads).toEqual([]);
    expect(await r.adapter.channelName!({ platform: 'slack', workspace: TEAM, channel: C })).toBe('name-of-c0lab');
  });
});
