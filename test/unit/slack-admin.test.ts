/**
 * The user directory against the Slack fake's users.info (a real Web API client): names,
 * avatars, the admin rule (admin, owner, or BRIDGE_ADMINS), and the brief cache.
 */
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDirectory, USER_CACHE_TTL_MS } from '../../src/adapters/slack/admin.ts';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.ts';

let fake: FakeSlack;
let client: InstanceType<typeof webApi.WebClient>;
beforeEach(async () => {
  fake = await startFakeSlack();
  fake.users.set('U0OWN', { id: 'U0OWN', name: 'Olga Owner', is_owner: true });
  client = new webApi.WebClient('xoxb-dir', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
});
afterEach(() => fake.close());

describe('Slack user directory', () => {
  const cases: [string, string, boolean][] = [
    ['workspace admin', 'U0ADA', true],
    ['workspace owner', 'U0OWN', true],
    ['member', 'U0BOB', false],
  ];
  it.each(cases)('%s → isAdmin %s', async (_name, id, admin) => {
    expect(await createDirectory({ client }).isAdmin(id)).toBe(admin);
  });

  it('counts BRIDGE_ADMINS without asking Slack', async () => {
    expect(await createDirectory({ client, bridgeAdmins: ['U0BOB'] }).isAdmin('U0BOB')).toBe(true);
    expect(fake.callsOf('users.info')).toEqual([]);
  });

  it('names people and remembers them for a while', async () => {
    let now = 1_000;
    const dir = createDirectory({ client, now: () => now });
    expect(await dir.person('U0BOB')).toEqual({
      id: 'U0BOB',
      name: 'Bob Builder',
      avatarUrl: 'https://avatars.example/U0BOB.png',
      isAdmin: false,
      isBot: false,
      teamId: 'T0LAB',
    });
    expect(dir.cachedName('U0BOB')).toBe('Bob Builder');
    await dir.person('U0BOB');
    await dir.isAdmin('U0BOB');
    expect(fake.callsOf('users.info')).toHaveLength(1);
    now += USER_CACHE_TTL_MS + 1;
    await dir.person('U0BOB');
    expect(fake.callsOf('users.info')).toHaveLength(2);
  });

  it('does not cache a failed lookup', async () => {
    const dir = createDirectory({ client });
    await expect(dir.person('U0NOBODY')).rejects.toThrow(/user_not_found/);
    fake.users.set('U0NOBODY', { id: 'U0NOBODY', name: 'New Person' });
    expect((await dir.person('U0NOBODY')).name).toBe('New Person');
  });
});
