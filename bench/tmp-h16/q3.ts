import { toSlack } from '../../src/adapters/slack/to-slack.ts';
import { toDiscord } from '../../src/adapters/discord/to-discord.ts';
import { markdownToDoc } from '../../src/ouro/convert/markdown-to-doc.ts';
import { docToMarkdown } from '../../src/ouro/convert/doc-to-markdown.ts';
const pats = ['[', '](', '![', '|-|\n', '<http://a|', '*a', '_a', '`', '| a |\n', '> ', '**', '~~', '\\(', '<', '__a', 'a.b ', '[a](b', '$'];
const N = Number(process.argv[2] ?? 40000);
for (const [name, f] of [['toSlack', toSlack], ['toDiscord', toDiscord], ['markdownToDoc', markdownToDoc], ['docToMarkdown', (s: string) => docToMarkdown(markdownToDoc(s) as any)]] as const) {
  const res: string[] = [];
  for (const p of pats) for (const s of [p.repeat(Math.floor(N / p.length)), ('a' + p).repeat(Math.floor(N / (p.length + 1)))]) {
    let best = Infinity;
    for (let k = 0; k < 3; k++) { const t = performance.now(); f(s); best = Math.min(best, performance.now() - t); }
    if (best > 20) res.push(`${JSON.stringify(s.slice(0, 6))}:${best.toFixed(0)}`);
  }
  console.log(N, name, res.join(' '));
}
