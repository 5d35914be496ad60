/**
 * Files between Discord and Ouro, end to end: the real discord.js Client and the whole
 * runtime against the Discord fake (attachments served from its CDN path) and the sandbox.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startMirroringDiscordApp, type DiscordApp } from '../helpers/discord-app.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
let h: DiscordApp;
beforeAll(async () => {
  h = await startMirroringDiscordApp();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const messagesOf = (conversationId: string) => h.sandbox.state.messages.filter((m) => m.conversation_id === conversationId);
const files = () => h.sandbox.state.files ?? [];

describe('Discord attachments → Ouro', () => {
  it('uploads an attachment as a file asset with equal bytes, embedded in the mirrored message', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(30_000)]);
    const root = h.fake.userMessage('plots thread');
    h.fake.userMessage('the loss curve', { thread: root.id, files: [{ name: 'loss.png', bytes: png, contentType: 'image/png' }] });
    let conversationId = '';
    await eventually(async () => {
      const link = await h.app.store.getThreadLink({ platform: 'discord', workspace: h.fake.ids.guild, channel: h.fake.ids.channel, thread: root.id });
      conversationId = link!.conversationId;
      expect(messagesOf(conversationId)).toHaveLength(2);
    }, 10_000);
    expect(files()).toHaveLength(1);
    const asset = files()[0]!;
    expect(asset).toMatchObject({ name: 'loss.png', metadata: { type: 'image/png', size: png.length } });
    const client = (await import('../../src/ouro/index.ts')).createOuroClient({ baseUrl: h.sandbox.url, apiKey: h.sandbox.apiKey });
    try {
      expect(sha(await client.files.read(asset.id, 10_000_000))).toBe(sha(png));
    } finally {
      await client.close();
    }
    const msg = messagesOf(conversationId)[1]!;
    expect(msg.text).toContain('the loss curve');
    const embeds = (msg.json as { content: { type: string; attrs?: { id?: string } }[] }).content.filter((n) => n.type === 'assetComponent');
    expect(embeds.map((n) => n.attrs?.id)).toEqual([asset.id]);
    expect(h.fake.cdnGets).toHaveLength(1);
  });
});
