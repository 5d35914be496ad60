import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Doc } from './state.ts';

/**
 * Markdown → TipTap for `POST /utilities/convert/from-markdown`. The real converter is the
 * Ouro client's `src/ouro/convert/markdown-to-doc.ts`; it is loaded when present. Until
 * then this fallback, with the same name and signature, makes one paragraph per line.
 */

export type MarkdownToDoc = (markdown: string) => Doc;

export function markdownToDoc(markdown: string): Doc {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return {
    type: 'doc',
    // ProseMirror forbids empty text nodes: a blank line is a paragraph with no content.
    content: lines.map((line) => (line === '' ? { type: 'paragraph' } : { type: 'paragraph', content: [{ type: 'text', text: line }] })),
  };
}

const REAL = new URL('../ouro/convert/markdown-to-doc.ts', import.meta.url);

export async function loadMarkdownToDoc(): Promise<MarkdownToDoc> {
  if (!existsSync(fileURLToPath(REAL))) return markdownToDoc;
  try {
    const mod = (await import(REAL.href)) as { markdownToDoc?: unknown };
    if (typeof mod.markdownToDoc === 'function') return mod.markdownToDoc as MarkdownToDoc;
  } catch {
    // A half-written converter must not take the sandbox down; the fallback still answers.
  }
  return markdownToDoc;
}

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
