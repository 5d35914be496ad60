/**
 * Files from Slack to Ouro, end to end: the real bolt App (our adapter) against the Slack
 * fake, which serves `url_private_download` to the bot token only; the real core and Ouro
 * client against the sandbox. Shared files become Ouro file assets with equal bytes
 * (sha256), embedded in the mirrored message; what cannot be carried becomes a worded link.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS } from '../../src/sandbox/index.ts';
import { TEAM } from '../helpers/fake-slack.ts';
import { startSlackStack, type SlackStack, linkToLab } from '../helpers/slack-stack.ts';
import { eventually } from '../helpers/eventually.ts';

const C = 'C0FILES';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(40_000)]);
const CSV = Buffer.from('sample,mae_ev\nA,0.12\nB,0.31\n');
let s: SlackStack;

beforeAll(async () => {
  s = await startSlackStack({ sandbox: { seed: 'demo' }, clientOptions: { retries: 0 } });
  await linkToLab(s.store, C, 'threads');
});
afterAll(async () => {
  await s?.close();
});

const conversationOf = async (thread: string) => (await s.store.getThreadLink({ platform: 'slack', workspace: TEAM, channel: C, thread }))?.conversationId;
const messagesOf = (conversationId: string | undefined) => s.sandbox.state.messages.filter((m) => m.conversation_id === conversationId);
const files = () => s.sandbox.state.files ?? [];

async function readBack(assetId: string): Promise<Buffer> {
  return Buffer.from(await s.ouro.files.read(assetId, 100_000_000));
}

describe('Slack files → Ouro', () => {
  it('uploads a CSV and a PNG as file assets with equal bytes, embedded beside the text', async () => {
    const root = await s.fake.userPosts('results thread', { channel: C });
    const csv = s.fake.files.host('results.csv', CSV, 'text/csv');
    const png = s.fake.files.host('plot.png', PNG, 'image/png');
    await s.fake.userPosts('here are the numbers', { channel: C, thread_ts: root.ts, subtype: 'file_share', files: [csv, png] });
    let conv: string | undefined;
    await eventually(async () => {
      conv = await conversationOf(root.ts);
      expect(messagesOf(conv)).toHaveLength(2);
    });
    expect(files()).toHaveLength(2);
    const [a, b] = files();
    expect(sha(await readBack(a!.id))).toBe(sha(CSV));
    expect(sha(await readBack(b!.id))).toBe(sha(PNG));
    expect(a).toMatchObject({ name: 'results.csv', org_id: SEED_IDS.orgLab, visibility: 'private', metadata: { type: 'text/csv', size: CSV.length } });
    expect(b!.metadata).toMatchObject({ type: 'image/png', size: PNG.length });
    const msg = messagesOf(conv)[1]!;
    expect(msg.text.startsWith('**Ada Lovelace** (Slack): here are the numbers')).toBe(true);
    const embeds = (msg.json as { content: { type: string; attrs?: { id?: string } }[] }).content.filter((n) => n.type === 'assetComponent');
    expect(embeds.map((n) => n.attrs?.id)).toEqual([a!.id, b!.id]);
    // Downloaded with the bot token, each once.
    expect(s.fake.files.downloads.map((d) => d.token)).toEqual(['xoxb-stack', 'xoxb-stack']);
  });

  it('makes a message of a file-only post, and an edit that removes a file keeps the asset', async () => {
    const root = await s.fake.userPosts('file-only thread', { channel: C });
    const one = s.fake.files.host('one.txt', Buffer.from('first'), 'text/plain');
    const two = s.fake.files.host('two.txt', Buffer.from('second'), 'text/plain');
    const before = files().length;
    const post = await s.fake.userPosts('', { channel: C, thread_ts: root.ts, subtype: 'file_share', files: [one, two] });
    let conv: string | undefined;
    await eventually(async () => {
      conv = await conversationOf(root.ts);
      expect(messagesOf(conv)).toHaveLength(2);
    });
    expect(files().length).toBe(before + 2);
    const ids = files()
      .slice(before)
      .map((f) => f.id);
    await s.fake.userEdits(C, post.ts, '', [two]);
    await eventually(() => expect(messagesOf(conv)[1]!.text).toContain('(Slack, edited)'));
    const text = messagesOf(conv)[1]!.text;
    expect(text).not.toContain(ids[0]);
    expect(text).toContain(ids[1]);
    // Nothing uploaded again; the removed file's asset stays on Ouro.
    expect(files().length).toBe(before + 2);
  });

  it('mirrors a 30 MB file as a worded link with its size; no job is dead', async () => {
    const root = await s.fake.userPosts('big file thread', { channel: C });
    const big = s.fake.files.host('scan.tif', Buffer.alloc(30_000_000, 7), 'image/tiff');
    // The same file again without its size: the download stops at the limit.
    const unsized = { ...s.fake.files.host('scan2.tif', Buffer.alloc(30_000_000, 8), 'image/tiff'), size: undefined };
    const before = files().length;
    const downloads = s.fake.files.downloads.length;
    await s.fake.userPosts('the raw scan', { channel: C, thread_ts: root.ts, subtype: 'file_share', files: [big, unsized] });
    let conv: string | undefined;
    await eventually(async () => {
      conv = await conversationOf(root.ts);
      expect(messagesOf(conv)).toHaveLength(2);
    }, 20_000);
    const text = messagesOf(conv)[1]!.text;
    expect(text).toContain('📎 [scan.tif](https://lab.slack.com/files/U0ADA/');
    expect(text).toContain('(30.0 MB; over the 25.0 MB limit, not copied to Ouro)');
    expect(text).toContain('📎 [scan2.tif](');
    expect(files().length).toBe(before);
    // Only the unsized one was fetched at all.
    expect(s.fake.files.downloads.length - downloads).toBe(1);
    await s.bridge.drain();
    expect((await s.store.countJobs()).dead).toBe(0);
  });

  it('a download failing now and then is tried again; one failing for good becomes a link, the job done', async () => {
    const root = await s.fake.userPosts('flaky host thread', { channel: C });
    const before = files().length;
    s.fake.files.failDownloads = 2;
    await s.fake.userPosts('flaky', { channel: C, thread_ts: root.ts, subtype: 'file_share', files: [s.fake.files.host('flaky.csv', CSV, 'text/csv')] });
    let conv: string | undefined;
    await eventually(async () => {
      conv = await conversationOf(root.ts);
      expect(messagesOf(conv)).toHaveLength(2);
    });
    expect(files().length).toBe(before + 1);
    expect(messagesOf(conv)[1]!.text).toContain(files().at(-1)!.id);

    s.fake.files.failDownloads = 100;
    try {
      await s.fake.userPosts('broken', { channel: C, thread_ts: root.ts, subtype: 'file_share', files: [s.fake.files.host('broken.csv', CSV, 'text/csv')] });
      await eventually(() => expect(messagesOf(conv)).toHaveLength(3), 15_000);
      expect(messagesOf(conv)[2]!.text).toContain('📎 [broken.csv](https://lab.slack.com/files/U0ADA/');
      expect(messagesOf(conv)[2]!.text).toContain('download failed, not copied to Ouro');
      expect(100 - s.fake.files.failDownloads).toBe(4);
      await s.bridge.drain();
      expect((await s.store.countJobs()).dead).toBe(0);
    } finally {
      s.fake.files.failDownloads = 0;
    }
  });

  it('without files:read (Slack answers its sign-in page) the file is a link and the job completes', async () => {
    const root = await s.fake.userPosts('no scope thread', { channel: C });
    const f = s.fake.files.host('secret.csv', CSV, 'text/csv');
    s.fake.files.botToken = 'xoxb-someone-else';
    try {
      await s.fake.userPosts('see attached', { channel: C, thread_ts: root.ts, subtype: 'file_share', files: [f] });
      let conv: string | undefined;
      await eventually(async () => {
        conv = await conversationOf(root.ts);
        expect(messagesOf(conv)).toHaveLength(2);
      });
      expect(messagesOf(conv)[1]!.text).toContain('📎 [secret.csv](https://lab.slack.com/files/U0ADA/');
      expect(messagesOf(conv)[1]!.text).toContain('download failed, not copied to Ouro');
    } finally {
      s.fake.files.botToken = 'xoxb-stack';
    }
  });
});

describe('Ouro files → Slack', () => {
  it('an image embedded in a message written on Ouro is uploaded into the thread with equal bytes, beside a named link', async () => {
    const root = await s.fake.userPosts('thread for an Ouro image', { channel: C });
    await s.fake.userPosts('waiting for the fit', { channel: C, thread_ts: root.ts });
    let conv: string | undefined;
    await eventually(async () => {
      conv = await conversationOf(root.ts);
      expect(messagesOf(conv)).toHaveLength(2);
    });
    const { createOuroClient } = await import('../../src/ouro/index.ts');
    const alice = createOuroClient({ baseUrl: s.sandbox.url, apiKey: s.sandbox.userApiKeys.alice! });
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(50_000)]);
    try {
      const up = await alice.files.upload({ source: { bytes: png }, name: 'fit.png', mime: 'image/png', visibility: 'organization' });
      await alice.files.createAsset({ uploadId: up.id, name: 'fit.png', visibility: 'organization', orgId: SEED_IDS.orgLab });
      const embed = `\`\`\`assetComponent\n${JSON.stringify({ id: up.id, assetType: 'file', viewMode: 'preview' })}\n\`\`\``;
      const uploadsBefore = s.fake.uploads.length;
      await s.sandbox.postAs('alice', conv!, `The fit:\n\n${embed}`);
      await eventually(() => expect(s.fake.uploads.length).toBe(uploadsBefore + 1));
      const upload = s.fake.uploads.at(-1)!;
      expect(sha(upload.bytes)).toBe(sha(png));
      await eventually(() => expect(s.fake.callsOf('files.completeUploadExternal').at(-1)?.args.files?.[0]?.id).toBe(upload.fileId));
      const complete = s.fake.callsOf('files.completeUploadExternal').at(-1)!;
      expect(complete.args).toMatchObject({ channel_id: C, thread_ts: root.ts, files: [{ id: upload.fileId, title: 'fit.png' }] });
      const post = s.fake
        .callsOf('chat.postMessage')
        .filter((c) => c.args.thread_ts === root.ts)
        .at(-1)!;
      expect(post.args.text).toContain('The fit:');
      expect(post.args.text).toMatch(/📎 <https:\/\/ouro\.foundation\/files\/alice\/fit-png\|fit\.png> \(50\.\d kB\)/);
      expect(post.args.text).not.toContain('assetComponent');
    } finally {
      await alice.close();
    }
  });
});
