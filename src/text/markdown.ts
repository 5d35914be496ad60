/**
 * Backslash-escapes Markdown punctuation so text from people (names, notes) stays literal
 * inside Markdown: no emphasis, code, link, mention (`{@…}`) or table cell. `[` is escaped
 * and `]` and parentheses are not: Ouro reads `\(…\)` and `\[…\]` as math, and an escaped
 * `[` alone already stops a link.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[<>#+!|~]/g, (c) => `\\${c}`);
}
