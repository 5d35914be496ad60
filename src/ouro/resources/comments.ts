/** Comments on assets (docs/ouro-api.md §4.6). */
import { markdownToDoc } from '../convert/markdown-to-doc.ts';
import type { OuroClient } from '../client-types.ts';
import { asArray, asObject, richText } from '../normalise.ts';
import { seg } from '../query.ts';
import type { Transport } from '../transport.ts';
import type { Comment } from '../types.ts';

type Where = { method: string; path: string };

/** List endpoints may send only a cut `description` preview: prefer `content`, fall back to it. */
function comment(v: unknown, where: Where): Comment {
  const o = asObject<Comment>(v, where, 'comment');
  const content = richText(o.content) ?? richText(o.description) ?? { json: null, text: '' };
  return { ...o, content };
}

export function commentsResource(t: Transport): OuroClient['comments'] {
  return {
    async list(parentId, signal) {
      const path = `/assets/${seg(parentId)}/comments`;
      const where = { method: 'GET', path };
      return asArray(await t.call({ method: 'GET', path, signal }), where).map((v) => comment(v, where));
    },
    async get(id, signal) {
      const path = `/comments/${seg(id)}`;
      return comment(await t.call({ method: 'GET', path, signal }), { method: 'GET', path });
    },
    async create(parentId, markdown, signal) {
      const path = '/comments/create';
      const body = {
        comment: { parent_id: parentId, source: 'api', asset_type: 'comment', attribution: { originality: 'original' } },
        content: { json: markdownToDoc(markdown), text: markdown },
      };
      // Not repeated: a comment has no client id, so a retry could post it twice.
      return comment(await t.call({ method: 'POST', path, body, signal }), { method: 'POST', path });
    },
    async update(id, markdown, signal) {
      const path = `/comments/${seg(id)}`;
      const body = { comment: { id }, content: { json: markdownToDoc(markdown), text: markdown } };
      return comment(await t.call({ method: 'PUT', path, body, signal }), { method: 'PUT', path });
    },
  };
}
