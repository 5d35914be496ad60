/** Posts and the server-side Markdown converter (docs/ouro-api.md §4.5, §5.3). */
import { z } from 'zod';
import { htmlToMarkdown } from '../convert/html-to-markdown.ts';
import type { OuroClient } from '../client-types.ts';
import { asObject, check, isDoc, richText } from '../normalise.ts';
import { seg } from '../query.ts';
import type { Transport } from '../transport.ts';
import type { Doc, Post } from '../types.ts';

const convertedSchema = z.looseObject({ json: z.custom<Doc>(isDoc, 'expected a TipTap doc'), markdown: z.string().optional() });

export function utilitiesResource(t: Transport): OuroClient['utilities'] {
  return {
    async markdownToDoc(markdown, signal) {
      const where = { method: 'POST', path: '/utilities/convert/from-markdown' };
      // No envelope here; a pure conversion, so repeating it is harmless.
      const data = await t.call({ method: 'POST', path: where.path, body: { markdown }, envelope: false, idempotent: true, signal });
      const out = check(convertedSchema, data, where, 'body');
      return { json: out.json, markdown: out.markdown ?? markdown };
    },
  };
}

export function postsResource(t: Transport, utilities: OuroClient['utilities']): OuroClient['posts'] {
  const normalise = (v: unknown, where: { method: string; path: string }): Post => {
    const o = asObject<Post>(v, where);
    return { ...o, content: richText(o.content), description: richText(o.description) };
  };
  return {
    async get(id, signal) {
      const path = `/posts/${seg(id)}`;
      return normalise(await t.call({ method: 'GET', path, signal }), { method: 'GET', path });
    },
    async createFromMarkdown(input, signal) {
      const converted = await utilities.markdownToDoc(input.markdown, signal);
      const path = '/posts/create';
      const body = {
        post: {
          name: input.name,
          visibility: input.visibility ?? 'private',
          ...(input.orgId ? { org_id: input.orgId } : {}),
          ...(input.teamId ? { team_id: input.teamId } : {}),
          source: 'api',
          asset_type: 'post',
          attribution: { originality: 'original' },
        },
        content: { json: converted.json, text: converted.markdown },
      };
      return normalise(await t.call({ method: 'POST', path, body, signal }), { method: 'POST', path });
    },
    async update(id, input, signal) {
      const path = `/posts/${seg(id)}`;
      const converted = input.markdown === undefined ? undefined : await utilities.markdownToDoc(input.markdown, signal);
      const body = {
        post: input.name === undefined ? {} : { name: input.name },
        content: converted ? { json: converted.json, text: converted.markdown } : null,
      };
      return normalise(await t.call({ method: 'PUT', path, body, signal }), { method: 'PUT', path });
    },
    async downloadMarkdown(id, signal) {
      const path = `/assets/${seg(id)}/download`;
      // A read despite the POST verb, so it may be repeated.
      const html = await t.call<string>({ method: 'POST', path, body: { asset_type: 'post' }, raw: true, idempotent: true, signal });
      return htmlToMarkdown(html);
    },
  };
}
