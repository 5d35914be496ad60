/**
 * The Discord adapter's edges, with the real discord.js Client against the fake: autocomplete
 * within Discord's 3 s, commands in threads, a reply whose visibility differs from the
 * deferral, stale command shapes, what is ignored inbound, and recovery from a deleted webhook.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type AutocompleteLookup, type DiscordAdapter } from '../../src/adapters/discord/index.ts';
import { textReply } from '../../src/chat/reply.ts';
import { RecordingInbox, waitUntil } from '../contract/adapter.contract.ts';
import { startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.ts';

let fake: FakeDiscord;
let adapter: DiscordAdapter;
let inbox: RecordingInbox;
const lookups: { kind: string; query: string; channel: unknown }[] = [];
let lookup: AutocompleteLookup = async () => [];

async function start(opts: { relayBots?: boolean } = {}) {
  adapter = createDiscordAdapter({
    token: 'fake.bot.token',
    apiUrl: `${fake.apiUrl}/v10/`,
    restOptions: { retries: 0, timeout: 5_000 },
    waitGuildTimeout: 1_000,
    autocomplete: (kind, query, channel) => {
      lookups.push({ kind, query, channel });
      return lookup(kind, query, channel);
    },
    ...opts,
  });
  inbox = new RecordingInbox();
  await adapter.start(inbox);
}

beforeEach(async () => {
  fake = await startFakeDiscord();
  lookups.length = 0;
  lookup = async () => [];
});
afterEach(async () => {
  await adapter?.stop();
  await fake.close();
});

const focused = (name: string, value: string) => ({ type: 3, name, value, focused: true });
const answerOf = (token: string) => fake.autocompleteAnswers.find((a) => a.token === token);

describe('autocomplete', () => {
  it('answers a dataset option from the lookup, in the channel scope, within Discord limits', async () => {
    await start();
    lookup = async () => Array.from({ length: 30 }, (_, i) => ({ name: `${'n'.repeat(120)}${i}`, value: `ds-${i}` }));
    const { token } = fake.autocomplete('ouro', [{ type: 1, name: 'query', options: [focused('dataset', 'scr')] }]);
    await waitUntil(
      () => !!answerOf(token),
      3_000,
      () => 'an autocomplete answer',
    );
    expect(lookups).toEqual([{ kind: 'dataset', query: 'scr', channel: { platform: 'discord', workspace: fake.ids.guild, channel: fake.ids.channel } }]);
    const choices = answerOf(token)!.choices as { name: string; value: string }[];
    expect(choices).toHaveLength(25);
    expect(choices[0]!.name).toHaveLength(100);
    expect(choices[0]!.value).toBe('ds-0');
  });

  it('asks for quests on a quest option inside a group', async () => {
    await start();
    lookup = async () => [{ name: 'Measure Curie temperatures', value: 'q-1' }];
    const { token } = fake.autocomplete('ouro', [{ type: 2, name: 'quest', options: [{ type: 1, name: 'show', options: [focused('quest', 'cur')] }] }]);
    await waitUntil(() => !!answerOf(token), 3_000);
    expect(lookups[0]).toMatchObject({ kind: 'quest', query: 'cur' });
    expect(answerOf(token)!.choices).toEqual([{ name: 'Measure Curie temperatures', value: 'q-1' }]);
  });

  it('answers no choices, still within 3 s, when the lookup is too slow or fails', async () => {
    await start();
    lookup = () => new Promise((r) => setTimeout(() => r([{ name: 'late', value: 'late' }]), 5_000).unref());
    const started = Date.now();
    const slow = fake.autocomplete('ouro', [{ type: 1, name: 'query', options: [focused('dataset', 'x')] }]);
    await waitUntil(
      () => !!answerOf(slow.token),
      3_000,
      () => 'an answer before Discord gives up',
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(answerOf(slow.token)!.choices).toEqual([]);
    lookup = async () => {
      throw new Error('Ouro is down');
    };
    const failing = fake.autocomplete('ouro', [{ type: 1, name: 'query', options: [focused('dataset', 'x')] }]);
    await waitUntil(() => !!answerOf(failing.token), 3_000);
    expect(answerOf(failing.token)!.choices).toEqual([]);
  });
});

describe('commands and replies', () => {
  it('a command typed in a thread carries the thread, with the parent as channel', async () => {
    await start();
    const root = fake.userMessage('root');
    fake.startThread(root.id);
    await inbox.waitFor('message.posted', (m) => m.messageId === root.id);
    fake.chatInput('ouro', [{ type: 2, name: 'mirror', options: [{ type: 1, name: 'status', options: [] }] }], { channelId: root.id });
    const cmd = await inbox.waitFor('command.invoked');
    expect(cmd.text).toBe('mirror status');
    expect(cmd.ref).toEqual({ platform: 'discord', workspace: fake.ids.guild, channel: fake.ids.channel, thread: root.id });
    expect(cmd.invoker).toMatchObject({ id: fake.user.id, name: 'Ada Lovelace', isPlatformAdmin: false });
  });

  it('a public deferral answered privately: an ephemeral follow-up, and the placeholder deleted', async () => {
    await start();
    const { token } = fake.chatInput('ouro', [{ type: 1, name: 'watches', options: [] }]);
    const cmd = await inbox.waitFor('command.invoked');
    expect(cmd.replyTo).toMatchObject({ platform: 'discord', token, applicationId: fake.ids.app, deferred: 'public' });
    await adapter.reply(cmd.replyTo, textReply('only you see this'), 'invoker');
    const base = `/webhooks/${fake.ids.app}/${token}`;
    const follow = fake.calls.find((c) => c.method === 'POST' && c.path === base)!;
    expect(follow.body).toMatchObject({ content: 'only you see this', flags: 64, allowed_mentions: { parse: [] } });
    expect(follow.auth).toBeUndefined();
    expect(fake.calls.some((c) => c.method === 'DELETE' && c.path === `${base}/messages/@original`)).toBe(true);
    expect(fake.calls.some((c) => c.method === 'PATCH' && c.path === `${base}/messages/@original`)).toBe(false);
  });

  it('a reply target from before a restart still works: only the token and application id are needed', async () => {
    await start();
    const target = { platform: 'discord' as const, interactionId: '1', token: 'itoken-old', applicationId: fake.ids.app, deferred: 'public' };
    await adapter.reply(target, textReply('late answer'), 'public');
    expect(fake.calls.find((c) => c.path === `/webhooks/${fake.ids.app}/itoken-old/messages/@original`)?.body.content).toBe('late answer');
    await expect(adapter.reply({ platform: 'discord' }, textReply('x'), 'public')).rejects.toThrow('not a Discord reply target');
  });

  it('a command with a stale shape is answered with a hint to re-register, privately', async () => {
    await start();
    const { id, token } = fake.chatInput('ouro', [{ type: 1, name: 'frobnicate', options: [] }]);
    const cb = await fake.waitForCall((c) => c.path === `/interactions/${id}/${token}/callback`);
    expect(cb.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(cb.body.data.content).toContain('register-commands');
    expect(inbox.events.filter((e) => e.kind === 'command.invoked')).toEqual([]);
  });

  it('an interaction replayed by the gateway runs once (Discord refuses its second acknowledgement)', async () => {
    await start();
    const { id, token, payload } = fake.chatInput('ouro', [{ type: 1, name: 'watches', options: [] }]);
    await inbox.waitFor('command.invoked');
    fake.dispatch('INTERACTION_CREATE', payload);
    await waitUntil(() => fake.calls.filter((c) => c.path === `/interactions/${id}/${token}/callback`).length === 2, 3_000);
    const sentinel = fake.userMessage('sentinel');
    await inbox.waitFor('message.posted', (m) => m.messageId === sentinel.id);
    expect(fake.calls.filter((c) => c.path === `/interactions/${id}/${token}/callback`).map((c) => c.status)).toEqual([204, 400]);
    expect(inbox.events.filter((e) => e.kind === 'command.invoked')).toHaveLength(1);
  });

  it('Manage Server in the member permissions makes the invoker a platform admin', async () => {
    await start();
    fake.chatInput('ouro-admin', [{ type: 1, name: 'unlink', options: [] }], { permissions: String(1 << 5) });
    const cmd = await inbox.waitFor('command.invoked');
    expect(cmd.invoker.isPlatformAdmin).toBe(true);
    expect(cmd.replyTo).toMatchObject({ deferred: 'public' });
  });
});

describe('inbound filtering and conversion', () => {
  it('converts mentions with the names Discord sends, and ignores other bots, webhooks and system messages', async () => {
    await start();
    const m = fake.userMessage(`hi <@${fake.botUser.id}> and <#${fake.ids.channel}>`);
    const e = await inbox.waitFor('message.posted', (x) => x.messageId === m.id);
    expect(e.text).toBe('hi @ouro-bridge and #lab');
    const botMsg = fake.userMessage('from another bot');
    fake.dispatch('MESSAGE_CREATE', { ...botMsg, id: `${botMsg.id}1`, author: { ...botMsg.author, id: '77', bot: true } });
    fake.dispatch('MESSAGE_CREATE', { ...botMsg, id: `${botMsg.id}2`, webhook_id: '88', author: { ...botMsg.author, id: '88', bot: true } });
    fake.dispatch('MESSAGE_CREATE', { ...botMsg, id: `${botMsg.id}3`, type: 6 }); // a pin notice
    const sentinel = fake.userMessage('sentinel');
    await inbox.waitFor('message.posted', (x) => x.messageId === sentinel.id);
    expect(inbox.events.map((x) => ('messageId' in x ? x.messageId : ''))).not.toContain(`${botMsg.id}1`);
    expect(inbox.events.map((x) => ('messageId' in x ? x.messageId : ''))).not.toContain(`${botMsg.id}2`);
    expect(inbox.events.map((x) => ('messageId' in x ? x.messageId : ''))).not.toContain(`${botMsg.id}3`);
  });

  it('relays other bots when asked to, flagged as bots', async () => {
    await start({ relayBots: true });
    const base = fake.userMessage('base');
    fake.dispatch('MESSAGE_CREATE', { ...base, id: `${base.id}1`, content: 'ci passed', author: { ...base.author, id: '77', username: 'ci', bot: true } });
    const e = await inbox.waitFor('message.posted', (x) => x.messageId === `${base.id}1`);
    expect(e.author).toMatchObject({ id: '77', isBot: true });
  });

  it('an update without edited_timestamp (a link preview) is not an edit', async () => {
    await start();
    const m = fake.userMessage('see https://ouro.foundation');
    await inbox.waitFor('message.posted', (x) => x.messageId === m.id);
    fake.dispatch('MESSAGE_UPDATE', { ...m, embeds: [{ url: 'https://ouro.foundation', title: 'Ouro' }] });
    fake.editUserMessage(m.id, 'see https://ouro.foundation (edited)');
    const edited = await inbox.waitFor('message.edited', (x) => x.messageId === m.id);
    expect(edited.text).toContain('(edited)');
    expect(inbox.events.filter((x) => x.kind === 'message.edited')).toHaveLength(1);
  });

  it('reports the delete of a message it never saw (not cached)', async () => {
    await start();
    fake.dispatch('MESSAGE_DELETE', { id: '424242', channel_id: fake.ids.channel, guild_id: fake.ids.guild });
    const d = await inbox.waitFor('message.deleted', (x) => x.messageId === '424242');
    expect(d).toMatchObject({ key: '424242:delete', ref: { channel: fake.ids.channel, workspace: fake.ids.guild } });
  });
});

describe('outbound recovery', () => {
  it('recreates the channel webhook when someone deleted it', async () => {
    await start();
    const ref = { platform: 'discord' as const, workspace: fake.ids.guild, channel: fake.ids.channel };
    await adapter.post(ref, { text: 'first', author: { name: 'Alice' } });
    fake.webhooks.clear();
    const second = await adapter.post(ref, { text: 'second', author: { name: 'Alice' } });
    expect(fake.messages.get(second.messageId)).toMatchObject({ content: 'second', author: { username: 'Alice' } });
    expect(fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${fake.ids.channel}/webhooks`)).toHaveLength(2);
  });

  it('edits a relayed message after a restart by falling back to the webhook', async () => {
    await start();
    const ref = { platform: 'discord' as const, workspace: fake.ids.guild, channel: fake.ids.channel };
    const posted = await adapter.post(ref, { text: 'v1', author: { name: 'Alice' } });
    await adapter.stop();
    await start(); // a new adapter knows nothing of how v1 was sent
    await adapter.edit(ref, posted.messageId, { text: 'v2' });
    expect(fake.messages.get(posted.messageId)?.content).toBe('v2');
    const patches = fake.calls.filter((c) => c.method === 'PATCH').map((c) => c.status);
    expect(patches).toEqual([403, 200]); // the bot may not edit it; its webhook may
  });

  it('splits a long relayed message into messages of at most 2,000 characters', async () => {
    await start();
    const ref = { platform: 'discord' as const, workspace: fake.ids.guild, channel: fake.ids.channel };
    const text = Array.from({ length: 100 }, (_, i) => `paragraph ${i} ${'z'.repeat(40)}`).join('\n');
    await adapter.post(ref, { text, author: { name: 'Alice' } });
    const posts = fake.received().filter((r) => r.op === 'post');
    expect(posts.length).toBeGreaterThan(1);
    for (const p of posts) expect(p.text!.length).toBeLessThanOrEqual(2000);
    expect(posts.map((p) => p.text).join('\n')).toBe(text);
  });

  it('without Manage Webhooks, relays as the bot with the author name in the text', async () => {
    await start();
    fake.botCan.manageWebhooks = false;
    const ref = { platform: 'discord' as const, workspace: fake.ids.guild, channel: fake.ids.channel };
    const posted = await adapter.post(ref, { text: 'hello from Ouro', author: { name: 'Alice' } });
    expect(fake.messages.get(posted.messageId)).toMatchObject({ content: '**Alice**: hello from Ouro', author: { id: fake.botUser.id } });
    await adapter.post(ref, { text: 'again', author: { name: 'Alice' } });
    expect(fake.calls.filter((c) => c.path.endsWith('/webhooks'))).toHaveLength(1); // asked once, then remembered
  });

  it('uploads a file into a thread as the bot', async () => {
    await start();
    const root = fake.userMessage('root for a file');
    await adapter.uploadFile!(
      { platform: 'discord', workspace: fake.ids.guild, channel: fake.ids.channel, thread: root.id },
      { name: 'r.csv', mime: 'text/csv', content: 'a,b\r\n1,2\r\n', title: 'Results' },
    );
    const call = fake.calls.find((c) => c.method === 'POST' && c.path === `/channels/${root.id}/messages`)!;
    expect(call.body.content).toBe('Results');
    expect(call.files).toEqual([{ name: 'r.csv', contentType: 'text/csv', text: 'a,b\r\n1,2\r\n' }]);
  });

  it('reports its connection and the channel name', async () => {
    await start();
    expect(adapter.health()).toEqual({ connected: true });
    expect(await adapter.channelName!({ platform: 'discord', workspace: fake.ids.guild, channel: fake.ids.channel })).toBe('lab');
    await adapter.stop();
    expect(adapter.health().connected).toBe(false);
  });
});
