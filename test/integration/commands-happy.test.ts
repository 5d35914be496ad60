import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandRunner } from '../../src/commands/index.ts';
import type { CommandRunner, CommandUser } from '../../src/commands/types.ts';
import type { Block } from '../../src/chat/reply.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS } from '../../src/sandbox/seed.ts';
import type { ChannelKey } from '../../src/store/types.ts';
import { pngFacts } from '../helpers/png.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

/**
 * Every command's happy path through the real registry, the real Ouro client and a real
 * store, against the seeded sandbox. Assertions look at what the sandbox and store now hold.
 */

const sandbox = withSandbox({ seed: 'demo' });
const admin: CommandUser = { id: 'U_ADMIN', name: 'Ada', isPlatformAdmin: false };
const member: CommandUser = { id: 'U_MEMBER', name: 'Max', isPlatformAdmin: false };
const channel: ChannelKey = { platform: 'slack', workspace: 'T1', channel: 'C_LAB' };

let ts: TestStore;
let ouro: OuroClient;
let runner: CommandRunner;
const polled: string[] = [];

beforeAll(async () => {
  ts = await makeTestStore('sqlite');
  // A long client timeout: without TEST_DATABASE_URL the sandbox boots embedded PGlite on the first query, slowly on a busy machine.
  ouro = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0, timeoutMs: 55_000 });
  runner = createCommandRunner({
    ouro,
    store: ts.store,
    bridgeAdmins: [admin.id],
    webBaseUrl: 'https://ouro.test',
    notifier: { pollNow: async (id) => void polled.push(id) },
  });
  // The sandbox starts its SQL engine (embedded PGlite without TEST_DATABASE_URL) on first use: do it here, under the hook timeout.
  await ouro.datasets.query(SEED_IDS.datasetPenguins, 'SELECT 1 FROM {{table}} LIMIT 1');
});
afterAll(async () => {
  await ouro?.close();
  await ts?.cleanup();
});

const run = (text: string, user = admin, thread?: string) => runner.run({ text, user, channel, ...(thread ? { thread } : {}) });
const blocksOf = <T extends Block['type']>(blocks: Block[], type: T) => blocks.filter((b): b is Extract<Block, { type: T }> => b.type === type);
const requestsTo = (method: string, path: string) => sandbox().requests.filter((r) => r.method === method && r.path === path).length;

