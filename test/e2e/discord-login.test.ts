/**
 * `/ouro login` on Discord with the real discord.js Client against the fake: a modal with one
 * text input opens (the key never goes into a command option), and its submission reaches
 * the core as the command `login <key>`, deferred ephemerally, with no raw payload kept.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/adapters/discord/index.ts';
import { RecordingInbox, waitUntil } from '../contract/adapter.contract.ts';
import { startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.ts';

let fake: FakeDiscord;
let adapter: DiscordAdapter;
let inbox: RecordingInbox;

beforeEach(async () => {
  fake = await startFakeDiscord();
  adapter = createDiscordAdapter({
    token: 'fake.bot.token',
    apiUrl: `${fake.apiUrl}/v10/`,
    restOptions: { retries: 0, timeout: 5_000 },
    waitGuildTimeout: 1_000,
  });
  inbox = new RecordingInbox();
  await adapter.start(inbox);
});
afterEach(async () => {
  await adapter?.stop();
  await fake.close();
});

const KEY = 'a'.repeat(64);

describe('Discord /ouro login', () => {
  it('opens a modal with one text input, and hands its value on as `login <key>`, privately', async () => {
    const { token } = fake.chatInput('ouro', [{ type: 1, name: 'login', options: [] }]);
    const modalCall = () => fake.calls.find((c) => c.path.endsWith(`/${token}/callback`) && (c.body as { type?: number })?.type === 9);
    await waitUntil(
      () => !!modalCall(),
      3_000,
      () => 'the login modal',
    );
    const data = (modalCall()!.body as { data: { custom_id: string; components: { components: { type: number; style: number }[] }[] } }).data;
    expect(data.custom_id).toBe('ouro_login');
    expect(data.components).toHaveLength(1);
    expect(data.components[0]!.components).toEqual([expect.objectContaining({ type: 4, style: 1 })]);
    expect(inbox.events).toHaveLength(0); // nothing reaches the core until the form is sent

    const submit = fake.modalSubmit('ouro_login', { key: `  ${KEY} ` });
    const ev = await inbox.waitFor('command.invoked');
    expect(ev).toMatchObject({ text: `login ${KEY}`, replyTo: { deferred: 'ephemeral' } });
    expect(ev.raw).toBeUndefined();
    expect(fake.interactionFlags.get(submit.token)).toBe(64);
  });

  it('whoami and logout are deferred privately too', async () => {
    const who = fake.chatInput('ouro', [{ type: 1, name: 'whoami', options: [] }]);
    const ev = await inbox.waitFor('command.invoked');
    expect(ev.text).toBe('whoami');
    expect(fake.interactionFlags.get(who.token)).toBe(64);
  });
});
