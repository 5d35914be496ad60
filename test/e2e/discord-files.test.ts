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

describe('Ouro files → Discord', () => {
  it('uploads an embedded image into the thread with equal bytes; a file over 10 MiB stays a link with its size', async () => {
    const root = h.fake.userMessage('waiting for figures');
    h.fake.userMessage('any news?', { thread: root.id });
    let conversationId = '';
    await eventually(async () => {
      const link = await h.app.store.getThreadLink({ platform: 'discord', workspace: h.fake.ids.guild, channel: h.fake.ids.channel, thread: root.id });
      conversationId = link!.conversationId;
      expect(messagesOf(conversationId)).toHaveLength(2);
    }, 10_000);
    const { createOuroClient } = await import('../../src/ouro/index.ts');
    const { SEED_IDS } = await import('../../src/sandbox/index.ts');
    const alice = createOuroClient({ baseUrl: h.sandbox.url, apiKey: h.sandbox.userApiKeys.alice! });
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(20_000)]);
    const big = randomBytes(11 * 1024 * 1024);
    try {
      const embed = async (bytes: Buffer, name: string, mime: string) => {
        const up = await alice.files.upload({ source: { bytes }, name, mime, visibility: 'organization' });
        await alice.files.createAsset({ uploadId: up.id, name, visibility: 'organization', orgId: SEED_IDS.orgLab });
        return `\`\`\`assetComponent\n${JSON.stringify({ id: up.id, assetType: 'file', viewMode: 'preview' })}\n\`\`\``;
      };
      const md = `Figures:\n\n${await embed(png, 'fig.png', 'image/png')}\n\n${await embed(big, 'raw.h5', 'application/x-hdf5')}`;
      await h.sandbox.postAs('alice', conversationId, md);
      const uploaded = () => h.fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${root.id}/messages` && c.files.length > 0);
      await eventually(() => expect(uploaded()).toHaveLength(1), 10_000);
      expect(uploaded()[0]!.files[0]!.name).toBe('fig.png');
      expect(sha(uploaded()[0]!.files[0]!.bytes)).toBe(sha(png));
      const post = h.fake.received().find((r) => r.op === 'post' && r.text?.includes('Figures:'))!;
      expect(post.text).toMatch(/📎 \[fig\.png\]\(<?https:\/\/ouro\.foundation\/files\/alice\/fig-png>?\) \(20\.\d kB\)/);
      expect(post.text).toMatch(/📎 \[raw\.h5\]\(<?https:\/\/ouro\.foundation\/files\/alice\/raw-h5>?\) \(11\.5 MB\)/);
      await new Promise((r) => setTimeout(r, 300));
      expect(uploaded()).toHaveLength(1);
    } finally {
      await alice.close();
    }
  });
});

describe('/ouro post on Discord', () => {
  it('saves the thread as a post, answering in the thread with a link; again: updated', async () => {
    const root = h.fake.userMessage('Phonon results');
    h.fake.userMessage('first reply', { thread: root.id });
    h.fake.userMessage('second reply', { thread: root.id });
    await eventually(async () => {
      const link = await h.app.store.getThreadLink({ platform: 'discord', workspace: h.fake.ids.guild, channel: h.fake.ids.channel, thread: root.id });
      expect(messagesOf(link!.conversationId)).toHaveLength(3);
    }, 10_000);
    const before = h.sandbox.state.posts.length;
    const answer = async () => {
      const { token } = h.command('post', { channelId: root.id });
      const call = await h.fake.waitForCall((c) => c.method === 'PATCH' && c.path === `/webhooks/${h.fake.ids.app}/${token}/messages/@original`, 10_000);
      return String(call.body?.content ?? JSON.stringify(call.body));
    };
    expect(await answer()).toMatch(/^Saved this thread as an Ouro post \(3 messages\): \[Phonon results\]\(<?https:\/\/ouro\.foundation\/posts\//);
    expect(h.sandbox.state.posts.length).toBe(before + 1);
    const post = h.sandbox.state.posts.at(-1)!;
    expect(post.content.text).toMatch(/Phonon results[\s\S]*first reply[\s\S]*second reply/);
    expect(await answer()).toMatch(/^Updated this thread as an Ouro post/);
    expect(h.sandbox.state.posts.length).toBe(before + 1);
  });
});
