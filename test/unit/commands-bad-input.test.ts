import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandRunner } from '../../src/commands/index.ts';
import type { CommandRunner, CommandUser } from '../../src/commands/types.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import type { ChannelKey } from '../../src/store/types.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

/**
 * Bad input, per command, with the exact answer. None of these may reach Ouro: the client
 * points at a closed port, so an Ouro call would answer "Ouro is unreachable" instead.
 */

const admin: CommandUser = { id: 'U_ADMIN', name: 'Ada', isPlatformAdmin: false };
const owner: CommandUser = { id: 'U_OWNER', name: 'Olu', isPlatformAdmin: true };
const member: CommandUser = { id: 'U_MEMBER', name: 'Max', isPlatformAdmin: false };
const slack: ChannelKey = { platform: 'slack', workspace: 'T1', channel: 'C1' };
const discord: ChannelKey = { platform: 'discord', workspace: 'G1', channel: 'C1' };
const Q = '0193a5c0-0000-7000-8000-000000000030';

let ts: TestStore;
let ouro: OuroClient;
let runner: CommandRunner;
beforeAll(async () => {
  ts = await makeTestStore('sqlite');
  ouro = createOuroClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'unused', retries: 0, timeoutMs: 500 });
  runner = createCommandRunner({ ouro, store: ts.store, bridgeAdmins: [admin.id] });
});
afterAll(async () => {
  await ouro?.close();
  await ts?.cleanup();
});

const usage = (u: string) => `Usage: \`/ouro ${u}\``;

