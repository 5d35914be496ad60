/**
 * Catch-up on Discord end to end: the real runtime and discord.js Client against the Discord
 * fake and the Ouro sandbox. Messages written into a mirrored thread while no gateway
 * session listened (stored in the fake, never dispatched) reach the Ouro conversation once,
 * in order, when the gateway session is invalidated and the client IDENTIFYs again (a new
 * READY). A RESUME reads nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startMirroringDiscordApp, type DiscordApp } from '../helpers/discord-app.ts';
import type { FakeMessage } from '../helpers/fake-discord.ts';
import { sleep } from '../helpers/eventually.ts';

let h: DiscordApp;
let root: FakeMessage;
let conversationId = '';
const texts = () => h.sandbox.state.messages.filter((m) => m.conversation_id === conversationId).map((m) => m.text);
const historyReads = (channelId: string) => h.fake.calls.filter((c) => c.method === 'GET' && c.path === `/channels/${channelId}/messages` && c.query.after);

beforeAll(async () => {
  h = await startMirroringDiscordApp();
  root = h.fake.userMessage('Which cutoff did run 12 use?');
  h.fake.userMessage('520 eV, I believe', { thread: root.id });
  await eventually(async () => {
    const link = await h.app.store.getThreadLink({ platform: 'discord', workspace: h.fake.ids.guild, channel: h.fake.ids.channel, thread: root.id });
    expect(link).toBeDefined();
    conversationId = link!.conversationId;
    expect(texts()).toHaveLength(2);
  }, 15_000);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('discord catch-up after a new gateway session', () => {
  it('messages written while no session listened arrive once, in order; a live one is not doubled; bots are not relayed', async () => {
    const live = h.fake.userMessage('seen live before the session ended', { thread: root.id });
    await eventually(() => expect(texts().some((t) => t.includes('seen live'))).toBe(true), 10_000);
    // An Ouro message relayed into the thread (through our webhook): its echo must not come back.
    await h.sandbox.postAs('alice', conversationId, 'relayed from Ouro');
    await eventually(() => expect(h.fake.received().some((r) => r.op === 'post' && r.text === 'relayed from Ouro')).toBe(true), 10_000);

    const missed1 = h.fake.userMessage('missed one: cutoff was 600 eV', { thread: root.id, away: true });
    const otherBot = h.fake.userMessage('a bot said this', { thread: root.id, away: true });
    otherBot.author = { id: '999', username: 'some-bot', bot: true, discriminator: '0', avatar: null };
    const missed2 = h.fake.userMessage('missed two: and **k-points** 8x8x8', { thread: root.id, away: true });
    const identifies = h.fake.gateway.identifies;
    const readsBefore = historyReads(root.id).length;

    h.fake.invalidateSession();
    await eventually(() => expect(h.fake.gateway.identifies).toBe(identifies + 1), 20_000);
    await eventually(() => expect(texts().filter((t) => t.includes('missed two'))).toHaveLength(1), 20_000);
    await h.app.bridge.drain(5_000);

    const all = texts();
    expect(all.filter((t) => t.includes('missed one'))).toHaveLength(1);
    expect(all.filter((t) => t.includes('seen live'))).toHaveLength(1);
    expect(all.filter((t) => t.includes('relayed from Ouro'))).toHaveLength(1); // Ouro's own, not echoed back
    expect(all.some((t) => t.includes('a bot said this'))).toBe(false);
    expect(all.findIndex((t) => t.includes('missed one'))).toBeLessThan(all.findIndex((t) => t.includes('missed two')));
    expect(all.at(-1)).toContain('**k-points**');
    expect(all.at(-1)).toContain('Ada Lovelace');
    // Read forward from a message id, at most 100 a page.
    const reads = historyReads(root.id).slice(readsBefore);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads[0]!.query.limit).toBe('100');
    expect(BigInt(reads[0]!.query.after!)).toBeLessThan(BigInt(missed1.id));
    expect(live.id < missed2.id).toBe(true);
    const again = await h.app.bridge.catchUp('discord');
    expect(again).toMatchObject({ places: 1, failed: 0, recorded: 0 });
    expect(again!.found).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('reads forward in pages of 100 and stops at 200 messages per place, the oldest first', async () => {
    const flood = Array.from({ length: 230 }, (_, i) => h.fake.userMessage(`flood ${String(i).padStart(3, '0')}`, { thread: root.id, away: true }));
    const before = historyReads(root.id).length;
    const report = await h.app.bridge.catchUp('discord');
    // Read from the thread's root (everything here was recorded within the last minute): the
    // thread's earlier messages count toward the 200 found; the flood's oldest fill the rest.
    expect(report).toMatchObject({ places: 1, failed: 0, found: 200 });
    const earlier = 200 - report!.recorded;
    expect(earlier).toBeGreaterThan(0);
    expect(earlier).toBeLessThan(10);
    await h.app.bridge.drain(20_000);
    const got = texts().filter((t) => t.includes('flood '));
    expect(got).toHaveLength(report!.recorded);
    expect(got[0]).toContain('flood 000');
    expect(got.at(-1)).toContain(`flood ${String(report!.recorded - 1).padStart(3, '0')}`);
    const pages = historyReads(root.id).slice(before);
    expect(pages.length).toBe(3);
    expect(pages.every((c) => c.query.limit === '100')).toBe(true);
    expect(flood).toHaveLength(230);
  }, 60_000);

  it('a RESUME reads no history: Discord replays what the session missed', async () => {
    const reads = h.fake.calls.filter((c) => c.method === 'GET' && /^\/channels\/\d+\/messages$/.test(c.path) && c.query.after).length;
    const resumes = h.fake.gateway.resumes;
    h.fake.reconnect();
    await eventually(() => expect(h.fake.gateway.resumes).toBe(resumes + 1), 10_000);
    const after = h.fake.userMessage('after the resume', { thread: root.id });
    await eventually(() => expect(texts().some((t) => t.includes('after the resume'))).toBe(true), 10_000);
    await sleep(500);
    expect(h.fake.calls.filter((c) => c.method === 'GET' && /^\/channels\/\d+\/messages$/.test(c.path) && c.query.after)).toHaveLength(reads);
    expect(after.id).toBeTruthy();
  }, 30_000);
});
