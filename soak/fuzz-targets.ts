/**
 * What scenario 5 fuzzes: every pure entry point that reads text or JSON a person or a
 * remote service controls. Each target names the errors its module documents (anything
 * else thrown is a crash) and checks cheap invariants (limits, shapes) by throwing
 * `InvariantError`, which is never allowed.
 */
import fc from 'fast-check';
import { fromDiscord } from '../src/adapters/discord/from-discord.ts';
import { renderText } from '../src/adapters/discord/render.ts';
import { LIMITS as DISCORD } from '../src/adapters/discord/limits.ts';
import { toDiscord } from '../src/adapters/discord/to-discord.ts';
import { clipMessage, splitText } from '../src/adapters/slack/blocks.ts';
import { LIMITS as SLACK } from '../src/adapters/slack/limits.ts';
import { fromSlack } from '../src/adapters/slack/from-slack.ts';
import { toSlack } from '../src/adapters/slack/to-slack.ts';
import { commandSpecs, UserError } from '../src/commands/index.ts';
import { ParseError, parseArgs, tokenize } from '../src/commands/parse.ts';
import { bindArgs, createRegistry, locate, type Registry } from '../src/commands/registry.ts';
import { docToMarkdown } from '../src/ouro/convert/doc-to-markdown.ts';
import { htmlToMarkdown } from '../src/ouro/convert/html-to-markdown.ts';
import { markdownToDoc } from '../src/ouro/convert/markdown-to-doc.ts';
import { richText } from '../src/ouro/normalise.ts';
import type { DocNode } from '../src/ouro/types.ts';
import { parseWebhook } from '../src/ouro/webhooks.ts';

export class InvariantError extends Error {
  override name = 'InvariantError';
}
const expect = (ok: boolean, what: string) => {
  if (!ok) throw new InvariantError(what);
};

export interface Target {
  name: string;
  /** The entry point(s), as the row shows them. */
  what: string;
  arb: fc.Arbitrary<unknown>;
  run(input: unknown): void;
  /** The documented error type(s); undefined: nothing may be thrown. */
  allowed?: (err: unknown) => boolean;
}

// ------------------------------------------------------------------ inputs

/** Pieces of every markup the bridge reads or writes, so random text hits the parsers' edges. */
const PIECES = [
  '*',
  '_',
  '~',
  '`',
  '```',
  '**',
  '__',
  '~~',
  '||',
  '>',
  '>>> ',
  '-# ',
  '#',
  '## ',
  '- ',
  '1. ',
  '|',
  '---',
  '\n',
  '\n\n',
  ' ',
  '\t',
  '\\',
  '<',
  '>',
  '&',
  '&amp;',
  '&lt;',
  '&gt;',
  '<@U0ADA>',
  '<@U1|ada>',
  '<#C1|lab>',
  '<!channel>',
  '<!here>',
  '<http://x.org|x>',
  '<mailto:a@b.c>',
  '<@123>',
  '<@!123>',
  '<@&9>',
  '<#77>',
  '</ouro:1>',
  '<:emo:123>',
  '<a:emo:1>',
  '<t:1700000000:R>',
  '<t:-9999999999999:f>',
  ':smile:',
  ':+1::skin-tone-2:',
  '[a](http://x)',
  '![i](http://y)',
  '[d](dataset:1)',
  '<br>',
  '<b>',
  '</b>',
  '<script>',
  '"',
  '“',
  '”',
  '„',
  "'",
  '‘',
  '’',
  '--item',
  '--continuous',
  '--type',
  '--',
  '--x=',
  '=',
  'quest',
  'create',
  'query',
  'help',
  'mirror',
  'watch',
  'link',
  'search',
  'threads',
  '{{table}}',
  'select 1',
  '\u200b',
  '\uE000',
  '\uE001',
  '😀',
  '\u0000',
  '\r\n',
];
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);
/** Markup soup: mostly meaningful pieces, some plain and some arbitrary Unicode. */
export const soup = (maxPieces = 40) => fc.array(piece, { maxLength: maxPieces }).map((p) => p.join(''));
/** fast-check keeps arrays short by default; one case in five is long enough to cross every platform limit. */
const longSoup = fc.oneof(
  { weight: 4, arbitrary: soup() },
  { weight: 1, arbitrary: fc.array(piece, { minLength: 50, maxLength: 400, size: 'max' }).map((p) => p.join('').repeat(8)) },
);

