import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { docToMarkdown } from '../../src/ouro/convert/doc-to-markdown.ts';
import { htmlToMarkdown } from '../../src/ouro/convert/html-to-markdown.ts';
import { markdownToDoc } from '../../src/ouro/convert/markdown-to-doc.ts';
import type { Doc, DocNode } from '../../src/ouro/types.ts';

const text = (t: string, ...marks: string[]): DocNode =>
  marks.length ? { type: 'text', text: t, marks: marks.map((type) => ({ type })) } : { type: 'text', text: t };
const p = (...content: DocNode[]): DocNode => (content.length ? { type: 'paragraph', content } : { type: 'paragraph' });
const doc = (...content: DocNode[]): Doc => ({ type: 'doc', content });
const cell = (type: 'tableHeader' | 'tableCell', t: string): DocNode => ({ type, attrs: { colspan: 1, rowspan: 1, colwidth: null }, content: [p(text(t))] });

/** Walks every node: ProseMirror rejects empty text nodes. */
function emptyTextNodes(node: DocNode): number {
  const own = node.type === 'text' && !node.text ? 1 : 0;
  return own + (node.content ?? []).reduce((n, c) => n + emptyTextNodes(c), 0);
}

describe('markdownToDoc', () => {
  it.each<[string, string, Doc]>([
    ['empty', '', doc(p())],
    ['paragraph', 'hello', doc(p(text('hello')))],
    ['marks', '**b** *i* ~~s~~ `c`', doc(p(text('b', 'bold'), text(' '), text('i', 'italic'), text(' '), text('s', 'strike'), text(' '), text('c', 'code')))],
    ['nested marks', '***x***', doc(p({ type: 'text', text: 'x', marks: [{ type: 'italic' }, { type: 'bold' }] }))],
    ['link', '[site](https://ouro.foundation)', doc(p({ type: 'text', text: 'site', marks: [{ type: 'link', attrs: { href: 'https://ouro.foundation' } }] }))],
    [
      'asset link shorthand',
      '[d](dataset:019df875-7957-7888-888f-f8140ff62564)',
      doc(p({ type: 'text', text: 'd', marks: [{ type: 'link', attrs: { href: 'dataset:019df875-7957-7888-888f-f8140ff62564' } }] })),
    ],
    [
      'bare URL',
      'see https://a.b/c',
      doc(p(text('see '), { type: 'text', text: 'https://a.b/c', marks: [{ type: 'link', attrs: { href: 'https://a.b/c' } }] })),
    ],
    [
      'headings',
      '# A\n### B',
      doc({ type: 'heading', attrs: { level: 1 }, content: [text('A')] }, { type: 'heading', attrs: { level: 3 }, content: [text('B')] }),
    ],
    ['line break (chat newline)', 'a\nb', doc(p(text('a'), { type: 'hardBreak' }, text('b')))],
    ['hard break (two spaces)', 'a  \nb', doc(p(text('a'), { type: 'hardBreak' }, text('b')))],
    ['fenced code with language', '```python\nx = 1\n```', doc({ type: 'codeBlock', attrs: { language: 'python' }, content: [text('x = 1\n')] })],
    ['empty code block has no text node', '```\n```', doc({ type: 'codeBlock', attrs: { language: null } })],
    ['blockquote', '> q', doc({ type: 'blockquote', content: [p(text('q'))] })],
    [
      'bullet list',
      '- a\n- b',
      doc({
        type: 'bulletList',
        content: [
          { type: 'listItem', content: [p(text('a'))] },
          { type: 'listItem', content: [p(text('b'))] },
        ],
      }),
    ],
    ['ordered list with start', '3. a', doc({ type: 'orderedList', attrs: { start: 3 }, content: [{ type: 'listItem', content: [p(text('a'))] }] })],
    [
      'task list',
      '- [ ] todo\n- [x] done',
      doc({
        type: 'taskList',
        content: [
          { type: 'taskItem', attrs: { checked: false }, content: [p(text('todo'))] },
          { type: 'taskItem', attrs: { checked: true }, content: [p(text('done'))] },
        ],
      }),
    ],
    [
      'mixed list stays a bullet list; its task item loses the checkbox, as on Ouro',
      '- [ ] a\n- b',
      doc({
        type: 'bulletList',
        content: [
          { type: 'listItem', content: [p(text('a'))] },
          { type: 'listItem', content: [p(text('b'))] },
        ],
      }),
    ],
    ['empty list item gets a paragraph', '-', doc({ type: 'bulletList', content: [{ type: 'listItem', content: [p()] }] })],
    [
      'table',
      '| a | b |\n|---|---|\n| 1 | 2 |',
      doc({
        type: 'table',
        content: [
          { type: 'tableRow', content: [cell('tableHeader', 'a'), cell('tableHeader', 'b')] },
          { type: 'tableRow', content: [cell('tableCell', '1'), cell('tableCell', '2')] },
        ],
      }),
    ],
    ['horizontal rule', 'a\n\n---\n\nb', doc(p(text('a')), { type: 'horizontalRule' }, p(text('b')))],
    ['image alone', '![a cat](https://x/cat.png)', doc({ type: 'image', attrs: { src: 'https://x/cat.png', alt: 'a cat', title: null } })],
    ['mention in backticks', 'hi `{@alice_1}`', doc(p(text('hi '), { type: 'mention', attrs: { id: null, label: 'alice_1', username: 'alice_1' } }))],
    ['bare mention', '{@bob} ok', doc(p({ type: 'mention', attrs: { id: null, label: 'bob', username: 'bob' } }, text(' ok')))],
    ['plain @ stays text', 'mail a@b.c or @carol', doc(p(text('mail a@b.c or @carol')))],
    ['escapes become literal text', '\\*not bold\\*', doc(p(text('*not bold*')))],
    [
      'asset embed',
      '```assetComponent\n{"id":"d1","assetType":"dataset","viewMode":"preview"}\n```',
      doc({ type: 'assetComponent', attrs: { id: 'd1', assetType: 'dataset', viewMode: 'preview' } }),
    ],
    [
      'bad asset embed stays code',
      '```assetComponent\nnope\n```',
      doc({ type: 'codeBlock', attrs: { language: 'assetComponent' }, content: [text('nope\n')] }),
    ],
  ])('%s', (_name, md, want) => {
    const got = markdownToDoc(md);
    expect(got).toEqual(want);
    expect(emptyTextNodes(got as DocNode)).toBe(0);
  });

  it('lifts an image out of a paragraph (TipTap images are blocks)', () => {
    expect(markdownToDoc('before ![i](u) after')).toEqual(
      doc(p(text('before')), { type: 'image', attrs: { src: 'u', alt: 'i', title: null } }, p(text('after'))),
    );
  });
});

