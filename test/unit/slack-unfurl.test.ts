import { describe, expect, it } from 'vitest';
import { parseOuroUrl } from '../../src/adapters/slack/unfurl.ts';

const ID = '0193a5c0-0000-7000-8000-000000000021';

describe('parseOuroUrl', () => {
  const cases: [string, ReturnType<typeof parseOuroUrl>][] = [
    ['https://ouro.foundation/datasets/bob/penguins', { type: 'dataset', owner: 'bob', slug: 'penguins', path: '/datasets/bob/penguins' }],
    [
      'https://ouro.foundation/quests/alice/measure-curie-temperatures?tab=entries',
      { type: 'quest', owner: 'alice', slug: 'measure-curie-temperatures', path: '/quests/alice/measure-curie-temperatures' },
    ],
    [
      'https://www.ouro.foundation/posts/alice/screening-week-1#top',
      { type: 'post', owner: 'alice', slug: 'screening-week-1', path: '/posts/alice/screening-week-1' },
    ],
    [`https://ouro.foundation/assets/${ID}`, { type: undefined, id: ID }],
    [`https://ouro.foundation/datasets/${ID}`, { type: 'dataset', id: ID }],
    ['https://ouro.foundation/datasets/bob%20x/pen%20guins', { type: 'dataset', owner: 'bob x', slug: 'pen guins', path: '/datasets/bob x/pen guins' }],
    ['https://ouro.foundation/', undefined],
    ['https://ouro.foundation/settings/api-keys', undefined],
    ['https://ouro.foundation/conversations/abc', undefined],
    ['https://ouro.foundation/assets/not-an-id', undefined],
    ['https://ouro.foundation.evil.org/datasets/bob/penguins', undefined],
    ['https://notouro.foundation/datasets/bob/penguins', undefined],
    ['not a url', undefined],
  ];
  it.each(cases)('%s', (url, expected) => {
    expect(parseOuroUrl(url)).toEqual(expected);
  });

  it('honours other domains (a self-hosted Ouro)', () => {
    expect(parseOuroUrl('https://ouro.lab.example/posts/a/b', ['ouro.lab.example'])).toMatchObject({ type: 'post', slug: 'b' });
  });
});
