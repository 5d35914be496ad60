import { markdownToDoc as convertMarkdown } from '../ouro/convert/markdown-to-doc.ts';
import type { Doc } from './state.ts';

/**
 * Markdown → TipTap for `POST /utilities/convert/from-markdown` and wherever the sandbox
 * stores rich text: the Ouro client's converter, so the sandbox and the bridge agree on
 * what a document looks like.
 */

export type MarkdownToDoc = (markdown: string) => Doc;

export const markdownToDoc: MarkdownToDoc = (markdown) => convertMarkdown(markdown) as Doc;

/** `{json, text}` from a string or an already-rich value (Ouro accepts both in many fields). */
export function toRich(value: unknown, convert: MarkdownToDoc): { json: Doc; text: string } | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return { json: convert(value), text: value };
  if (typeof value === 'object') {
    const v = value as { json?: unknown; text?: unknown };
    const text = typeof v.text === 'string' ? v.text : '';
    const json = v.json && typeof v.json === 'object' ? (v.json as Doc) : convert(text);
    return { json, text };
  }
  return null;
}
