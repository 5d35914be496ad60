import { describe, expect, it } from 'vitest';
import { toDiscord } from '../../src/adapters/discord/to-discord.ts';
import { toSlack } from '../../src/adapters/slack/to-slack.ts';
import { spoofedHost } from '../../src/text/links.ts';

describe('link spoofing: a label naming another host shows the real one', () => {
  it.each([
    ['a URL label to another host', 'https://ouro.foundation/posts/1', 'https://evil.example/x', 'evil.example'],
    ['a bare domain label', 'ouro.foundation', 'https://evil.example', 'evil.example'],
    ['a domain inside the label', 'log in at www.ouro.foundation now', 'https://evil.example', 'evil.example'],
    ['the same host', 'https://ouro.foundation/a', 'https://www.ouro.foundation/b', undefined],
    ['a subdomain of the named host', 'ouro.foundation', 'https://app.ouro.foundation/x', undefined],
    ['a label with no host', 'the results', 'https://evil.example', undefined],
    ['a target that is not a URL', 'ouro.foundation', 'dataset:0193', undefined],
    ['a file name is not a host', 'fit.png', 'https://ouro.foundation/files/alice/fit-png', undefined],
    ['a file name with a scheme is', 'https://results.zip', 'https://evil.example', 'evil.example'],
    ['a file name behind www. is', 'www.data.zip', 'https://evil.example', 'evil.example'],
  ])('%s', (_name, label, href, want) => {
    expect(spoofedHost(label, href)).toBe(want);
  });

  it('on Slack', () => {
    expect(toSlack('[https://ouro.foundation/x](https://evil.example/y)')).toBe('<https://evil.example/y|https://ouro.foundation/x> (evil.example)');
    expect(toSlack('[results](https://evil.example/y)')).toBe('<https://evil.example/y|results>');
  });

  it('on Discord', () => {
    expect(toDiscord('see [ouro.foundation](https://evil.example/y) now')).toBe('see [ouro.foundation](https://evil.example/y) (evil.example) now');
    expect(toDiscord('[results](https://evil.example/y)')).toBe('[results](https://evil.example/y)');
  });
});