describe('commands against the sandbox', () => {
  it('help lists every command, and explains one with an example', async () => {
    const all = await run('help');
    expect(all.visibility).toBe('public');
    for (const usage of ['link <org> [team]', 'query <dataset> [SQL]', 'quest create "<name>"', 'watch <quest>', 'mirror attach <conversation-id>']) {
      expect(all.reply.text).toContain(usage);
    }
    const one = await run('help query');
    expect(one.reply.text).toContain('**/ouro query <dataset> [SQL]**');
    expect(one.reply.text).toContain('Example: `/ouro query');
    expect((await run('')).reply.text).toContain('/ouro commands');
  });

  it('help on Discord names /ouro-admin for the admin commands, where its adapter registers them', async () => {
    const onDiscord = (text: string) => runner.run({ text, user: admin, channel: { platform: 'discord', workspace: 'G1', channel: 'D1' } });
    const all = (await onDiscord('help')).reply.text;
    expect(all).toContain('• `/ouro-admin link <org> [team]`');
    expect(all).toContain('• `query <dataset> [SQL]`');
    expect((await onDiscord('help quest close')).reply.text).toContain('**/ouro-admin quest close <quest>**');
    expect((await onDiscord('help quest close')).reply.text).toContain('Example: `/ouro-admin quest close');
    expect((await onDiscord('help query')).reply.text).toContain('**/ouro query <dataset> [SQL]**');
    expect((await run('help quest close')).reply.text).toContain('**/ouro quest close <quest>**');
  });

  it('link stores the org and team by name; mirror sets and reports the mode', async () => {
    const r = await run('link "Ouro Lab" materials');
    expect(r.reply.text).toBe('This channel is now linked to **Ouro Lab** / **materials**. Mirror mode: off.');
    expect(await ts.store.getChannelLink(channel)).toMatchObject({
      orgId: SEED_IDS.orgLab,
      teamId: SEED_IDS.teamMaterials,
      mirrorMode: 'off',
      updatedBy: admin.id,
    });

    expect((await run('mirror threads')).reply.text).toContain('Mirror mode is now **threads**');
    expect((await ts.store.getChannelLink(channel))?.mirrorMode).toBe('threads');
    const status = await run('mirror status', member);
    expect(blocksOf(status.reply.blocks, 'fields')[0]!.fields).toEqual([
      { label: 'Linked to', value: 'Ouro Lab / materials' },
      { label: 'Mirror mode', value: 'threads' },
      { label: 'Top level', value: 'not attached' },
    ]);
  });

  it('mirror channel and mirror off switch the mode; the link stays', async () => {
    expect((await run('mirror channel')).reply.text).toBe('Mirror mode is now **channel**: the channel’s top-level messages go to one Ouro conversation.');
    expect((await ts.store.getChannelLink(channel))?.mirrorMode).toBe('channel');
    expect((await run('mirror off')).reply.text).toBe('Mirror mode is now **off**: nothing is mirrored.');
    expect(await ts.store.getChannelLink(channel)).toMatchObject({ mirrorMode: 'off', orgId: SEED_IDS.orgLab, teamId: SEED_IDS.teamMaterials });
    await run('mirror threads');
  });

  it('mirror attach links the current thread to an existing conversation', async () => {
    const before = requestsTo('GET', `/conversations/${SEED_IDS.conversation}`);
    const r = await run(`mirror attach ${SEED_IDS.conversation}`, admin, '1700000000.000100');
    expect(r.reply.text).toBe('This thread is now attached to the Ouro conversation **#materials-lab**.');
    expect(requestsTo('GET', `/conversations/${SEED_IDS.conversation}`)).toBe(before + 1);
    expect(await ts.store.getThreadLink({ ...channel, thread: '1700000000.000100' })).toMatchObject({ conversationId: SEED_IDS.conversation });
  });

  it('datasets and search list what the linked team holds, with links', async () => {
    const ds = await run('datasets');
    const names = blocksOf(ds.reply.blocks, 'asset')
      .map((b) => b.asset.name)
      .sort();
    expect(names).toEqual(['penguins', 'screening_runs']);
    expect(ds.visibility).toBe('public');
    const s = await run('search screening --type dataset', member);
    expect(blocksOf(s.reply.blocks, 'asset').map((b) => b.asset.id)).toEqual([SEED_IDS.datasetScreening]);
    expect(s.reply.text).toContain(`id \`${SEED_IDS.datasetScreening}\``);
  });

  it('query without SQL shows columns with types and the first 10 rows', async () => {
    const r = await run('query screening_runs', member);
    const [cols, rows] = blocksOf(r.reply.blocks, 'table');
    expect(cols!.table.rows).toContainEqual(['started_at', 'timestamp with time zone']);
    expect(cols!.table.rows).toContainEqual(['mae_ev', 'double precision']);
    expect(rows!.table.rows).toHaveLength(10);
    expect(rows!.table.totalRows).toBe(1200);
    expect(rows!.table.columns.find((c) => c.name === 'iterations')?.align).toBe('right');
    expect(rows!.caption).toBe('first 10 of 1,200 rows');
    expect(r.reply.files).toBeUndefined();
    expect(r.visibility).toBe('public');
  });

  it('query with an aggregate answers with a right-aligned table and says it added a LIMIT', async () => {
    const r = await run('query screening_runs SELECT method, count(*) AS n FROM {{table}} GROUP BY method ORDER BY method', member);
    const [t] = blocksOf(r.reply.blocks, 'table');
    expect(t!.table.rows.map((row) => row[0])).toEqual(['dft', 'experiment', 'ml-potential']);
    expect(t!.table.rows.reduce((sum, row) => sum + Number(row[1]), 0)).toBe(1200);
    expect(t!.table.columns).toEqual([
      { name: 'method', align: 'left' },
      { name: 'n', align: 'right' },
    ]);
    expect(r.reply.text).toContain('No LIMIT given, so LIMIT 1000 was added.');
    expect(r.reply.files).toBeUndefined();
  });

  it('query buckets time with date_trunc and keeps the user’s LIMIT and quotes', async () => {
    const sql = "SELECT date_trunc('day', started_at) AS day, count(*) AS runs FROM {{table}} WHERE method <> 'x y' GROUP BY 1 ORDER BY 1 LIMIT 3";
    const r = await run(`query "screening_runs" ${sql}`, member);
    const [t] = blocksOf(r.reply.blocks, 'table');
    expect(t!.table.rows).toHaveLength(3);
    expect(t!.table.rows[0]![0]).toMatch(/^2026-01-05/);
    expect(r.reply.text).not.toContain('LIMIT 1000 was added');
  });

  it('a 5,000-row result comes as a capped table plus the full CSV', async () => {
    const r = await run('query screening_runs SELECT run_id, material, mae_ev FROM {{table}} CROSS JOIN generate_series(1, 5) LIMIT 5000', member);
    const [t] = blocksOf(r.reply.blocks, 'table');
    expect(t!.table.rows).toHaveLength(50);
    expect(t!.table.totalRows).toBe(5000);
    expect(t!.caption).toBe('showing 50 of 5,000 rows — full result attached as CSV');
    const csv = r.reply.files?.[0];
    expect(csv).toMatchObject({ name: 'screening-runs-query.csv', mime: 'text/csv' });
    const lines = String(csv!.content).split('\r\n');
    expect(lines[0]).toBe('run_id,material,mae_ev');
    expect(lines).toHaveLength(5002); // header + 5,000 records + the empty string after the last CRLF
    expect(r.reply.text).toContain('showing 50 of 5,000 rows');
  });

  let questId = '';
  it('quest create makes an open quest with items in the linked org/team', async () => {
    const r = await run('quest create “Measure anisotropy” --item "Fe2B thin film" --item=“MnBi bulk” --continuous');
    expect(r.reply.text).toMatch(/^Created quest \*\*Measure anisotropy\*\* \(continuous, open\)/);
    const q = sandbox().state.quests.find((x) => x.name === 'Measure anisotropy')!;
    expect(q).toMatchObject({ org_id: SEED_IDS.orgLab, team_id: SEED_IDS.teamMaterials, quest: { type: 'continuous', status: 'open' } });
    expect(
      sandbox()
        .state.questItems.filter((i) => i.quest_id === q.id)
        .map((i) => i.description.text),
    ).toEqual(['Fe2B thin film', 'MnBi bulk']);
    questId = q.id;
  });

  it('quest list shows open quests; quest show shows items, progress and entry counts', async () => {
    const list = await run('quest list', member);
    expect(list.reply.text).toContain('Measure anisotropy');
    expect(list.reply.text).toContain('Measure Curie temperatures');
    const show = await run('quest show "Measure Curie temperatures"', member);
    expect(blocksOf(show.reply.blocks, 'fields')[0]!.fields).toContainEqual({ label: 'Entries', value: '1 submitted · 1 accepted · 1 rejected' });
    expect(show.reply.text).toContain('2. Measure Tc of MnBi — in_progress');
    const picture = show.reply.files![0]!;
    expect(picture).toMatchObject({ name: 'quest-progress.png', mime: 'image/png', inlineOnly: true });
    expect(picture.alt).toMatch(/^Items: \d+ done, \d+ open\. Entries: 1 accepted, 1 submitted, 1 rejected\.$/);
    const facts = pngFacts(picture.content as Uint8Array);
    expect([facts.width, facts.height]).toEqual([1000, 220]);
    expect(facts.variance).toBeGreaterThan(200);
  });

  let entryId = '';
  it('quest submit records an entry for the numbered item, with who submitted it from chat', async () => {
    const r = await run(`quest submit "Measure anisotropy" 2 ${SEED_IDS.post} K1 = 0.9 MJ/m³`, member);
    expect(r.reply.text).toMatch(/^Submitted entry `[0-9a-f-]+` for item 2 \(“MnBi bulk”\) of \*\*Measure anisotropy\*\*/);
    const e = sandbox().state.entries.find((x) => x.quest_id === questId)!;
    expect(e.item_id).toBe(sandbox().state.questItems.filter((i) => i.quest_id === questId)[1]!.id);
    expect(Object.values(e.assets ?? {}).map((a) => a.asset_id)).toEqual([SEED_IDS.post]);
    expect(e.description?.text).toBe('K1 = 0.9 MJ/m³\n\nSubmitted by Max from Slack');
    entryId = e.id;
  });

  it('quest review accepts the entry with the comment', async () => {
    const r = await run(`quest review ${questId} ${entryId} accept nice work`);
    expect(r.reply.text).toContain('was **accepted**');
    expect(r.reply.text).toContain('Accepted by Ada');
    const e = sandbox().state.entries.find((x) => x.id === entryId)!;
    expect(e.status).toBe('accepted');
    expect(e.review?.text).toBe('nice work\n\nAccepted by Ada from chat');
  });

  it('watch baselines the quest, stores the watch and polls at once; watches lists it; unwatch removes it', async () => {
    const r = await run('watch "Measure Curie temperatures" submitted,accepted', member);
    expect(r.reply.text).toBe('Watching **Measure Curie temperatures** here for submitted, accepted entries.');
    expect(await ts.store.listWatches(channel)).toMatchObject([{ questId: SEED_IDS.quest, statuses: ['submitted', 'accepted'] }]);
    expect((await ts.store.getSnapshots({ ...channel, questId: SEED_IDS.quest })).map((s) => s.status).sort()).toEqual(['accepted', 'rejected', 'submitted']);
    expect(polled).toEqual([SEED_IDS.quest]);
    const w = await run('watches', member);
    expect(w.reply.text).toContain(`• Measure Curie temperatures — submitted, accepted · id \`${SEED_IDS.quest}\``);
    expect((await run('unwatch "Measure Curie temperatures"', member)).reply.text).toBe(`Stopped watching quest \`${SEED_IDS.quest}\` here.`);
    expect(await ts.store.listWatches(channel)).toEqual([]);
  });

  it('quest close closes it on Ouro', async () => {
    expect((await run('quest close "Measure anisotropy"')).reply.text).toBe('Closed quest **Measure anisotropy**.');
    expect(sandbox().state.quests.find((q) => q.id === questId)?.quest.status).toBe('closed');
  });

  it('unlink forgets the channel link', async () => {
    expect((await run('unlink')).reply.text).toBe('This channel is no longer linked to Ouro; mirroring is off.');
    expect(await ts.store.getChannelLink(channel)).toBeUndefined();
  });
});