describe('docToMarkdown', () => {
  it.each<[string, Doc, string]>([
    ['empty', doc(), ''],
    ['marks', doc(p(text('b', 'bold'), text(' '), text('i', 'italic'), text(' '), text('s', 'strike'), text(' '), text('c', 'code'))), '**b** *i* ~~s~~ `c`'],
    ['adjacent nodes share a mark', doc(p(text('a ', 'bold'), { type: 'text', text: 'b', marks: [{ type: 'bold' }, { type: 'italic' }] })), '**a *b***'],
    ['whitespace moved outside marks', doc(p(text('x'), text(' bold ', 'bold'), text('y'))), 'x **bold** y'],
    ['code with a backtick', doc(p(text('a`b', 'code'))), '``a`b``'],
    ['link', doc(p({ type: 'text', text: 't', marks: [{ type: 'link', attrs: { href: 'https://h' } }] })), '[t](https://h)'],
    ['heading', doc({ type: 'heading', attrs: { level: 2 }, content: [text('H')] }), '## H'],
    ['code block', doc({ type: 'codeBlock', attrs: { language: 'sql' }, content: [text('SELECT 1')] }), '```sql\nSELECT 1\n```'],
    ['code block holding a fence', doc({ type: 'codeBlock', attrs: { language: null }, content: [text('```\nx')] }), '````\n```\nx\n````'],
    ['mention as @label (SDK)', doc(p(text('hi '), { type: 'mention', attrs: { id: 'u1', label: 'Alice', username: 'alice' } })), 'hi @Alice'],
    ['hard break', doc(p(text('a'), { type: 'hardBreak' }, text('b'))), 'a\nb'],
    [
      'ordered list start',
      doc({
        type: 'orderedList',
        attrs: { start: 5 },
        content: [
          { type: 'listItem', content: [p(text('a'))] },
          { type: 'listItem', content: [p(text('b'))] },
        ],
      }),
      '5. a\n6. b',
    ],
    [
      'table without header cells uses the first row',
      doc({ type: 'table', content: [{ type: 'tableRow', content: [cell('tableCell', 'x'), cell('tableCell', 'y|z')] }] }),
      '| x | y\\|z |\n| --- | --- |',
    ],
    ['image and rule', doc({ type: 'image', attrs: { src: 's', alt: 'a' } }, { type: 'horizontalRule' }), '![a](s)\n\n---'],
    [
      'asset embed re-emitted as fenced JSON',
      doc({ type: 'assetComponent', attrs: { id: 'd1', assetType: 'dataset' } }),
      '```assetComponent\n{"id":"d1","assetType":"dataset"}\n```',
    ],
    ['unknown node keeps its text', doc({ type: 'mathBlock', content: [text('E=mc^2')] }), 'E=mc^2'],
    ['empty paragraphs vanish', doc(p(text('a')), p(), p(text('b'))), 'a\n\nb'],
  ])('%s', (_name, d, want) => expect(docToMarkdown(d)).toBe(want));

  it('accepts null (a message without json)', () => expect(docToMarkdown(null)).toBe(''));

  // Found by `npm run soak`'s fuzzing: JSON written by other Ouro clients need not fit the schema.
  it.each<[string, unknown, string]>([
    ['content that is not an array', { type: 'doc', content: [{ type: 'paragraph', content: {} }] }, ''],
    ['a null child', { type: 'doc', content: [null, { type: 'paragraph', content: [null, { type: 'text', text: 'kept' }] }] }, 'kept'],
    [
      'a text that is not a string',
      {
        type: 'doc',
        content: [
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 42 },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      },
      'b',
    ],
    [
      'marks that are not marks',
      { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [null, 'bold', { type: 'italic' }] }] }] },
      '*x*',
    ],
    ['a root without a type', { content: [] }, ''],
  ])('malformed: %s', (_name, d, want) => expect(docToMarkdown(d as Doc)).toBe(want));
});

