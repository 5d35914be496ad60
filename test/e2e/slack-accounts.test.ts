/**
 * Account linking end to end: the real bolt App (our Slack adapter) against the Slack fake,
 * the real bridge, command runner and accounts service, a SQLite store, and the Ouro sandbox
 * (its webhooks delivered back to us). Bob links through the modal; his thread replies are
 * then his on Ouro, with no echo; a revoked key falls back to the bot.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccounts } from '../../src/accounts/index.ts';
import type { Accounts } from '../../src/accounts/types.ts';
import { createCommandRunner } from '../../src/commands/index.ts';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.ts';
import { SEED_IDS, SEED_KEYS } from '../../src/sandbox/index.ts';
import { TEAM } from '../helpers/fake-slack.ts';
import { startSlackStack, type SlackStack, linkToLab } from '../helpers/slack-stack.ts';

const C = 'C0LAB';
let s: SlackStack;
let accounts: Accounts;
// Everything the bridge, the command runner and the accounts service log, at trace level.
const logLines: string[] = [];
const logger = createLogger({
  level: 'trace',
  pretty: false,
  destination: new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  }),
});

async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

beforeAll(async () => {
  s = await startSlackStack({
    sandbox: { seed: 'demo', databaseUrl: process.env.TEST_DATABASE_URL },
    clientOptions: { retries: 0 },
    bridge: (ouro, store, sandbox) => {
      accounts = createAccounts({ store, bot: ouro, secretKey: randomBytes(32), ouro: { baseUrl: sandbox.url, retries: 0 }, logger });
      return { commands: createCommandRunner({ ouro, store, bridgeAdmins: [], accounts, logger }), accounts, logger };
    },
  });
  await linkToLab(s.store, C, 'threads');
}, 60_000);
afterAll(async () => {
  await s?.close();
  await accounts?.close();
});

const ouroMessages = (conversationId: string) => s.sandbox.state.messages.filter((m) => m.conversation_id === conversationId);
const conversationOf = async (thread: string) => (await s.store.getThreadLink({ platform: 'slack', workspace: TEAM, channel: C, thread }))?.conversationId;
const everything = () => JSON.stringify([s.fake.calls, s.fake.hooks]);

describe('Slack: linking an Ouro account', () => {
  it('Bob links through the modal; only he is told who he is; the key appears nowhere in chat', async () => {
    const cmd = await s.fake.command('login', { channel: C, user: 'U0BOB' });
    await eventually(() => expect(s.fake.callsOf('views.open').some((c) => JSON.stringify(c.args.view).includes('ouro_login'))).toBe(true));
    await s.fake.submitView({ key: { value: { type: 'plain_text_input', value: SEED_KEYS.bob } } }, 'U0BOB');
    await eventually(() => expect(s.fake.hooks.some((h) => cmd.responseUrl.endsWith(`/hooks/${h.id}`))).toBe(true));
    const hook = s.fake.hooks.find((h) => cmd.responseUrl.endsWith(`/hooks/${h.id}`))!;
    expect(hook.body.response_type).toBe('ephemeral');
    expect(hook.body.text).toMatch(/^Linked to Ouro as @bob \(Bob Okafor\)\./);
    expect(everything()).not.toContain(SEED_KEYS.bob);
    expect((await s.store.getAccountLink({ platform: 'slack', workspace: TEAM, chatUserId: 'U0BOB' }))?.ouroUserId).toBe(SEED_IDS.bob);
  });

  it('Bob’s thread reply is his on Ouro, without a prefix; edit and delete follow; nothing echoes back', async () => {
    const root = await s.fake.userPosts('Is the mae_ev column right?', { channel: C });
    const reply = await s.fake.userPosts('Looks *fine* to me', { channel: C, user: 'U0BOB', thread_ts: root.ts });
    let conv = '';
    await eventually(async () => {
      conv = (await conversationOf(root.ts))!;
      expect(ouroMessages(conv).map((m) => [m.user_id, m.text])).toEqual([
        [SEED_IDS.bot, '**Ada Lovelace** (Slack): Is the mae_ev column right?'],
        [SEED_IDS.bob, 'Looks **fine** to me'],
      ]);
    });
    const meta = s.sandbox.state.conversations.find((c) => c.id === conv)!.metadata.members;
    expect(meta).toEqual(expect.arrayContaining([SEED_IDS.bot, SEED_IDS.bob]));

    await s.fake.userEdits(C, reply.ts, 'Looks fine, *edited*');
    await eventually(() => expect(ouroMessages(conv)[1]).toMatchObject({ user_id: SEED_IDS.bob, text: 'Looks fine, **edited**' }));
    await s.fake.userDeletes(C, reply.ts);
    await eventually(() => expect(ouroMessages(conv)[1]).toMatchObject({ user_id: SEED_IDS.bob, text: '_(message deleted on Slack)_' }));

    // Every new-message webhook has come back by now; none may have put anything into the thread.
    await eventually(() => expect(s.sandbox.state.deliveries.filter((d) => d.status === 'pending')).toHaveLength(0));
    await s.bridge.drain();
    expect(s.fake.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === root.ts)).toHaveLength(0);
    // Ouro's later syncs see Bob's edited message; it is not "edited on Ouro" back onto Slack either.
    await s.sandbox.postAs('alice', conv, 'a nudge that makes the bridge read the conversation again');
    await eventually(() => expect(s.fake.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === root.ts)).toHaveLength(1));
    await s.bridge.drain();
    expect(s.fake.callsOf('chat.update').filter((c) => c.args.ts === reply.ts || c.args.ts === root.ts)).toHaveLength(0);

    // Bob writing on Ouro itself shows in Slack under his Slack name and avatar.
    await s.sandbox.postAs('bob', conv, 'written on Ouro');
    await eventually(() => expect(s.fake.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === root.ts)).toHaveLength(2));
    const post = s.fake.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === root.ts)[1]!;
    expect(post.args).toMatchObject({ username: 'Bob Builder', icon_url: 'https://avatars.example/U0BOB.png' });
  });

  it('a message written as a person is the bridge’s own even before its chat mapping is recorded (the webhook can come first)', async () => {
    const root = await s.fake.userPosts('race thread', { channel: C });
    await s.fake.userPosts('race reply', { channel: C, thread_ts: root.ts });
    let conv = '';
    await eventually(async () => {
      conv = (await conversationOf(root.ts))!;
      expect(ouroMessages(conv)).toHaveLength(2);
    });
    await s.bridge.drain();
    // The moment between the create as Bob and the mapping: only the as-person record exists.
    const url = s.sandbox.state.deliveries.at(-1)!.url;
    s.sandbox.setWebhookUrl(undefined);
    const { id } = await s.sandbox.postAs('bob', conv, 'written by the bridge as Bob');
    await s.store.setState(`as-person:${id}`, JSON.stringify(['slack', TEAM, 'U0BOB']));
    s.sandbox.setWebhookUrl(url);
    await s.sandbox.postAs('alice', conv, 'a later message from alice');
    await eventually(() => expect(s.fake.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === root.ts)).toHaveLength(1));
    await s.bridge.drain();
    expect(
      s.fake
        .callsOf('chat.postMessage')
        .filter((c) => c.args.thread_ts === root.ts)
        .map((c) => c.args.text),
    ).toEqual(['a later message from alice']);
  });

  it('a key pasted into a mirrored thread is not mirrored or echoed; its author is told privately', async () => {
    const root = await s.fake.userPosts('keys thread', { channel: C });
    await s.fake.userPosts('first reply', { channel: C, thread_ts: root.ts });
    let conv = '';
    await eventually(async () => {
      conv = (await conversationOf(root.ts))!;
      expect(ouroMessages(conv)).toHaveLength(2);
    });
    await s.fake.userPosts(`my key is ${SEED_KEYS.carol}`, { channel: C, thread_ts: root.ts });
    await eventually(() =>
      expect(s.fake.callsOf('chat.postEphemeral').some((c) => c.args.user === 'U0ADA' && String(c.args.text).includes('looks like an Ouro API key'))).toBe(
        true,
      ),
    );
    await s.bridge.drain();
    expect(ouroMessages(conv)).toHaveLength(2);
    expect(JSON.stringify(s.sandbox.state.messages)).not.toContain(SEED_KEYS.carol);
    expect(JSON.stringify(s.fake.callsOf('chat.postEphemeral'))).not.toContain(SEED_KEYS.carol);
  });

  it('Bob’s key revoked: one private notice; his messages still reach Ouro, by the bot with his name; whoami says broken', async () => {
    const root = await s.fake.userPosts('after revocation', { channel: C });
    s.sandbox.revokeKey(SEED_KEYS.bob);
    await s.fake.userPosts('still here', { channel: C, user: 'U0BOB', thread_ts: root.ts });
    await s.fake.userPosts('and again', { channel: C, user: 'U0BOB', thread_ts: root.ts });
    let conv = '';
    await eventually(async () => {
      conv = (await conversationOf(root.ts))!;
      expect(ouroMessages(conv).map((m) => [m.user_id, m.text])).toEqual([
        [SEED_IDS.bot, '**Ada Lovelace** (Slack): after revocation'],
        [SEED_IDS.bot, '**Bob Builder** (Slack): still here'],
        [SEED_IDS.bot, '**Bob Builder** (Slack): and again'],
      ]);
    });
    const notices = s.fake.callsOf('chat.postEphemeral').filter((c) => c.args.user === 'U0BOB' && String(c.args.text).includes('no longer accepts'));
    expect(notices).toHaveLength(1);
    const who = await s.fake.command('whoami', { channel: C, user: 'U0BOB' });
    await eventually(() => expect(s.fake.hooks.some((h) => who.responseUrl.endsWith(`/hooks/${h.id}`))).toBe(true));
    expect(s.fake.hooks.find((h) => who.responseUrl.endsWith(`/hooks/${h.id}`))!.body.text).toContain('the link is broken');
  });

  it('no key, token or sealed key reached a log line (trace level, the whole file)', async () => {
    await s.bridge.drain();
    const all = logLines.join('');
    expect(all).toContain('account linked');
    expect(all).toContain('ouro request'); // the person's client logs its calls too
    for (const key of Object.values(SEED_KEYS)) expect(all).not.toContain(key);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./); // a JWT (access token)
    const sealed = (await s.store.listAccountLinks()).map((l) => l.sealedKey);
    expect(sealed.length).toBeGreaterThan(0);
    for (const v of sealed) expect(all).not.toContain(v.split('.')[3]!);
  });
});
