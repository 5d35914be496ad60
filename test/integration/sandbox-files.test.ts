/**
 * Files and posts with embedded assets: the real Ouro client against the sandbox. Bytes go
 * up as base64 in a streamed JSON body (from memory and from a file on disk), come back
 * through the data URL equal (sha256), an over-limit body gets a 413, and a post made from
 * Markdown embeds the file and can be updated in place.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOuroClient, FileTooLargeError, OuroError, type OuroClient } from '../../src/ouro/index.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const LIMIT = 2_000_000;
let sandbox: Sandbox;
let ouro: OuroClient;
const dir = mkdtempSync(join(tmpdir(), 'sandbox-files-'));

beforeAll(async () => {
  sandbox = await startSandbox({ uploadLimitBytes: LIMIT });
  ouro = createOuroClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey });
});
afterAll(async () => {
  await ouro.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('files', () => {
  it('uploads bytes, makes the asset, and serves the same bytes back', async () => {
    const csv = Buffer.from('a,b\n1,2\n3,4\n');
    const up = await ouro.files.upload({ source: { bytes: csv }, name: 'results.csv', mime: 'text/csv', visibility: 'organization' });
    const file = await ouro.files.createAsset({ uploadId: up.id, name: 'results.csv', visibility: 'organization' });
    expect(file.id).toBe(up.id);
    expect(file.metadata).toMatchObject({ type: 'text/csv', extension: 'csv', size: csv.length });
    expect(sha(await ouro.files.read(file.id, 1_000_000))).toBe(sha(csv));
    expect((await ouro.files.get(file.id)).name).toBe('results.csv');
  });

  it('streams a file from disk of every length modulo 3', async () => {
    for (const n of [1_000_000, 1_000_001, 1_000_002]) {
      const bytes = randomBytes(n);
      const path = join(dir, `f${n}.bin`);
      writeFileSync(path, bytes);
      const up = await ouro.files.upload({ source: { path, size: n }, name: 'blob.bin', mime: 'application/octet-stream' });
      await ouro.files.createAsset({ uploadId: up.id, name: 'blob.bin' });
      expect(sha(await ouro.files.read(up.id, 2_000_000))).toBe(sha(bytes));
    }
  });

  it('answers a body over the limit with 413, and a read past maxBytes is refused', async () => {
    const big = randomBytes(Math.ceil((LIMIT * 3) / 4) + 10);
    const err = await ouro.files.upload({ source: { bytes: big }, name: 'big.bin', mime: 'application/octet-stream' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OuroError);
    expect((err as OuroError).status).toBe(413);
    const up = await ouro.files.upload({ source: { bytes: randomBytes(5000) }, name: 'x.bin', mime: 'application/octet-stream' });
    await ouro.files.createAsset({ uploadId: up.id, name: 'x.bin' });
    await expect(ouro.files.read(up.id, 4000)).rejects.toBeInstanceOf(FileTooLargeError);
  });

  it('refuses a second asset for one upload (409), the private data URL needs its token', async () => {
    const up = await ouro.files.upload({ source: { bytes: Buffer.from('x') }, name: 'x.txt', mime: 'text/plain' });
    await ouro.files.createAsset({ uploadId: up.id, name: 'x.txt' });
    await expect(ouro.files.createAsset({ uploadId: up.id, name: 'x.txt' })).rejects.toMatchObject({ status: 409 });
    const res = await fetch(`${sandbox.url}/_sandbox/storage/files/${up.path}`);
    expect(res.status).toBe(400);
  });
});

describe('posts with embedded assets', () => {
  it('creates from Markdown with an asset embed, then updates the same post', async () => {
    const up = await ouro.files.upload({ source: { bytes: Buffer.from('png?') }, name: 'plot.png', mime: 'image/png' });
    await ouro.files.createAsset({ uploadId: up.id, name: 'plot.png' });
    const embed = `\`\`\`assetComponent\n${JSON.stringify({ id: up.id, assetType: 'file', viewMode: 'preview' })}\n\`\`\``;
    const post = await ouro.posts.createFromMarkdown({ name: 'Thread', markdown: `# Hi\n\n${embed}\n` });
    const stored = sandbox.state.posts.find((p) => p.id === post.id)!;
    expect(stored.content.json.content).toContainEqual({ type: 'assetComponent', attrs: { id: up.id, assetType: 'file', viewMode: 'preview' } });
    const updated = await ouro.posts.update(post.id, { name: 'Thread v2', markdown: 'new body' });
    expect(updated.id).toBe(post.id);
    expect(sandbox.state.posts.filter((p) => p.id === post.id)).toHaveLength(1);
    expect(stored.name).toBe('Thread v2');
    expect(stored.content.text).toBe('new body');
  });
});
