/**
 * Account linking on Discord end to end: the whole runtime with BRIDGE_SECRET_KEY, the real
 * discord.js Client against the fake, the Ouro sandbox. The person links through the modal;
 * their thread messages are then theirs on Ouro, without a prefix, and nothing echoes back.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS, SEED_KEYS } from '../../src/sandbox/index.ts';
import { eventually, startMirroringDiscordApp, type DiscordApp } from '../helpers/discord-app.ts';

let h: DiscordApp;
beforeAll(async () => {
  h = await startMirroringDiscordApp({ env: { BRIDGE_SECRET_KEY: randomBytes(32).toString('base64') } });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

let rootId = '';
let conversationId = '';
const directMessages = () =>
  h.fake.calls.filter(
    (c) =>
      c.method === 'POST' &&
      /^\/channels\/\d+\/messages$/.test(c.path) &&
      (h.fake.channels.get(c.path.split('/')[2]!) as { type?: number } | undefined)?.type === 1,
  );
const messagesOf = (conversationId: string) => h.sandbox.state.messages.filter((m) => m.conversation_id === conversationId);

describe('Discord: linking an Ouro account', () => {
  it('links through the modal, privately, and the thread is then the person’s on Ouro with no echo', async () => {
    const { token } = h.command('login');
    await h.fake.waitForCall((c) => c.path.endsWith(`/${token}/callback`) && c.body?.type === 9, 10_000, 'the login modal');
    const submit = h.fake.modalSubmit('ouro_login', { key: SEED_KEYS.bob });
    const answer = await h.fake.waitForCall(
      (c) => c.method === 'PATCH' && c.path === `/webhooks/${h.fake.ids.app}/${submit.token}/messages/@original`,
      10_000,
      'the login answer',
    );
    expect(answer.body.content).toMatch(/^Linked to Ouro as @bob \(Bob Okafor\)\./);
    expect(h.fake.interactionFlags.get(submit.token)).toBe(64);
    expect(JSON.stringify(h.fake.calls)).not.toContain(SEED_KEYS.bob.slice(10));

    const root = h.fake.userMessage('Is the mae_ev column in eV?');
    rootId = root.id;
    const reply = h.fake.userMessage('I think so, see run 12', { thread: root.id });
    await eventually(async () => {
      const link = await h.app.store.getThreadLink({ platform: 'discord', workspace: h.fake.ids.guild, channel: h.fake.ids.channel, thread: root.id });
      conversationId = link!.conversationId;
      expect(messagesOf(conversationId).map((m) => [m.user_id, m.text])).toEqual([
        [SEED_IDS.bob, 'Is the mae_ev column in eV?'],
        [SEED_IDS.bob, 'I think so, see run 12'],
      ]);
    }, 10_000);

    h.fake.editUserMessage(reply.id, 'I think so, see run 13');
    await eventually(() => expect(messagesOf(conversationId)[1]).toMatchObject({ user_id: SEED_IDS.bob, text: 'I think so, see run 13' }), 10_000);
    h.fake.deleteUserMessage(reply.id);
    await eventually(() => expect(messagesOf(conversationId)[1]).toMatchObject({ user_id: SEED_IDS.bob, text: '_(message deleted on Discord)_' }), 10_000);

    await eventually(() => expect(h.sandbox.state.deliveries.filter((d) => d.status === 'pending')).toHaveLength(0), 10_000);
    await h.app.bridge.drain(5_000);
    expect(h.fake.received().filter((r) => r.op === 'post' && r.thread === root.id)).toEqual([]);
  });

  it('a key pasted into the thread is not mirrored; the person is told in a direct message', async () => {
    const before = messagesOf(conversationId).length;
    h.fake.userMessage(`here: ${SEED_KEYS.carol}`, { thread: rootId });
    await eventually(() => expect(directMessages().some((c) => String(c.body?.content).includes('looks like an Ouro API key'))).toBe(true), 10_000);
    await h.app.bridge.drain(5_000);
    expect(messagesOf(conversationId)).toHaveLength(before);
    expect(JSON.stringify(h.sandbox.state.messages)).not.toContain(SEED_KEYS.carol);
  });

  it('a revoked key: one direct message, and the next messages reach Ouro by the bot with the name in front', async () => {
    h.sandbox.revokeKey(SEED_KEYS.bob);
    h.fake.userMessage('after revocation', { thread: rootId });
    h.fake.userMessage('and again', { thread: rootId });
    await eventually(
      () =>
        expect(
          messagesOf(conversationId)
            .slice(-2)
            .map((m) => [m.user_id, m.text]),
        ).toEqual([
          [SEED_IDS.bot, '**Ada Lovelace** (Discord): after revocation'],
          [SEED_IDS.bot, '**Ada Lovelace** (Discord): and again'],
        ]),
      10_000,
    );
    expect(directMessages().filter((c) => String(c.body?.content).includes('no longer accepts'))).toHaveLength(1);
  });
});