/** Slack rich_text blocks, well-formed or not (they come from the network). */
const richElement: fc.Arbitrary<unknown> = fc.letrec<{ el: unknown }>((tie) => ({
  el: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      type: fc.constant('text'),
      text: soup(6),
      style: fc.option(fc.dictionary(fc.constantFrom('bold', 'italic', 'strike', 'code'), fc.boolean()), { nil: undefined }),
    }),
    fc.record({ type: fc.constant('link'), url: fc.oneof(fc.webUrl(), soup(3)), text: fc.option(soup(3), { nil: undefined }) }),
    fc.record({ type: fc.constant('user'), user_id: fc.constantFrom('U0ADA', 'U9', '') }),
    fc.record({ type: fc.constant('channel'), channel_id: fc.constantFrom('C1', '') }),
    fc.record({
      type: fc.constant('emoji'),
      name: fc.constantFrom('smile', '+1', 'nope', ''),
      unicode: fc.option(fc.constantFrom('1f600', 'zz', ''), { nil: undefined }),
    }),
    fc.record({ type: fc.constant('broadcast'), range: fc.constantFrom('here', 'channel', 'everyone') }),
    fc.record({
      type: fc.constantFrom('rich_text_section', 'rich_text_list', 'rich_text_quote', 'rich_text_preformatted'),
      style: fc.option(fc.constantFrom('bullet', 'ordered'), { nil: undefined }),
      indent: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
      elements: fc.array(tie('el'), { maxLength: 4 }),
    }),
  ),
})).el;
/** Messages as Slack documents them (rich_text as its schema says, other blocks anything). */
const slackMessage = fc.record({
  text: fc.option(longSoup, { nil: undefined }),
  blocks: fc.option(
    fc.array(fc.oneof(fc.record({ type: fc.constant('rich_text'), elements: fc.array(richElement, { maxLength: 4 }) }), fc.jsonValue({ maxDepth: 2 })), {
      maxLength: 3,
    }),
    { nil: undefined },
  ),
});
/** rich_text whose elements are any JSON: what an unexpected payload (or a new Slack field) looks like. */
const wildSlackMessage = fc.record({
  text: fc.option(fc.oneof(soup(8)), { nil: undefined }),
  blocks: fc.array(
    fc.record({
      type: fc.constant('rich_text'),
      elements: fc.array(
        fc.oneof(
          richElement,
          fc.record(
            {
              type: fc.constantFrom('rich_text_section', 'rich_text_list', 'rich_text_quote', 'rich_text_preformatted', 'text', 'link', 'user', 'emoji'),
              style: fc.jsonValue({ maxDepth: 1 }),
              indent: fc.jsonValue({ maxDepth: 1 }),
              elements: fc.jsonValue({ maxDepth: 2 }),
              text: fc.jsonValue({ maxDepth: 1 }),
              url: fc.jsonValue({ maxDepth: 1 }),
              name: fc.jsonValue({ maxDepth: 1 }),
            },
            { requiredKeys: ['type'] },
          ),
        ),
        { maxLength: 4 },
      ),
    }),
    { maxLength: 2 },
  ),
});

const DOC_TYPES = [
  'paragraph',
  'text',
  'heading',
  'bulletList',
  'orderedList',
  'listItem',
  'taskList',
  'taskItem',
  'codeBlock',
  'blockquote',
  'hardBreak',
  'horizontalRule',
  'image',
  'table',
  'tableRow',
  'tableHeader',
  'tableCell',
  'mention',
  'assetComponent',
  'mystery',
];
const MARKS = ['bold', 'italic', 'strike', 'code', 'link', 'underline', 'mystery'];
/** TipTap nodes as the type says they are (attrs and text random). */
const docNode: fc.Arbitrary<DocNode> = fc.letrec<{ node: DocNode }>((tie) => {
  const fields = {
    type: fc.constantFrom(...DOC_TYPES),
    attrs: fc.dictionary(
      fc.constantFrom('level', 'start', 'href', 'src', 'alt', 'language', 'checked', 'id', 'label', 'username', 'assetType'),
      fc.jsonValue({ maxDepth: 1 }),
      { maxKeys: 3 },
    ),
    marks: fc.array(
      fc.record({
        type: fc.constantFrom(...MARKS),
        attrs: fc.option(fc.dictionary(fc.constantFrom('href', 'title'), fc.jsonValue({ maxDepth: 1 })), { nil: undefined }),
      }),
      { maxLength: 2 },
    ),
    text: soup(5),
  };
  return {
    // Depth bounded (4 levels) so a case stays small: wide trees add nothing the parsers have not seen.
    node: fc.oneof(
      { maxDepth: 4, depthIdentifier: 'doc' },
      fc.record(fields, { requiredKeys: ['type'] }),
      fc.record({ ...fields, content: fc.array(tie('node'), { maxLength: 4 }) }, { requiredKeys: ['type'] }),
    ),
  };
}).node;
/** What a network answer may hold where a doc's nodes go: nodes, near-nodes, anything. */
const wildNode = fc.oneof(
  docNode,
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({
    type: fc.constantFrom(...DOC_TYPES),
    content: fc.jsonValue({ maxDepth: 2 }),
    text: fc.jsonValue({ maxDepth: 1 }),
    marks: fc.jsonValue({ maxDepth: 2 }),
    attrs: fc.jsonValue({ maxDepth: 2 }),
  }),
);

