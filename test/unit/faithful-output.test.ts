/**
 * Pure parts of "what we send is what the platforms accept and show": author names, thread
 * names, the bot-path prefix, Slack link URLs, and the relayed text's cap.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS as DISCORD } from '../../src/adapters/discord/limits.ts';
import { MAX_PARTS, relayParts, textRoom, threadName, webhookName, withAuthor } from '../../src/adapters/discord/outbound.ts';
import { LIMITS as SLACK } from '../../src/adapters/slack/limits.ts';
import { toSlack } from '../../src/adapters/slack/to-slack.ts';
import { chatCopyAuthor, ouroAuthor } from '../../src/bridge/author.ts';
import { conversationUrl, RELAY_TEXT_MAX, relayText } from '../../src/bridge/chat-text.ts';
import { hasLoneSurrogate } from '../../src/text/cut.ts';

describe('author names keep their platform label', () => {
  it.each([
    ['a padded name', `Ada${' '.repeat(200)}Lovelace`],
    ['a long name', 'A'.repeat(300)],
    ['a name full of emoji', '🧪👩🏽‍🔬🇫🇷'.repeat(40)],
  ])('%s from Ouro ends in "(Ouro)" within both platforms\' username limits', (_name, name) => {
    const shown = ouroAuthor({ id: 'm', created_at: '', user: { name } }).name;
    expect(shown.endsWith(' (Ouro)')).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(Math.min(SLACK.username, DISCORD.webhookUsername));
    expect(webhookName(shown)).toBe(shown);
    expect(hasLoneSurrogate(shown)).toBe(false);
    expect(shown).not.toMatch(/ {2}/);
  });

  it('a long chat name copied to the other chat keeps "(Discord)"', () => {
    const shown = chatCopyAuthor({ id: 'U1', name: 'B'.repeat(200) }, 'discord').name;
    expect(shown.endsWith(' (Discord)')).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(80);
  });
});

describe('Discord thread names', () => {
  it.each([
    ['a heading marker', '## Quest: Map the tide pools', 'Quest: Map the tide pools'],
    ['a deep heading', '#### Notes', 'Notes'],
    ['a quote', '> hello there', 'hello there'],
    ['subtext and a list item', '-# - first', 'first'],
    ['a code fence first', '```\ncode', 'code'],
    ['an empty root', '', 'Ouro conversation'],
    ['only markers', '## ', 'Ouro conversation'],
  ])('%s', (_name, root, want) => {
    expect(threadName(root)).toBe(want);
  });

  it('a long name of emoji is cut whole, within 100', () => {
    const name = threadName('😀'.repeat(80));
    expect(name.length).toBeLessThanOrEqual(DISCORD.threadName);
    expect(hasLoneSurrogate(name)).toBe(false);
  });
});

describe('Discord bot path: the author prefix is counted before splitting', () => {
  it('a 3,000-character paragraph loses nothing when sent as the bot', () => {
    const text = Array.from({ length: 300 }, (_, i) => `w${String(i).padStart(3, '0')}ords`)
      .join(' ')
      .slice(0, 3000);
    const author = 'Ada Lovelace (Ouro)';
    const sent = relayParts(text, author).map((p) => withAuthor(p, author));
    for (const s of sent) expect(s.length).toBeLessThanOrEqual(DISCORD.content);
    const back = sent.map((s) => s.replace(/^\*\*Ada Lovelace \(Ouro\)\*\*: /, '')).join(' ');
    expect(back.replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
    expect(textRoom(author)).toBeLessThan(DISCORD.content);
  });

  it('a text of a million characters goes out as at most MAX_PARTS messages, the last saying where the rest is', () => {
    const parts = relayParts('word '.repeat(200_000), 'Ada (Ouro)');
    expect(parts.length).toBe(MAX_PARTS);
    expect(parts.at(-1)).toMatch(/full text is on Ouro/);
  });
});

describe('Slack link URLs', () => {
  it('escape a raw & as &amp;', () => {
    expect(toSlack('[results](https://ouro.foundation/search?q=a&b=c)')).toBe('<https://ouro.foundation/search?q=a&amp;b=c|results>');
  });
});

describe('relayed text from Ouro', () => {
  const url = conversationUrl(undefined, 'c1');
  it.each([
    ['empty', ''],
    ['blank', ' \n\t '],
  ])('%s text is not relayed', (_name, text) => {
    expect(relayText(text, url)).toBeUndefined();
  });

  it('a long text is cut at a line break and links to the conversation on Ouro', () => {
    const text = 'a line of text\n'.repeat(10_000);
    const got = relayText(text, url)!;
    expect(got.length).toBeLessThanOrEqual(RELAY_TEXT_MAX);
    expect(got).toMatch(/a line of text\n\n… continued on Ouro: https:\/\/ouro\.foundation\/conversations\/c1$/);
  });

  it('a cut inside a code block closes the block', () => {
    const got = relayText(`\`\`\`\n${'x = 1\n'.repeat(5000)}`, url)!;
    expect((got.match(/```/g) ?? []).length % 2).toBe(0);
  });
});