describe('markdown → doc → markdown is stable', () => {
  it.each([
    'plain text',
    'Hello **world**, *you* and ~~them~~ with `code`',
    '***both***',
    '[link](https://ouro.foundation/posts/a/b) and https://bare.example/x',
    '# Title\n\n## Sub\n\ntext',
    'line one\nline two',
    '> quoted\n> still\n\nafter',
    '- a\n- b\n  - nested\n- c',
    '3. three\n4. four',
    '- [ ] todo\n- [x] done',
    '| a | b |\n| --- | --- |\n| 1 | **2** |',
    '```ts\nconst x = 1;\n```',
    'before\n\n---\n\nafter',
    '![alt](https://x/y.png)',
    'ping `{@alice}` please',
    '```assetComponent\n{"id":"d1","assetType":"dataset","viewMode":"preview"}\n```',
  ])('%j', (md) => {
    expect(docToMarkdown(markdownToDoc(md), { mentions: 'ouro' })).toBe(md);
  });
});

describe('htmlToMarkdown', () => {
  it.each([
    ['headings and marks', '<h1>T</h1><p>a <strong>b</strong> <em>c</em> <del>d</del> <code>e</code></p>', '# T\n\na **b** *c* ~~d~~ `e`'],
    ['document head is dropped', '<html><head><title>x</title><style>p{}</style><script>1</script></head><body><p>body</p></body></html>', 'body'],
    ['list', '<ul><li>a</li><li>b</li></ul><ol start="2"><li>x</li></ol>', '- a\n- b\n\n2. x'],
    ['task list', '<ul><li><input type="checkbox" checked> done</li><li><input type="checkbox"> todo</li></ul>', '- [x] done\n- [ ] todo'],
    [
      'table',
      '<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>x|y</td></tr></tbody></table>',
      '| a | b |\n| --- | --- |\n| 1 | x\\|y |',
    ],
    ['code block', '<pre><code class="language-py">x = 1\n</code></pre>', '```py\nx = 1\n```'],
    ['link and image', '<p><a href="https://h">t</a> <img src="s.png" alt="a"></p>', '[t](https://h) ![a](s.png)'],
  ])('%s', (_name, html, want) => expect(htmlToMarkdown(html)).toBe(want));
});