const webhookBody = fc.oneof(
  fc.anything(),
  fc.record(
    {
      event: fc.oneof(fc.constantFrom('new-message', 'NEW_MESSAGE', 'new-conversation', 'interrupt', ' ', ''), fc.string(), fc.jsonValue({ maxDepth: 1 })),
      data: fc.oneof(
        fc.record(
          {
            conversation_id: fc.oneof(fc.uuid(), fc.jsonValue({ maxDepth: 1 })),
            id: fc.oneof(fc.uuid(), fc.integer(), fc.constant('')),
            message_id: fc.jsonValue({ maxDepth: 1 }),
            text: fc.oneof(soup(8), fc.jsonValue({ maxDepth: 1 })),
            type: fc.jsonValue({ maxDepth: 1 }),
            actor: fc.oneof(
              fc.record({
                id: fc.oneof(fc.uuid(), fc.integer(), fc.constant('')),
                username: fc.jsonValue({ maxDepth: 1 }),
                is_agent: fc.jsonValue({ maxDepth: 1 }),
              }),
              fc.jsonValue({ maxDepth: 2 }),
            ),
            sender: fc.jsonValue({ maxDepth: 2 }),
            user: fc.jsonValue({ maxDepth: 2 }),
            user_id: fc.jsonValue({ maxDepth: 1 }),
            asset: fc.jsonValue({ maxDepth: 2 }),
            notification_id: fc.jsonValue({ maxDepth: 1 }),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      delivery_id: fc.jsonValue({ maxDepth: 1 }),
      timestamp: fc.jsonValue({ maxDepth: 1 }),
      user_id: fc.jsonValue({ maxDepth: 1 }),
      notification_id: fc.jsonValue({ maxDepth: 1 }),
      notification_ids: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: [] },
  ),
);

const commandText = fc.oneof(
  soup(20),
  fc
    .tuple(
      fc.constantFrom(
        'help',
        'link',
        'unlink',
        'mirror',
        'mirror attach',
        'query',
        'datasets',
        'search',
        'quest create',
        'quest list',
        'quest show',
        'quest submit',
        'quest review',
        'quest close',
        'quest',
        'watch',
        'unwatch',
        'watches',
        'QUEST Create',
        'nope',
      ),
      soup(12),
    )
    .map(([a, b]) => `${a} ${b}`),
);

// ------------------------------------------------------------------ targets

let registry: Registry | undefined;
const getRegistry = (): Registry => (registry ??= createRegistry(commandSpecs(() => registry!)));
const isParseError = (e: unknown) => e instanceof ParseError;
const isUserFacing = (e: unknown) => e instanceof ParseError || e instanceof UserError;
const isString = (v: unknown, what: string) => expect(typeof v === 'string', `${what} returned ${typeof v}, not a string`);

export const TARGETS: Target[] = [
  {
    name: 'command tokenizer',
    what: 'commands/parse.ts tokenize',
    arb: soup(),
    allowed: isParseError,
    run(text) {
      const s = text as string;
      let end = 0;
      for (const t of tokenize(s)) {
        expect(t.start >= end && t.end > t.start && t.end <= s.length, `token [${t.start}, ${t.end}) out of place`);
        if (!t.quoted) expect(t.value === s.slice(t.start, t.end), 'an unquoted token is not its own text');
        end = t.end;
      }
    },
  },
  {
    name: 'command flags',
    what: 'commands/parse.ts parseArgs',
    arb: soup(),
    allowed: isParseError,
    run(text) {
      const r = parseArgs(tokenize(text as string), { item: 'string', continuous: 'boolean', type: 'string' });
      expect(Array.isArray(r.positionals) && r.flags instanceof Map, 'parseArgs returned a bad shape');
      for (const [name, values] of r.flags)
        expect(
          values.every((v) => v !== ''),
          `--${name} kept an empty value`,
        );
    },
  },
  {
    name: 'command registry',
    what: 'commands/registry.ts locate + bindArgs (every spec)',
    arb: commandText,
    allowed: isUserFacing,
    run(text) {
      const located = locate(getRegistry(), text as string);
      expect(located !== undefined && !!located.spec, 'locate returned no spec');
      const bound = bindArgs(located.spec, text as string, located.nameTokens);
      for (const a of located.spec.args) if (a.required) expect(typeof bound.args[a.name] === 'string', `required <${a.name}> missing without an error`);
    },
  },
  {
    name: 'slack → markdown',
    what: 'adapters/slack/from-slack.ts fromSlack (mrkdwn + rich_text)',
    arb: slackMessage,
    run(m) {
      isString(fromSlack(m as { text?: string; blocks?: unknown[] }, { userName: (id) => (id === 'U0ADA' ? 'Ada' : undefined) }), 'fromSlack');
    },
  },
  {
    name: 'slack blocks from the network',
    what: 'adapters/slack/from-slack.ts fromSlack on rich_text with any JSON fields',
    arb: wildSlackMessage,
    run(m) {
      isString(fromSlack(m as { text?: string; blocks?: unknown[] }), 'fromSlack');
    },
  },
  {
    name: 'markdown → slack',
    what: 'adapters/slack/to-slack.ts toSlack, blocks.ts splitText/clipMessage',
    arb: longSoup,
    run(md) {
      const out = toSlack(md as string);
      isString(out, 'toSlack');
      for (const part of splitText(out, SLACK.sectionText))
        expect(part.length <= SLACK.sectionText, `a section of ${part.length} > ${SLACK.sectionText} chars`);
      expect(clipMessage(out).length <= SLACK.messageText, 'clipMessage over 40,000 chars');
    },
  },
  {
    name: 'discord → markdown',
    what: 'adapters/discord/from-discord.ts fromDiscord',
    arb: longSoup,
    run(text) {
      isString(fromDiscord(text as string, { user: (id) => (id === '123' ? 'Ada' : undefined) }), 'fromDiscord');
    },
  },
  {
    name: 'markdown → discord',
    what: 'adapters/discord/to-discord.ts toDiscord, render.ts renderText',
    arb: longSoup,
    run(md) {
      isString(toDiscord(md as string), 'toDiscord');
      const parts = renderText(md as string);
      expect(parts.length > 0, 'renderText returned no message');
      for (const p of parts) expect(p.length <= DISCORD.content, `a message of ${p.length} > ${DISCORD.content} chars`);
    },
  },
  {
    name: 'ouro webhook parser',
    what: 'ouro/webhooks.ts parseWebhook',
    arb: webhookBody,
    run(body) {
      const r = parseWebhook(body);
      if (r.ok)
        expect(
          typeof r.delivery.event === 'string' && r.delivery.event !== '' && Array.isArray(r.delivery.notificationIds),
          'accepted a delivery without an event',
        );
      else expect(typeof r.error === 'string' && r.error !== '', 'refused without saying why');
    },
  },
  {
    name: 'markdown → doc → markdown',
    what: 'ouro/convert markdownToDoc, docToMarkdown',
    arb: longSoup,
    run(md) {
      const doc = markdownToDoc(md as string);
      expect(doc?.type === 'doc' && Array.isArray(doc.content), 'markdownToDoc returned no doc');
      isString(docToMarkdown(doc), 'docToMarkdown');
    },
  },
  {
    name: 'doc → markdown (typed)',
    what: 'ouro/convert/doc-to-markdown.ts on DocNode trees',
    arb: fc.array(docNode, { maxLength: 5 }),
    run(content) {
      isString(docToMarkdown({ type: 'doc', content: content as DocNode[] }), 'docToMarkdown');
    },
  },
  {
    name: 'doc from the network',
    what: 'ouro/normalise.ts richText → docToMarkdown on any JSON nodes',
    arb: fc.record({ json: fc.record({ type: fc.constant('doc'), content: fc.array(wildNode, { maxLength: 4 }) }) }),
    run(v) {
      const r = richText(v);
      expect(r !== null && typeof r.text === 'string', 'richText gave no text');
    },
  },
  {
    name: 'html → markdown',
    what: 'ouro/convert/html-to-markdown.ts htmlToMarkdown',
    arb: fc.oneof(longSoup, fc.string()),
    run(html) {
      isString(htmlToMarkdown(html as string), 'htmlToMarkdown');
    },
  },
];
