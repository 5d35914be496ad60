/**
 * markdownToDoc against Ouro's own parser (ouro-js src/utils/air/markdown-parser.ts): one
 * case per rule it shares, and one per deliberate difference, each named.
 */
import { describe, expect, it } from 'vitest';
import { docToMarkdown } from '../../src/ouro/convert/doc-to-markdown.ts';
import { MATH_NODE, markdownToDoc } from '../../src/ouro/convert/markdown-to-doc.ts';
import type { Doc, DocNode } from '../../src/ouro/types.ts';

const text = (t: string, marks?: DocNode['marks']): DocNode => (marks ? { type: 'text', text: t, marks } : { type: 'text', text: t });
const p = (...content: DocNode[]): DocNode => (content.length ? { type: 'paragraph', content } : { type: 'paragraph' });
const doc = (...content: DocNode[]): Doc => ({ type: 'doc', content });
const math = (latex: string, displayMode: boolean): DocNode => ({ type: MATH_NODE, attrs: { latex, displayMode } });
const link = (href: string, title?: string) => [{ type: 'link', attrs: { href, ...(title ? { title } : {}) } }];
const mention = (u: string, marks?: DocNode['marks']): DocNode => ({
  type: 'mention',
  attrs: { id: null, label: u, username: u },
  ...(marks ? { marks } : {}),
});

describe("markdownToDoc matches Ouro's parser", () => {
  it.each<[string, string, Doc]>([
    ['inline math \\(…\\)', 'energy \\(E = mc^2\\) here', doc(p(text('energy '), math('E = mc^2', false), text(' here')))],
    ['math keeps its backslashes', '\\(a \\, b \\alpha\\)', doc(p(math('a \\, b \\alpha', false)))],
    ['display math \\[…\\]', '\\[ \\int_0^1 x\\,dx \\]', doc(p(math('\\int_0^1 x\\,dx', true)))],
    ['an unclosed \\( is an escaped parenthesis', 'a \\( b', doc(p(text('a ( b')))],
    ['a bare domain is text', 'see example.com', doc(p(text('see example.com')))],
    ['file names are text', 'edit README.md and setup.py', doc(p(text('edit README.md and setup.py')))],
    ['a URL with a scheme is a link', 'go https://a.b/c', doc(p(text('go '), text('https://a.b/c', link('https://a.b/c'))))],
    ['www. is a link', 'go www.example.com', doc(p(text('go '), text('www.example.com', link('http://www.example.com'))))],
    ['e-mail is a link', 'mail ada@example.org', doc(p(text('mail '), text('ada@example.org', link('mailto:ada@example.org'))))],
    ['~single~ tildes strike', 'a ~gone~ b', doc(p(text('a '), text('gone', [{ type: 'strike' }]), text(' b')))],
    ['~~double~~ tildes strike', '~~gone~~', doc(p(text('gone', [{ type: 'strike' }])))],
    [
      'a task item among plain items keeps its text only',
      '- [x] done\n- plain',
      doc({
        type: 'bulletList',
        content: [
          { type: 'listItem', content: [p(text('done'))] },
          { type: 'listItem', content: [p(text('plain'))] },
        ],
      }),
    ],
    ['a link title', '[t](https://a.b "The title")', doc(p(text('t', link('https://a.b', 'The title'))))],
    ['table alignment adds nothing Ouro keeps', '| a |\n|:-:|\n| 1 |', markdownToDoc('| a |\n|---|\n| 1 |')],
    ['a code block keeps its closing newline', '```js\nx()\n```', doc({ type: 'codeBlock', attrs: { language: 'js' }, content: [text('x()\n')] })],
    ['empty input is one empty paragraph', '', doc(p())],
    ['blank input is one empty paragraph', ' \n\t\n', doc(p())],
    ['a mention inside link text', '[ask {@ada}](https://a.b)', doc(p(text('ask ', link('https://a.b')), mention('ada', link('https://a.b'))))],
  ])('%s', (_name, markdown, want) => {
    expect(markdownToDoc(markdown)).toEqual(want);
  });

  it('math comes back as written', () => {
    expect(docToMarkdown(markdownToDoc('\\(x^2\\) and \\[y\\]'))).toBe('\\(x^2\\) and \\[y\\]');
  });
});

describe('deliberate differences from Ouro\'s parser (README "Limits")', () => {
  it.each<[string, string, Doc]>([
    ['a single newline is a line break (Ouro joins the lines)', 'one\ntwo', doc(p(text('one'), { type: 'hardBreak' }, text('two')))],
    ['HTML-looking text is kept as text (Ouro passes HTML through)', '<b>bold?</b> <script>x</script>', doc(p(text('<b>bold?</b> <script>x</script>')))],
    ['a javascript: link stays visible text', '[click](javascript:alert(1))', doc(p(text('[click](javascript:alert(1))')))],
    [
      'a broken embed stays a code block',
      '```assetComponent\n{not json}\n```',
      doc({ type: 'codeBlock', attrs: { language: 'assetComponent' }, content: [text('{not json}\n')] }),
    ],
  ])('%s', (_name, markdown, want) => {
    expect(markdownToDoc(markdown)).toEqual(want);
  });
});