describe('properties (fast-check)', () => {
  // Markdown-heavy alphabet, so generated strings hit lists, marks, tables and fences.
  const md = fc
    .array(fc.constantFrom('a', 'b', ' ', '\n', '*', '_', '~', '`', '#', '-', '1.', '>', '|', '[', ']', '(', ')', '!', '{@u}', '[ ]', 'http://x.y'), {
      maxLength: 40,
    })
    .map((parts) => parts.join(''));

  it('markdownToDoc never emits an empty text node and docToMarkdown never throws', () => {
    fc.assert(
      fc.property(md, (s) => {
        const d = markdownToDoc(s);
        expect(emptyTextNodes(d as DocNode)).toBe(0);
        expect(typeof docToMarkdown(d)).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  // One parser (the one-line fast path is gone): the lines it used to take, and any line, give a valid doc.
  const lineAlphabet = fc.constantFrom(
    'a',
    'Z',
    '9',
    'é',
    '字',
    ' ',
    '  ',
    '\t',
    '\u00a0',
    '**',
    '*',
    '_',
    '~',
    '`',
    '\\',
    '[',
    ']',
    '(',
    ')',
    '!',
    '<',
    '>',
    '&',
    '{',
    '}',
    '|',
    '#',
    '-',
    '+',
    '=',
    '1.',
    '2)',
    ':',
    '.',
    ',',
    '"',
    "'",
    '@',
    '$',
    '%',
    '^',
    '\n',
    'x.com',
    'a@b.co',
    'http://q',
    'www.w',
  );
  const anyLine = fc.array(lineAlphabet, { maxLength: 30 }).map((p) => p.join(''));
  const word = fc.array(fc.constantFrom('a', 'Q', '7', 'ö', '名', 'y'), { minLength: 1, maxLength: 6 }).map((p) => p.join(''));
  const words = fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join(' '));
  // What the bridge writes for a plain chat message: ouroTextFor's `**Name** (Platform): text`.
  const bridgeLine = fc.tuple(words, fc.constantFrom('Slack', 'Discord', 'Console'), words);

  it('any line gives a doc with at least one block and no empty text node', () => {
    fc.assert(
      fc.property(anyLine, (s) => {
        const d = markdownToDoc(s);
        expect(d.content.length).toBeGreaterThan(0);
        expect(emptyTextNodes(d as DocNode)).toBe(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('a bridge-written line is the bold name, then the text', () => {
    fc.assert(
      fc.property(bridgeLine, ([who, where, body]) => {
        expect(markdownToDoc(`**${who}** (${where}): ${body}`)).toEqual(doc(p(text(who, 'bold'), text(` (${where}): ${body}`))));
      }),
      { numRuns: 1000 },
    );
  });

  it.each<[string, string, Doc]>([
    ['bold span inside a word', 'a**b**c', doc(p(text('a'), text('b', 'bold'), text('c')))],
    ['bold span around spaces', '** a **', doc(p(text('** a **')))],
    ['unclosed bold', '**a', doc(p(text('**a')))],
    ['list marker', '- a', doc({ type: 'bulletList', content: [{ type: 'listItem', content: [p(text('a'))] }] })],
    ['ordered list marker', '1. a', doc({ type: 'orderedList', attrs: { start: 1 }, content: [{ type: 'listItem', content: [p(text('a'))] }] })],
    ['heading', '# a', doc({ type: 'heading', attrs: { level: 1 }, content: [text('a')] })],
    ['leading spaces (indented code)', '    a', doc({ type: 'codeBlock', attrs: { language: null }, content: [text('a\n')] })],
    ['trailing space', 'a ', doc(p(text('a')))],
    ['underscore', 'a_b', doc(p(text('a_b')))],
    ['escape', 'a\\*b', doc(p(text('a*b')))],
    ['line break', 'a\nb', doc(p(text('a'), { type: 'hardBreak' }, text('b')))],
    ['mention', '{@bob} hi', doc(p({ type: 'mention', attrs: { id: null, label: 'bob', username: 'bob' } }, text(' hi')))],
  ])('parses %s', (_name, s, want) => expect(markdownToDoc(s)).toEqual(want));

  it('leaves a bare domain in a bridge line as text', () => {
    expect(markdownToDoc('**Ada** (Slack): see ouro.foundation')).toEqual(doc(p(text('Ada', 'bold'), text(' (Slack): see ouro.foundation'))));
  });
});
