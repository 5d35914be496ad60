/** Markdown the caller gives → the `{json, text}` pair Ouro stores (converted locally, no extra call). */
import { markdownToDoc } from '../convert/markdown-to-doc.ts';
import type { Doc } from '../types.ts';

export function rich(markdown: string): { json: Doc; text: string } {
  return { json: markdownToDoc(markdown), text: markdown };
}
