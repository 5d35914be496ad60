/**
 * `/ouro follow` end to end over the real bolt App (HTTP mode) and the Slack fake: the card
 * in the channel, a comment written on Ouro posted once in its thread (through the sandbox's
 * `comment` webhook), and a reply in that thread by a person who linked their Ouro account
 * landing on Ouro as their reply, edited when they edit it, never echoed back.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccounts } from '../../src/accounts/index.ts';
import type { Accounts } from '../../src/accounts/types.ts';
import { createCommentReplies } from '../../src/comments/from-chat.ts';
import { createCommentNotifier, type CommentNotifier } from '../../src/comments/notifier.ts';
import { createCommandRunner } from '../../src/commands/index.ts';
import { silentLogger } from '../../src/log.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS, SEED_KEYS } from '../../src/sandbox/seed.ts';
import { eventually } from '../helpers/eventually.ts';
import { TEAM } from '../helpers/fake-slack.ts';
import { linkToLab, startSlackStack, type SlackStack } from '../helpers/slack-stack.ts';

const C = 'C0FOLLOW';
const D = SEED_IDS.datasetScreening;

describe('Slack: /ouro follow', () => {
  let s: SlackStack;
  let accounts: Accounts;
  let notifier: CommentNotifier;
  let alice: OuroClient;
  beforeAll(async () => {
    s = await startSlackStack({
      sandbox: { seed: 'demo' },
      clientOptions: { retries: 0 },
      bridge: (ouro, store, sandbox, adapter) => {
        accounts = createAccounts({ store, bot: ouro, secretKey: randomBytes(32), ouro: { baseUrl: sandbox.url, retries: 0 }, logger: silentLogger });
        notifier = createCommentNotifier({ ouro, store, adapters: [adapter], cron: '* * * * *', schedule: () => ({ stop() {} }) });
        return {
          accounts,
          commands: createCommandRunner({ ouro, store, bridgeAdmins: [], accounts, comments: notifier }),
          commentReplies: createCommentReplies({ ouro, store, notifier, accounts, logger: silentLogger, botUserId: () => SEED_IDS.bot, tell: async () => {} }),
          onComment: (assetId, also) => void notifier.pollNow(assetId, also),
        };
      },
    });
    alice = createOuroClient({ baseUrl: s.sandbox.url, apiKey: SEED_KEYS.alice, retries: 0 });
    await linkToLab(s.store, C, 'threads');
    const linked = await accounts.login({ platform: 'slack', workspace: TEAM, chatUserId: 'U0BOB' }, SEED_KEYS.bob, { name: 'Bob Builder' });
    expect(linked.ok).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await alice?.close();
    await s?.close();
    await accounts?.close();
  });

  const posts = (thread?: string) => s.fake.callsOf('chat.postMessage').filter((c) => c.args.channel === C && c.args.thread_ts === thread);

  it('a comment on Ouro appears once under the card; a linked person’s reply in the thread is theirs on Ouro', async () => {
    await s.fake.command('follow screening_runs', { channel: C });
    await eventually(() => expect(posts().map((c) => String(c.args.text))).toEqual([expect.stringContaining('Comments on dataset')]));
    const card = s.fake.tsOfPost(posts()[0]!)!;

    const top = await alice.comments.create(D, 'Is run 7 an outlier?');
    await eventually(() => expect(posts(card).map((c) => String(c.args.text))).toEqual(['💬 *alice*\nIs run 7 an outlier?']));
    expect(JSON.stringify(posts(card)[0]!.args.blocks)).toContain('Is run 7 an outlier?');

    const reply = await s.fake.userPosts('No, the bench agrees', { channel: C, user: 'U0BOB', thread_ts: card });
    const onOuro = () => s.sandbox.state.comments.filter((c) => c.parent_id === top.id);
    await eventually(() => expect(onOuro().map((c) => [c.user_id, c.content.text])).toEqual([[SEED_IDS.bob, 'No, the bench agrees']]));

    await s.fake.userEdits(C, reply.ts, 'No: the bench agrees, see run 12');
    await eventually(() => expect(onOuro()[0]!.content.text).toBe('No: the bench agrees, see run 12'));

    await notifier.tick();
    await s.bridge.drain();
    expect(posts(card)).toHaveLength(1); // Bob’s reply is not echoed back
    expect(await s.store.getThreadLink({ platform: 'slack', workspace: TEAM, channel: C, thread: card })).toBeUndefined();
  });
});
