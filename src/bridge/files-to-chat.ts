/**
 * Ouro → chat for assets embedded in a message (`assetComponent` nodes). In the chat text
 * each becomes a named link to Ouro with its size; a file asset under the platform's upload
 * limit (the adapter's `uploadMaxBytes`, from its limits table) and FILE_MAX_BYTES is also
 * uploaded into the thread after the message. Each upload is recorded (state key per thread,
 * message and asset) once done, so a rerun does not upload it again; a crash between an
 * upload and its record uploads that file a second time.
 */
import type { Doc } from '../ouro/types.ts';
import { FileTooLargeError } from '../ouro/errors.ts';
import type { ThreadKey } from '../store/types.ts';
import { encodeChatRef, refOfThreadKey } from './chat-ref.ts';
import type { BridgeContext } from './context.ts';
import { formatBytes } from './files-to-ouro.ts';
import type { ChatAdapter } from './types.ts';

export const CHAT_UPLOAD_PREFIX = 'chat-upload:';
const WEB = 'https://ouro.foundation';

export interface OuroAsset {
  id: string;
  assetType: string;
  name: string;
  url: string;
  size?: number;
  mime?: string;
}

type Node = { type?: string; attrs?: Record<string, unknown>; content?: Node[]; text?: string; marks?: unknown[] };

/** The `assetComponent` embeds of a doc, in order, each once. */
export function embeddedAssets(doc: unknown): { id: string; assetType: string }[] {
  const out: { id: string; assetType: string }[] = [];
  const seen = new Set<string>();
  const walk = (n: Node | undefined) => {
    if (!n || typeof n !== 'object') return;
    if (n.type === 'assetComponent' && typeof n.attrs?.id === 'string' && !seen.has(n.attrs.id)) {
      seen.add(n.attrs.id);
      out.push({ id: n.attrs.id, assetType: typeof n.attrs.assetType === 'string' ? n.attrs.assetType : 'file' });
    }
    for (const c of n.content ?? []) walk(c);
  };
  walk(doc as Node);
  return out;
}

/** The doc with each embed replaced by a paragraph `📎 name (size)` linking to Ouro. */
export function withAssetLinks(doc: Doc, assets: ReadonlyMap<string, OuroAsset>): Doc {
  const map = (n: Node): Node => {
    if (n.type === 'assetComponent' && typeof n.attrs?.id === 'string') {
      const a = assets.get(n.attrs.id);
      if (!a) return n;
      const size = a.size !== undefined ? ` (${formatBytes(a.size)})` : '';
      return {
        type: 'paragraph',
        content: [
          { type: 'text', text: '📎 ' },
          { type: 'text', text: a.name, marks: [{ type: 'link', attrs: { href: a.url } }] },
          ...(size ? [{ type: 'text', text: size }] : []),
        ],
      };
    }
    return n.content ? { ...n, content: n.content.map(map) } : n;
  };
  return map(doc as Node) as Doc;
}

/** Names, links and sizes of the embedded assets (a file is looked up; others get a generic name). */
export async function describeAssets(
  ctx: Pick<BridgeContext, 'ouro' | 'logger'>,
  embeds: readonly { id: string; assetType: string }[],
): Promise<Map<string, OuroAsset>> {
  const out = new Map<string, OuroAsset>();
  for (const e of embeds) {
    const fallback: OuroAsset = { id: e.id, assetType: e.assetType, name: `${e.assetType} ${e.id.slice(0, 8)}`, url: `${WEB}/assets/${e.id}` };
    if (e.assetType !== 'file' || !ctx.ouro.files) {
      out.set(e.id, fallback);
      continue;
    }
    try {
      const f = await ctx.ouro.files.get(e.id);
      const url = f.url && /^https?:\/\//.test(f.url) ? f.url : fallback.url;
      out.set(e.id, {
        ...fallback,
        name: f.name || f.metadata?.name || fallback.name,
        url,
        ...(typeof f.metadata?.size === 'number' ? { size: f.metadata.size } : {}),
        ...(typeof f.metadata?.type === 'string' ? { mime: f.metadata.type } : {}),
      });
    } catch (err) {
      // Not visible to the bridge (or gone): the link is all chat gets.
      if ((err as { status?: number }).status !== 404 && (err as { status?: number }).status !== 403) throw err;
      ctx.logger.info({ assetId: e.id }, 'an embedded file is not visible to the bridge; linked only');
      out.set(e.id, fallback);
    }
  }
  return out;
}

const uploadKey = (t: ThreadKey, ouroMessageId: string, assetId: string) =>
  CHAT_UPLOAD_PREFIX + [t.platform, t.workspace, t.channel, t.thread, ouroMessageId, assetId].map(encodeURIComponent).join(':');

/**
 * Uploads the file assets of Ouro message `ouroMessageId` into `target` that fit. `bytes`
 * caches what was read from Ouro for the other threads of the same message.
 */
export async function uploadAssets(
  ctx: BridgeContext,
  adapter: ChatAdapter,
  target: ThreadKey,
  ouroMessageId: string,
  assets: Iterable<OuroAsset>,
  bytes: Map<string, Uint8Array | null>,
): Promise<void> {
  if (!adapter.uploadFile || !ctx.ouro.files) return;
  const limit = Math.min(adapter.uploadMaxBytes ?? Number.POSITIVE_INFINITY, ctx.files.maxBytes);
  for (const a of assets) {
    if (a.assetType !== 'file' || (a.size !== undefined && a.size > limit)) continue;
    const key = uploadKey(target, ouroMessageId, a.id);
    if (await ctx.store.getState(key)) continue;
    let content = bytes.get(a.id);
    if (content === undefined) {
      try {
        content = await ctx.ouro.files.read(a.id, limit);
      } catch (err) {
        if (!(err instanceof FileTooLargeError)) throw err;
        content = null;
      }
      bytes.set(a.id, content);
    }
    if (!content || content.byteLength > limit) {
      ctx.logger.info({ ref: encodeChatRef(refOfThreadKey(target)), assetId: a.id, limit }, 'an embedded file is over the upload limit here; linked only');
      continue;
    }
    await adapter.uploadFile(refOfThreadKey(target), { name: a.name, mime: a.mime ?? 'application/octet-stream', content, title: a.name });
    await ctx.store.setState(key, '1');
  }
}
