import { describe, expect, it } from 'vitest';
import { teamsOf } from '../../src/adapters/slack/places.ts';

/** Users' home teams as the directory's cache knows them (U0NEW not yet: looked up after the ack). */
const directory = {
  known: (id: string) => (id === 'U0NEW' ? undefined : { id, name: id, isAdmin: false, isBot: false, teamId: id === 'U0EXT' ? 'T0OTHER' : 'T0LAB' }),
};

describe('teamsOf: every team a Slack request speaks for', () => {
  it.each([
    ['an event', { team_id: 'T0LAB', event: { team: 'T0LAB' } }, ['T0LAB']],
    ['a Slack Connect guest’s message', { team_id: 'T0LAB', event: { user_team: 'T0OTHER', team: 'T0OTHER' } }, ['T0LAB', 'T0OTHER']],
    ['a guest’s edit', { team_id: 'T0LAB', event: { message: { user_team: 'T0OTHER' } } }, ['T0LAB', 'T0OTHER']],
    ['a button press by a guest', { team: { id: 'T0LAB' }, user: { id: 'U0EXT', team_id: 'T0OTHER' } }, ['T0LAB', 'T0OTHER']],
    ['a modal submission', { view: { team_id: 'T0LAB' }, user: { team_id: 'T0LAB' } }, ['T0LAB']],
    ['a slash command by a member', { command: '/ouro', team_id: 'T0LAB', user_id: 'U0ADA' }, ['T0LAB']],
    ['a slash command by a guest', { command: '/ouro', team_id: 'T0LAB', user_id: 'U0EXT' }, ['T0LAB', 'T0OTHER']],
    ['a slash command by someone not cached (their team is checked after the ack)', { command: '/ouro', team_id: 'T0LAB', user_id: 'U0NEW' }, ['T0LAB']],
    ['a request from another team', { team_id: 'T0STRANGER' }, ['T0STRANGER']],
  ])('%s', (_name, body, expected) => {
    expect(teamsOf(body, directory)).toEqual(expected);
  });
});