describe('bad input gets the exact answer, to the invoker only', () => {
  it.each<[string, CommandUser, string]>([
    // registry
    ['frobnicate', member, 'Unknown command `frobnicate`. Try `/ouro help`.'],
    ['qurey x', member, 'Unknown command `qurey`. Did you mean `query`? Try `/ouro help`.'],
    ['wach q', member, 'Unknown command `wach`. Did you mean `watch`? Try `/ouro help`.'],
    ['quest craete "x"', admin, 'Unknown command `quest craete`. Did you mean `quest create`? Try `/ouro help quest`.'],
    ['quest frob', admin, 'Unknown command `quest frob`. Try `/ouro help quest`.'],
    ['quest create "Measure Tc', admin, 'Unterminated quote: "Measure Tc — close it with a matching quote.'],
    // help
    ['help nothing', member, 'No command `nothing`. Try `/ouro help`.'],
    ['help qeury', member, 'No command `qeury`. Did you mean `query`? Try `/ouro help`.'],
    // link / unlink
    ['link', admin, `Missing <org>. ${usage('link <org> [team]')}`],
    ['link a b c', admin, `Too many arguments: “c”. ${usage('link <org> [team]')} (quote a name that has spaces)`],
    ['link "Ouro Lab"', member, 'Only bridge admins may run `link`: Slack workspace admins and owners, and the people listed in BRIDGE_ADMINS.'],
    ['unlink now', admin, `Too many arguments: “now”. ${usage('unlink')} (quote a name that has spaces)`],
    ['unlink', member, 'Only bridge admins may run `unlink`: Slack workspace admins and owners, and the people listed in BRIDGE_ADMINS.'],
    // mirror
    ['mirror threads', member, 'Only bridge admins may run `mirror threads`: Slack workspace admins and owners, and the people listed in BRIDGE_ADMINS.'],
    ['mirror threads', admin, 'Link this channel to an Ouro org first — conversations are created there: `/ouro link <org> [team]`.'],
    ['mirror channel', owner, 'Link this channel to an Ouro org first — conversations are created there: `/ouro link <org> [team]`.'],
    ['mirror off', admin, 'This channel is not linked, so nothing is mirrored; nothing changed.'],
    ['mirror sideways', admin, 'Unknown command `mirror sideways`. Try `/ouro help mirror`.'],
    ['mirror attach', admin, `Missing <conversation-id>. ${usage('mirror attach <conversation-id>')}`],
    ['mirror attach nope', admin, '“nope” is not a conversation id (a UUID, as in the conversation’s Ouro URL).'],
    // query / datasets / search
    ['query', member, `Missing <dataset>. ${usage('query <dataset> [SQL]')}`],
    ['query "plate reads', member, 'Unterminated quote: "plate reads — close it with a matching quote.'],
    ['search', member, `Missing <terms>. ${usage('search <terms> [--type dataset|post|file|quest|route]')}`],
    ['search magnets --type banana', member, '--type must be one of dataset, post, file, quest, route — not “banana”.'],
    ['search magnets --type post --type file', member, 'Give --type once.'],
    ['search magnets --kind post', member, 'Unknown option --kind. Known options: --type.'],
    ['datasets --type x', member, 'Unknown option --type. This command takes no options.'],
    // quest
    ['quest create', admin, `Missing <name>. ${usage('quest create "<name>" [--item "<text>"]… [--continuous]')}`],
    ['quest create "X" --itme y', admin, 'Unknown option --itme. Known options: --item, --continuous.'],
    ['quest create "X" --item', admin, '--item needs a value.'],
    ['quest create "X" --continuous=yes', admin, '--continuous takes no value.'],
    ['quest create "X"', member, 'Only bridge admins may run `quest create`: Slack workspace admins and owners, and the people listed in BRIDGE_ADMINS.'],
    ['quest create "X"', admin, 'Link this channel to an Ouro org first, so the quest has a home: `/ouro link <org> [team]`.'],
    ['quest list someday', member, `<status> must be one of open, closed, all — not “someday”. ${usage('quest list [open|closed|all]')}`],
    ['quest show', member, `Missing <quest>. ${usage('quest show <quest>')}`],
    ['quest submit Q 1', member, `Missing <asset-id>. ${usage('quest submit <quest> <item-number> <asset-id> [note]')}`],
    ['quest submit Q 1 not-a-uuid', member, '<asset-id> must be an Ouro asset id (a UUID, as in the asset’s URL) — not “not-a-uuid”.'],
    ['quest review Q E', admin, `Missing <decision>. ${usage('quest review <quest> <entry-id> accept|reject [comment]')}`],
    [
      'quest review Q E maybe',
      admin,
      `<decision> must be one of accept, reject — not “maybe”. ${usage('quest review <quest> <entry-id> accept|reject [comment]')}`,
    ],
    [
      'quest review Q E accept',
      member,
      'Only bridge admins may run `quest review`: Slack workspace admins and owners, and the people listed in BRIDGE_ADMINS.',
    ],
    ['quest close', admin, `Missing <quest>. ${usage('quest close <quest>')}`],
    ['quest close Q', member, 'Only bridge admins may run `quest close`: Slack workspace admins and owners, and the people listed in BRIDGE_ADMINS.'],
    // watch / unwatch / watches
    ['watch', member, `Missing <quest>. ${usage('watch <quest> [submitted,accepted,rejected]')}`],
    ['watch Q sometimes', member, 'Unknown status “sometimes”: choose from submitted, accepted, rejected (comma-separated).'],
    ['watch Q accepted,maybe,never', member, 'Unknown status “maybe”, “never”: choose from submitted, accepted, rejected (comma-separated).'],
    ['unwatch', member, `Missing <quest>. ${usage('unwatch <quest>')}`],
    ['watches all', member, `Too many arguments: “all”. ${usage('watches')} (quote a name that has spaces)`],
  ])('%j (%s)', async (text, user, expected) => {
    const r = await runner.run({ text, user, channel: slack });
    expect(r.reply.text).toBe(expected);
    if (!/^This channel is not linked/.test(expected)) expect(r.visibility).toBe('invoker');
  });

  it('a group name alone lists its subcommands with usage', async () => {
    const r = await runner.run({ text: 'quest', user: member, channel: slack });
    expect(r.reply.text.split('\n')).toEqual([
      '`quest` needs one of: create, list, show, submit, review, close.',
      '• `/ouro quest create "<name>" [--item "<text>"]… [--continuous]`',
      '• `/ouro quest list [open|closed|all]`',
      '• `/ouro quest show <quest>`',
      '• `/ouro quest submit <quest> <item-number> <asset-id> [note]`',
      '• `/ouro quest review <quest> <entry-id> accept|reject [comment]`',
      '• `/ouro quest close <quest>`',
    ]);
  });

  it('a refusal names the platform’s admins (Discord) and BRIDGE_ADMINS', async () => {
    const r = await runner.run({ text: 'unlink', user: member, channel: discord });
    expect(r.reply.text).toBe(
      'Only bridge admins may run `unlink`: Discord members with the Manage Server permission, and the people listed in BRIDGE_ADMINS.',
    );
  });

  it('an Ouro call that cannot connect says Ouro is unreachable (and that a query is not retried)', async () => {
    const r = await runner.run({ text: `query ${Q} SELECT 1`, user: member, channel: slack });
    // The address and the socket error stay in the log: chat is told in words.
    expect(r.reply.text).toBe('Ouro is unreachable right now. Try again in a moment. The query was not retried.');
    expect(r.visibility).toBe('invoker');
  });
});

describe('buttons: bad presses', () => {
  const press = (actionId: string, value: string, user: CommandUser) => runner.press({ actionId, value, user, channel: slack, messageId: 'M1' });

  it.each<[string, string, CommandUser, string]>([
    ['entry.accept', `${Q}:E1`, member, 'Only bridge admins may review entries: Slack workspace admins and owners, and the people listed in BRIDGE_ADMINS.'],
    ['entry.reject', `${Q}:E1`, member, 'Only bridge admins may review entries: Slack workspace admins and owners, and the people listed in BRIDGE_ADMINS.'],
    ['entry.frob', `${Q}:E1`, admin, 'This button (`entry.frob`) is not one the bridge knows; nothing was done.'],
    ['entry.accept', 'garbage', admin, 'This button carries no entry to review; nothing was done.'],
    ['entry.accept', 'a:b:c', admin, 'This button carries no entry to review; nothing was done.'],
  ])('%s %j by %s', async (actionId, value, user, expected) => {
    const r = await press(actionId, value, user);
    expect(r.reply.text).toBe(expected);
    expect(r.visibility).toBe('invoker');
    expect(r.updateMessage).toBeUndefined();
  });
});
