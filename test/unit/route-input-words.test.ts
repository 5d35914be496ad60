import { describe, expect, it } from 'vitest';
import { mentionCommand } from '../../src/adapters/slack/inbound.ts';
import { meansFileAbove } from '../../src/commands/thread-file.ts';

describe('meansFileAbove: the --input words that name the thread’s newest file', () => {
  it.each([
    ['the file above', true],
    ['above', true],
    ['The File Above', true],
    ['file above', true],
    ['the  file   above', true],
    ['the last file', true],
    ['last file above', true],
    ['0193a5c0-0000-7000-8000-000000000020', false],
    ['the file', false],
    ['above.cif', false],
    ['', false],
  ])('%j → %s', (value, expected) => expect(meansFileAbove(value)).toBe(expected));
});

describe('mentionCommand: what a mention of the Slack app asks for', () => {
  it.each([
    ['<@U0BOT> route alice/relax --input “the file above”', 'route alice/relax --input “the file above”'],
    ['<@U0BOT|ouro>: Route alice/relax t=1', 'Route alice/relax t=1'],
    ['  <@U0BOT>   route   x', 'route   x'],
    ['<@U0BOT> route a/b note=&lt;x&gt; &amp; y', 'route a/b note=<x> & y'],
    ['<@U0BOT>', 'help'],
    ['<@U0BOT> route', 'help'],
    ['<@U0BOT> query penguins', 'help'],
    ['<@U0OTHER> route a/b', 'help'],
    [undefined, 'help'],
  ])('%j → %j', (text, expected) => expect(mentionCommand(text, 'U0BOT')).toBe(expected));
});
