/** Pure parts of files both ways and `/ouro post`: embeds found and replaced, link wording, post sections and titles. */
import { describe, expect, it } from 'vitest';
import { assetEmbed, ouroTextFor } from '../../src/bridge/author.ts';
import { embeddedAssets, withAssetLinks } from '../../src/bridge/files-to-chat.ts';
import { formatBytes } from '../../src/bridge/files-to-ouro.ts';
import { messageSection, titleOf } from '../../src/commands/post.ts';
import { docToMarkdown } from '../../src/ouro/convert/doc-to-markdown.ts';
import { markdownToDoc } from '../../src/ouro/index.ts';
import type { Doc } from '../../src/ouro/types.ts';

const ID = '01a24e06-8c2b-7bd2-9df0-237eb19c48f7';
const ID2 = '01a24e06-8c2b-7bd2-9df0-237eb19c48f8';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [25_000_000, '25.0 MB'],
    [30_000_000, '30.0 MB'],
  ])('%d → %s', (n, out) => expect(formatBytes(n)).toBe(out));
});

describe('the text a chat message with files becomes on Ouro', () => {
  it.each([
    ['an asset is an embed after the text', [{ name: 'a.csv', assetId: ID }], `**Ada** (Slack): hi\n\n${assetEmbed(ID)}`],
    [
      'a link names the file, its size and why',
      [{ name: 'big.tif', url: 'https://x/f', size: 30_000_000, note: 'over the 25.0 MB limit' }],
      '**Ada** (Slack): hi\n📎 [big.tif](https://x/f) (30.0 MB; over the 25.0 MB limit, not copied to Ouro)',
    ],
    ['a plain link stays as before', [{ name: 'n_1.txt', url: 'https://x/n' }], '**Ada** (Slack): hi\n📎 [n\\_1.txt](https://x/n)'],
    [
      'links first, then embeds',
      [
        { name: 'b', assetId: ID },
        { name: 'c', url: 'https://x/c' },
      ],
      `**Ada** (Slack): hi\n📎 [c](https://x/c)\n\n${assetEmbed(ID)}`,
    ],
  ])('%s', (_what, files, out) => expect(ouroTextFor({ name: 'Ada' }, 'slack', 'hi', { files })).toBe(out));

  it('an embed parses as an assetComponent block', () => {
    const doc = markdownToDoc(ouroTextFor({ name: 'Ada' }, 'slack', '', { files: [{ name: 'a', assetId: ID }] }));
    expect(doc.content).toContainEqual({ type: 'assetComponent', attrs: { id: ID, assetType: 'file', viewMode: 'preview' } });
  });
});

describe('embedded assets in an Ouro message, for chat', () => {
  const doc = markdownToDoc(`See:\n\n${assetEmbed(ID)}\n\n> quoted\n\n${assetEmbed(ID2, 'dataset')}\n\n${assetEmbed(ID)}`) as Doc;

  it('finds each embed once, in order, with its type', () => {
    expect(embeddedAssets(doc)).toEqual([
      { id: ID, assetType: 'file' },
      { id: ID2, assetType: 'dataset' },
    ]);
    expect(embeddedAssets(null)).toEqual([]);
    expect(embeddedAssets({ type: 'doc', content: [{ type: 'assetComponent', attrs: {} }] })).toEqual([]);
  });

  it('replaces each described embed with a named link and its size; others stay', () => {
    const assets = new Map([[ID, { id: ID, assetType: 'file', name: 'fit.png', url: 'https://ouro.foundation/files/a/fit', size: 51_000 }]]);
    expect(docToMarkdown(withAssetLinks(doc, assets))).toBe(
      `See:\n\n📎 [fit.png](https://ouro.foundation/files/a/fit) (51.0 kB)\n\n> quoted\n\n\`\`\`assetComponent\n${JSON.stringify({ id: ID2, assetType: 'dataset', viewMode: 'preview' })}\n\`\`\`\n\n📎 [fit.png](https://ouro.foundation/files/a/fit) (51.0 kB)`,
    );
  });
});

describe('/ouro post sections and titles', () => {
  const bot = 'bot-id';
  it.each([
    [
      'a relayed chat message keeps its author and platform',
      { id: '1', created_at: '2026-12-07T01:02:03.123456+00:00', text: '**Ada Lovelace** (Slack): hello', user: { id: bot } },
      '**Ada Lovelace** (Slack) · _2026-12-07 01:02 UTC_\n\nhello',
    ],
    [
      'a message written on Ouro is by its Ouro author',
      { id: '2', created_at: '2026-12-07T01:02:03Z', text: 'from Ouro', user: { id: 'u', name: 'Alice Chen' } },
      '**Alice Chen (Ouro)** · _2026-12-07 01:02 UTC_\n\nfrom Ouro',
    ],
    [
      'a person writing the relay prefix on Ouro is not taken for the bridge',
      { id: '3', created_at: '2026-12-07T01:02:03Z', text: '**Bob** (Slack): fake', user: { id: 'u', username: 'mallory' } },
      '**mallory (Ouro)** · _2026-12-07 01:02 UTC_\n\n**Bob** (Slack): fake',
    ],
  ])('%s', (_what, m, out) => expect(messageSection(m, bot)).toBe(out));

  it.each([
    ['**Ada** (Slack): *Band gap* results\nmore', 'Band gap results'],
    ['**Ada** (Slack): ', 'Saved thread'],
    [undefined, 'Saved thread'],
    [`**Ada** (Slack): ${'x'.repeat(200)}`, `${'x'.repeat(119)}…`],
  ])('title of %j', (text, out) => expect(titleOf(text === undefined ? undefined : { id: '1', created_at: '', text })).toBe(out));
});
