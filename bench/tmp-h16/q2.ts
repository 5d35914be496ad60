import { toSlack } from '/work/wt/h16/src/adapters/slack/to-slack.ts';
import { markdownToDoc } from '/work/wt/h16/src/ouro/convert/markdown-to-doc.ts';
import MarkdownIt from 'markdown-it';
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
const pats = ['[', '](', '![', '|-|\n', '<http://a|', '*a', '_a', '`', '| a |\n', '> ', '- ', '1. ', '**', '~~', '\\(', '<'];
for (const N of [8000, 40000]) for (const [name, f] of [['toSlack', toSlack], ['markdownToDoc', markdownToDoc], ['md.parse', (s: string) => md.parse(s, {})]] as const) {
  const res: string[] = [];
  for (const p of pats) for (const s of [p.repeat(Math.floor(N / p.length)), ('a' + p).repeat(Math.floor(N / (p.length + 1)))]) {
    const t = performance.now(); f(s); const d = performance.now() - t;
    if (d > 30) res.push(`${JSON.stringify(s.slice(0, 6))}:${d.toFixed(0)}`);
  }
  console.log(N, name, res.join(' '));
}
