/**
 * Ouro link previews (Slack unfurls). The core hands a `link.shared` event to the hook made
 * here (BridgeOptions.onLinkShared); it finds each Ouro asset the links name, previews only
 * what the channel may see (public, or the org/team the channel is linked to: the same rule
 * as command answers), and calls the adapter's `unfurl`. A link it cannot place or may not
 * show gets no preview, never an error in the channel.
 *
 * Web URLs name assets as /<type>s/<owner>/<slug>, /<type>s/<id> or /assets/<id>.
 */
import type { ChatAdapter, LinkShared } from '../../bridge/types.ts';
import { toTable } from '../../commands/render/table.ts';
import type { Block, RichReply } from '../../chat/reply.ts';
import { channelScope } from '../../commands/scope.ts';
import type { AssetScope } from '../../commands/visibility.ts';
import type { Logger } from '../../log.ts';
import type { ChannelLink, ChannelKey } from '../../store/types.ts';
import { OURO_UNFURL_DOMAINS } from './manifest.ts';
import { head } from '../../text/cut.ts';

export type OuroAssetType = 'dataset' | 'quest' | 'post';

export type OuroLink = { type: OuroAssetType | undefined; id: string } | { type: OuroAssetType; owner: string; slug: string; path: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPES: Record<string, OuroAssetType> = { datasets: 'dataset', quests: 'quest', posts: 'post' };

/** Which asset an Ouro web URL names (pure); undefined for other pages and other hosts. */
export function parseOuroUrl(url: string, domains: readonly string[] = OURO_UNFURL_DOMAINS): OuroLink | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const host = u.hostname.toLowerCase();
  if (!domains.some((d) => host === d || host.endsWith(`.${d}`))) return undefined;
  const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'assets' && parts.length === 2 && UUID.test(parts[1]!)) return { type: undefined, id: parts[1]! };
  const type = TYPES[parts[0] ?? ''];
  if (!type) return undefined;
  if (parts.length === 2 && UUID.test(parts[1]!)) return { type, id: parts[1]! };
  if (parts.length === 3) return { type, owner: parts[1]!, slug: parts[2]!, path: `/${parts.join('/')}` };
  return undefined;
}

type Asset = AssetScope & { id: string; name?: string | null; url?: string; slug?: string; description?: { text?: string } | null; asset_type?: string };

/** The Ouro calls previews need: a structural subset of the Ouro client. */
export interface UnfurlOuro {
  assets: { search(input: { query?: string; limit?: number; filters?: Record<string, unknown> }): Promise<{ items: Asset[] }> };
  datasets: {
    get(id: string): Promise<Asset>;
    schema(id: string): Promise<{ name: string; type?: string }[]>;
    data(id: string, opts: { limit: number }): Promise<{ items: Record<string, unknown>[]; total?: number }>;
  };
  quests: {
    get(id: string): Promise<Asset & { quest?: { status?: string; type?: string }; items?: unknown[]; progress?: { total: number; resolved: number } }>;
  };
  posts: { get(id: string): Promise<Asset>; downloadMarkdown(id: string): Promise<string> };
}

export interface UnfurlDeps {
  ouro: UnfurlOuro;
  store: { getChannelLink(key: ChannelKey): Promise<ChannelLink | undefined> };
  logger: Logger;
  domains?: readonly string[];
  /** OURO_ALLOWED_ORGS (see commands/scope.ts). */
  allowedOrgs?: readonly string[];
}

/** Rows a dataset preview shows: enough to recognise the data, small enough to glance at. */
const PREVIEW_ROWS = 5;
/** A post preview: its opening, not the post. */
const POST_OPENING_CHARS = 600;

const isNotFound = (err: unknown) => (err as { status?: unknown } | null)?.status === 404;

