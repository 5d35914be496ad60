/**
 * Whose authority (README "Security model"), over Discord: the real runtime and discord.js
 * Client against the Discord fake and the Ouro sandbox, configured with
 * DISCORD_ALLOWED_GUILDS = the fake's own server and OURO_ALLOWED_ORGS = "Ouro Lab".
 * A stranger's server gets one line naming the variable and nothing else; `link` offers and
 * accepts only allowed orgs; a forged button value changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUILD_NOT_ALLOWED } from '../../src/adapters/discord/inbound.ts';
import { SEED_IDS } from '../../src/sandbox/index.ts';
import { eventually, MANAGE_SERVER, startDiscordApp, type DiscordApp } from '../helpers/discord-app.ts';
import { visibleText, type RecordedCall } from '../helpers/fake-discord.ts';

/** A server the bot was invited to (Public Bot on) but the operator never listed. */
const STRANGER = '999999999999999999';

let h: DiscordApp;
beforeAll(async () => {
  h = await startDiscordApp({ env: { OURO_ALLOWED_ORGS: 'Ouro Lab' } });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** Runs a command in the fake's own server and returns the text of its answer. */
async function answer(text: string, o: { admin?: boolean } = {}): Promise<string> {
  const { token } = h.command(text, o);
  const base = `/webhooks/${h.fake.ids.app}/${token}`;
  const isAnswer = (c: RecordedCall) => (c.method === 'PATCH' && c.path === `${base}/messages/@original`) || (c.method === 'POST' && c.path === base);
  return visibleText((await h.fake.waitForCall(isAnswer, 20_000, `an answer to "${text}"`)).body);
}

const channel = () => ({ platform: 'discord' as const, workspace: h.fake.ids.guild, channel: h.fake.ids.channel });

describe('a server the operator did not allow', () => {
  it('answers every command with one line naming DISCORD_ALLOWED_GUILDS, and does nothing else', async () => {
    const { id, token } = h.command('link "Ouro Lab"', { admin: true, guildId: STRANGER });
    const callback = await h.fake.waitForCall((c) => c.path === `/interactions/${id}/${token}/callback`, 10_000);
    expect(callback.body).toMatchObject({ type: 4, data: { content: GUILD_NOT_ALLOWED, flags: 64 } });
    expect(GUILD_NOT_ALLOWED).toContain('DISCORD_ALLOWED_GUILDS');
    // The same command in the allowed server is answered; by then the stranger's would have been.
    expect(await answer('mirror status')).toContain('not linked');
    expect(h.fake.calls.some((c) => c.path.startsWith(`/webhooks/${h.fake.ids.app}/${token}`))).toBe(false);
    expect(await h.app.store.getChannelLink({ platform: 'discord', workspace: STRANGER, channel: h.fake.ids.channel })).toBeUndefined();
  });

  it('refuses a button and offers no autocomplete there', async () => {
    const before = h.sandbox.state.entries.find((e) => e.id === SEED_IDS.entrySubmitted)!.status;
    const msg = h.fake.userMessage('a message');
    const press = h.fake.button(`entry.reject|${SEED_IDS.quest}:${SEED_IDS.entrySubmitted}`, msg.id, { permissions: MANAGE_SERVER, guildId: STRANGER });
    const callback = await h.fake.waitForCall((c) => c.path === `/interactions/${press.id}/${press.token}/callback`, 10_000);
    expect(callback.body.data.content).toBe(GUILD_NOT_ALLOWED);
    const auto = h.fake.autocomplete('ouro', [{ type: 1, name: 'query', options: [{ type: 3, name: 'dataset', value: 'pen', focused: true }] }], {
      guildId: STRANGER,
    });
    await eventually(() => expect(h.fake.autocompleteAnswers.find((a) => a.token === auto.token)?.choices).toEqual([]));
    expect(h.sandbox.state.entries.find((e) => e.id === SEED_IDS.entrySubmitted)!.status).toBe(before);
  });
});

describe('orgs the operator allows', () => {
  it('refuses to link an org not in OURO_ALLOWED_ORGS, naming only the allowed ones', async () => {
    const text = await answer('link "Helix Materials"', { admin: true });
    expect(text).toContain('No organization “Helix Materials” that this bridge may link to');
    expect(text).toContain('Ouro Lab');
    expect(text).not.toContain(SEED_IDS.orgHelix);
    expect(await h.app.store.getChannelLink(channel())).toBeUndefined();
  });

  it('never lists the bot’s other orgs in link’s error', async () => {
    const text = await answer('link nosuchorg', { admin: true });
    expect(text).not.toMatch(/Helix/);
    expect(text).not.toContain(SEED_IDS.orgHelix);
  });
});

describe('buttons act only on what the bridge posted', () => {
  it('refuses a forged custom_id naming another org’s entry, in words, and changes nothing', async () => {
    expect(await answer('link "Ouro Lab" materials', { admin: true })).toContain('now linked');
    const card = await h.discord.post(channel(), { text: 'not a notice' });
    const { token } = h.fake.button(`entry.reject|${SEED_IDS.questHelix}:${SEED_IDS.entryHelixSubmitted}`, card.messageId, { permissions: MANAGE_SERVER });
    const followUp = await h.fake.waitForCall((c) => c.method === 'POST' && c.path === `/webhooks/${h.fake.ids.app}/${token}`, 20_000);
    expect(visibleText(followUp.body)).toContain('not on an entry notice the bridge posted');
    expect(followUp.body.flags).toBe(64);
    expect(h.sandbox.state.entries.find((e) => e.id === SEED_IDS.entryHelixSubmitted)!.status).toBe('submitted');
    expect(h.fake.calls.some((c) => c.method === 'PATCH' && c.path === `/channels/${h.fake.ids.channel}/messages/${card.messageId}`)).toBe(false);
  });
});

describe('messages in a server the operator did not allow', () => {
  let other: DiscordApp;
  beforeAll(async () => {
    // The fake's own server is the stranger here.
    other = await startDiscordApp({ env: { DISCORD_ALLOWED_GUILDS: '111111111111111111' } });
  }, 60_000);
  afterAll(async () => {
    await other?.close();
  });

  it('are not mirrored, even in a channel linked before the operator narrowed the list', async () => {
    const key = { platform: 'discord' as const, workspace: other.fake.ids.guild, channel: other.fake.ids.channel };
    await other.app.store.upsertChannelLink({
      ...key,
      orgId: SEED_IDS.orgLab,
      orgName: 'Ouro Lab',
      teamId: null,
      teamName: null,
      mirrorMode: 'channel',
      updatedBy: 'test',
    });
    const before = other.sandbox.state.messages.length;
    other.fake.userMessage('hello from a server nobody allowed');
    // Gateway events arrive in order: once the command after it is refused, the message was seen.
    const { id, token } = other.command('help');
    const callback = await other.fake.waitForCall((c) => c.path === `/interactions/${id}/${token}/callback`, 10_000);
    expect(callback.body.data.content).toBe(GUILD_NOT_ALLOWED);
    await new Promise((r) => setTimeout(r, 300));
    const jobs = await other.app.store.countJobs();
    expect(Object.values(jobs).reduce((a, b) => a + b, 0)).toBe(0);
    expect(other.sandbox.state.messages.length).toBe(before);
  });
});
