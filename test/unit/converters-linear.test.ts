/**
 * No input up to the largest a converter is given keeps it over 100 ms (issue #14: a
 * 160,000-character message once blocked the event loop for 10 s in a quadratic regex).
 *
 * Sizes: chat → Ouro converters take what a platform lets a person post (Slack `text` up to
 * 40,000 characters, Discord 4,000 with Nitro; markdownToDoc parses up to PARSE_MAX and takes
 * longer text as plain lines); Ouro → chat converters take a relayed text, which the core
 * cuts to RELAY_TEXT_MAX first (src/bridge/chat-text.ts).
 *
 * Timing on a shared machine: each input's time is the best of three runs, and the budget is
 * scaled by how much slower than an idle machine a fixed reference workload runs right now.
 * That loop allocates nothing, and a converter slowed by another test worker's garbage and
 * memory traffic can still go over (135 ms seen in a CI run). So an input over budget is
 * also timed at half its length, interleaved: it is slow only when its time grows faster than
 * its length (over 3× for 2× the input: a linear converter doubles, a quadratic one
 * quadruples) or passes a second outright. Load from other processes does not fail the test;
 * a quadratic blow-up (seconds) still does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromDiscord } from '../../src/adapters/discord/from-discord.ts';
import { toDiscord } from '../../src/adapters/discord/to-discord.ts';
import { fromSlack } from '../../src/adapters/slack/from-slack.ts';
import { toSlack } from '../../src/adapters/slack/to-slack.ts';
import { RELAY_TEXT_MAX } from '../../src/bridge/chat-text.ts';
import { ensureLimit } from '../../src/commands/query.ts';
import { docToMarkdown } from '../../src/ouro/convert/doc-to-markdown.ts';
import { markdownToDoc, PARSE_MAX } from '../../src/ouro/convert/markdown-to-doc.ts';

const BUDGET_MS = 100;
const SLACK_MAX = 40_000;
const DISCORD_MAX = 4_000;

/** Pieces that open constructs without closing them: what quadratic patterns feed on. */
const TOKENS = [
  '/*',
  '*/',
  '--',
  'fetch ',
  '[',
  ']',
  '](',
  '![',
  '(',
  ')',
  '*',
  '**',
  '_',
  '__',
  '~',
  '~~',
  '`',
  '```',
  '|',
  '||',
  '\\',
  '\\(',
  '\\)',
  '\\[',
  '\\]',
  '<',
  '>',
  '<@',
  '<#',
  '<!',
  '<http://a|',
  '{@',
  '}',
  '@',
  '#',
  '## ',
  '-# ',
  '> ',
  '- ',
  '1. ',
  '- [ ] ',
  '| a |',
  '|-|',
  '\n',
  '\n\n',
  ' ',
  '    ',
  '\t',
  'a',
  'word',
  'x.com',
  'http://',
  'https://a.b/c',
  '&',
  '&amp;',
  ':',
  '$',
  '😀',
  '\u0301',
];

const converters: [string, number, (s: string) => unknown][] = [
  ['toDiscord', SLACK_MAX, toDiscord],
  ['toSlack', RELAY_TEXT_MAX, toSlack],
  ['fromDiscord', DISCORD_MAX, (s) => fromDiscord(s)],
  ['fromSlack', SLACK_MAX, (s) => fromSlack({ text: s })],
  ['markdownToDoc', SLACK_MAX, markdownToDoc],
  ['markdownToDoc, the largest text it parses', PARSE_MAX, markdownToDoc],
  ['docToMarkdown', PARSE_MAX, (s) => docToMarkdown(markdownToDoc(s))],
  // The LIMIT check reads SQL as typed; 1 MB once took it 55 s.
  ['ensureLimit (SQL)', 1_000_000, ensureLimit],
];

function bestOf3(f: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/** How many times slower than an idle machine (≈ 8 ms for this loop) the machine runs now; at least 1. */
function load(): number {
  const ms = bestOf3(() => {
    let h = 0;
    for (let i = 0; i < 4_000_000; i++) h = (h * 31 + i) | 0;
    return h;
  });
  return Math.max(1, ms / 8);
}

/** Past this an input is slow whatever its growth: no load here stretches a linear converter that far. */
const HARD_MS = 1_000;

/** Whether `convert` takes over 3× as long on `input` as on its first half (timed in turns, so both see the same load). */
function superlinear(convert: (s: string) => unknown, input: string): boolean {
  const half = input.slice(0, Math.ceil(input.length / 2));
  let full = Infinity;
  let halfMs = Infinity;
  for (let i = 0; i < 3; i++) {
    halfMs = Math.min(
      halfMs,
      bestOf3(() => convert(half)),
    );
    full = Math.min(
      full,
      bestOf3(() => convert(input)),
    );
  }
  return full > 3 * Math.max(halfMs, 1);
}

/** One token repeated, and the same with a letter between: the shapes that defeat backtracking. */
const repeats = (size: number) => TOKENS.flatMap((t) => [t.repeat(Math.floor(size / t.length)), `a${t}`.repeat(Math.floor(size / (t.length + 1)))]);

describe('converters stay linear: no input up to the maximum size takes over 100 ms', () => {
  for (const [name, max, convert] of converters) {
    it(`${name} (inputs up to ${max.toLocaleString('en-US')} characters)`, { timeout: 120_000 }, () => {
      const slow: string[] = [];
      const check = (input: string) => {
        const ms = bestOf3(() => convert(input));
        if (ms > BUDGET_MS) {
          // Measure again under the load of this moment before calling it slow.
          const again = bestOf3(() => convert(input));
          const budget = BUDGET_MS * load();
          if (again > budget && (again > HARD_MS || superlinear(convert, input))) {
            slow.push(
              `${JSON.stringify(input.slice(0, 24))}… (${input.length} chars): ${again.toFixed(0)} ms > ${budget.toFixed(0)} ms, growing faster than its length`,
            );
          }
        }
      };
      for (const input of repeats(max)) check(input);
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 64 }), fc.integer({ min: 1, max }), (pieces, size) => {
          const unit = pieces.join('');
          check(unit.repeat(Math.ceil(size / unit.length)).slice(0, size));
        }),
        { numRuns: 15, seed: 16 },
      );
      expect(slow).toEqual([]);
    });
  }
});