async function findAsset(ouro: UnfurlOuro, link: OuroLink): Promise<{ type: OuroAssetType; asset: Asset } | undefined> {
  if ('id' in link) {
    const order: OuroAssetType[] = link.type ? [link.type] : ['dataset', 'quest', 'post'];
    for (const type of order) {
      try {
        return { type, asset: await ouro[`${type}s`].get(link.id) };
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return undefined;
  }
  const page = await ouro.assets.search({ query: link.slug.replace(/-/g, ' '), limit: 25, filters: { asset_type: link.type } });
  const hit = page.items.find((a) => a.slug === link.path || (a.url && new URL(a.url).pathname === link.path));
  return hit ? { type: link.type, asset: hit } : undefined;
}

function opening(markdown: string): string {
  if (markdown.length <= POST_OPENING_CHARS) return markdown.trim();
  const cut = markdown.lastIndexOf('\n\n', POST_OPENING_CHARS);
  return `${head(markdown, cut > POST_OPENING_CHARS / 3 ? cut : POST_OPENING_CHARS).trim()} …`;
}

async function preview(ouro: UnfurlOuro, type: OuroAssetType, summary: Asset, url: string): Promise<RichReply> {
  const name = summary.name ?? summary.id;
  const blocks: Block[] = [];
  if (type === 'dataset') {
    const [asset, columns, data] = await Promise.all([
      ouro.datasets.get(summary.id),
      ouro.datasets.schema(summary.id),
      ouro.datasets.data(summary.id, { limit: PREVIEW_ROWS }),
    ]);
    const rows = data.items.slice(0, PREVIEW_ROWS);
    blocks.push({
      type: 'asset',
      asset: { id: asset.id, type: 'dataset', name, url, visibility: asset.visibility },
      ...(asset.description?.text ? { summary: opening(asset.description.text) } : {}),
    });
    blocks.push({
      type: 'table',
      table: toTable(rows, { columns: columns.map((c) => ({ name: c.name, type: c.type })), totalRows: data.total ?? rows.length }),
      caption: `${columns.length} columns`,
    });
    return { text: `Dataset ${name}`, blocks };
  }
  if (type === 'quest') {
    const q = await ouro.quests.get(summary.id);
    const progress = q.progress ? `${q.progress.resolved} of ${q.progress.total} items done` : `${q.items?.length ?? 0} items`;
    blocks.push({
      type: 'asset',
      asset: { id: q.id, type: 'quest', name, url, visibility: q.visibility },
      ...(q.description?.text ? { summary: opening(q.description.text) } : {}),
    });
    blocks.push({
      type: 'fields',
      fields: [
        { label: 'Status', value: q.quest?.status ?? 'open' },
        { label: 'Progress', value: progress },
        ...(q.quest?.type ? [{ label: 'Type', value: q.quest.type }] : []),
      ],
    });
    return { text: `Quest ${name}: ${q.quest?.status ?? 'open'}, ${progress}`, blocks };
  }
  const markdown = await ouro.posts.downloadMarkdown(summary.id);
  blocks.push({ type: 'asset', asset: { id: summary.id, type: 'post', name, url, visibility: summary.visibility }, summary: opening(markdown) });
  return { text: `Post ${name}`, blocks };
}

/** The `onLinkShared` hook for createBridge. */
export function createOuroUnfurler(deps: UnfurlDeps): (event: LinkShared, adapter: ChatAdapter) => Promise<void> {
  return async (event, adapter) => {
    if (!adapter.unfurl) return;
    const link = await deps.store.getChannelLink({ platform: event.ref.platform, workspace: event.ref.workspace, channel: event.ref.channel });
    const previews: Record<string, RichReply> = {};
    for (const url of event.urls) {
      const parsed = parseOuroUrl(url, deps.domains);
      if (!parsed) continue;
      try {
        const found = await findAsset(deps.ouro, parsed);
        if (!found) {
          deps.logger.debug({ url }, 'ouro link names no asset the bridge can see; no preview');
          continue;
        }
        const full = found.asset.visibility === undefined && found.type !== 'post' ? await deps.ouro[`${found.type}s`].get(found.asset.id) : found.asset;
        if (!channelScope(link, deps.allowedOrgs).allows(full)) {
          deps.logger.info({ url, channel: event.ref.channel }, 'ouro link not previewed: the asset is not visible in this channel');
          continue;
        }
        previews[url] = await preview(deps.ouro, found.type, full, url);
      } catch (err) {
        deps.logger.warn({ err, url }, 'ouro link preview failed');
      }
    }
    if (Object.keys(previews).length) await adapter.unfurl(event.replyTo, previews);
  };
}
